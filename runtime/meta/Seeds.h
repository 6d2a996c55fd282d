//===- runtime/meta/Seeds.h - every seed of a run, derived from one -------===//
//
// A run is reproducible from its --seed alone, whatever the thread count:
// each network's seed is a pure function of (run seed, purpose, meta-
// iteration, network index), and the seeds of its task trials and of its
// exploration noise are pure functions of the network's seed. Training,
// the baselines' learning-rate sweep and the held-out evaluation draw from
// separate domains, so held-out networks are never seen in meta-training.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/Random.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace plasticc::meta {

/// What a network is drawn for; each purpose has its own seeds.
enum class SeedDomain : uint64_t { Training = 1, Sweep = 2, HeldOut = 3 };

/// Seed of network `index` of meta-iteration `iteration` (0 outside training).
inline uint64_t networkSeed(uint64_t runSeed, SeedDomain domain, uint64_t iteration,
                            uint64_t index) {
  uint64_t base = random::bits(runSeed, static_cast<uint64_t>(domain), iteration);
  return random::bits(base, 0x51ed, index);
}

/// Seed of the task trials a network sees (TaskGenerator::generate).
inline uint64_t taskSeed(uint64_t network) { return random::bits(network, 0x7a51, 0); }

/// Seed of a network's exploration noise: element i of step t of trial k is
/// random::normal(noiseSeed, k, t * noiseLength + i, 0, 1).
inline uint64_t noiseSeed(uint64_t network) { return random::bits(network, 0x4015e, 0); }

/// Element p of the antithetic perturbation of network `network` (the
/// evolution-strategies estimator): random::normal(perturbationSeed, 0, p, 0, 1).
inline uint64_t perturbationSeed(uint64_t network) { return random::bits(network, 0xe5, 0); }

/// A seed as messages and CSV files print it: "0x" and 16 hex digits.
inline std::string seedText(uint64_t seed) {
  char text[32];
  std::snprintf(text, sizeof text, "%#018llx", static_cast<unsigned long long>(seed));
  return text;
}

} // namespace plasticc::meta

//===- runtime/Noise.h - drawing a model's per-step noise vector ----------===//
//
// A model declares what each noise quantity is drawn from (docs/language.md
// "Noise": normal, uniform or bernoulli; the C ABI's noise_dist); the caller
// draws the whole noise vector before every step. A NoiseSampler does that
// from a counter-based stream (dialect/Random.h): element i of step t of
// trial k is a pure function of (seed, k, t * L + i), so every thread, every
// backend and every rerun sees the same draws. A standard normal element is
// random::normal(seed, k, t * L + i, 0, 1), the draw plasticc has always made.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"

#include <cstdint>
#include <vector>

namespace plasticc::runtime {

/// Draws a model's noise vector (see file comment).
class NoiseSampler {
public:
  explicit NoiseSampler(const ModelInfo &info);

  /// Fills `noise` (ModelInfo::noiseLength doubles) for step t of trial k of
  /// the stream `seed`. `mirror`: the antithetic draw, reflected about the
  /// distribution's centre (normal, uniform; a bernoulli draw is kept).
  void fill(uint64_t seed, uint64_t k, int64_t t, bool mirror, double *noise) const;

private:
  enum class Kind : uint8_t { StandardNormal, Normal, Uniform, Bernoulli };
  struct Element {
    Kind kind = Kind::StandardNormal;
    double a = 0, b = 1;
  };
  std::vector<Element> elements_; // one per element of the noise vector
};

} // namespace plasticc::runtime

//===- dialect/Random.h - the counter-based draws of the init region ------===//
//
// Initial values (random.normal / random.uniform in the init region) must be
// the same in the interpreter, the JIT and a shared library, so the draw of
// element k of stream s for network seed is a pure function of (seed, s, k):
// splitmix64 of a mixed counter, then Box-Muller for normals. Codegen emits
// these same integer operations; tests compare backends bit for bit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace plasticc::random {

/// splitmix64 finaliser (Steele, Lea & Flood 2014).
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// 64 random bits for counter k of stream s under seed.
constexpr uint64_t bits(uint64_t seed, uint64_t stream, uint64_t k) {
  return mix64(mix64(seed + 0x9e3779b97f4a7c15ULL * (stream + 1)) ^ (k * 0xd1b54a32d192ed03ULL));
}

/// Uniform in [0, 1) with 53 random bits.
constexpr double unit(uint64_t seed, uint64_t stream, uint64_t k) {
  return static_cast<double>(bits(seed, stream, k) >> 11) * 0x1.0p-53;
}

/// Uniform(lo, hi) for element k.
inline double uniform(uint64_t seed, uint64_t stream, uint64_t k, double lo, double hi) {
  return lo + (hi - lo) * unit(seed, stream, k);
}

/// Normal(mean, variance) for element k: Box-Muller on counters 2k, 2k+1.
/// 1 - u keeps the logarithm's argument in (0, 1].
inline double normal(uint64_t seed, uint64_t stream, uint64_t k, double mean, double variance) {
  double u1 = 1.0 - unit(seed, stream, 2 * k);
  double u2 = unit(seed, stream, 2 * k + 1);
  double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  return mean + std::sqrt(variance) * z;
}

} // namespace plasticc::random

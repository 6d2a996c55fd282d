//===- runtime/Elementwise.h - the scalar meaning of elementwise ops ------===//
//
// One element of each elementwise dialect op, exactly as every backend must
// compute it: the reference interpreter calls these, and codegen emits the
// same comparisons in the same order, so that ties and NaNs go the same way
// everywhere. The choices (ties of min/max to the first operand, a NaN in
// the first operand propagates, relu = max(x, 0), the checked product of
// tangents) are documented with their reasons in docs/tangents.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace plasticc::runtime::elementwise {

/// max(x, y) = y > x ? y : x: ties and a NaN in y give x; a NaN in x stays.
inline double max(double x, double y) { return y > x ? y : x; }
/// min(x, y) = y < x ? y : x: ties and a NaN in y give x; a NaN in x stays.
inline double min(double x, double y) { return y < x ? y : x; }
/// clip(x, lo, hi) = min(max(x, lo), hi).
inline double clip(double x, double lo, double hi) { return min(max(x, lo), hi); }
/// relu(x) = max(x, 0).
inline double relu(double x) { return max(x, 0.0); }
/// Heaviside: 1 where x > 0, else 0 (NaN gives 0).
inline double step(double x) { return x > 0 ? 1.0 : 0.0; }
/// The logistic function; saturates to exactly 0 and 1 without NaN.
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
/// c != 0 ? x : y (a NaN condition is true).
inline double select(double c, double x, double y) { return c != 0 ? x : y; }
/// x * y, but 0 where y == 0 even if x is inf or NaN (tangent products).
inline double mulChecked(double x, double y) { return y == 0 ? 0.0 : x * y; }

/// x^n for n >= 0 by binary exponentiation (the algorithm of compiler-rt's
/// __powidf2, which llvm.powi lowers to), so backends agree bit for bit;
/// x^0 = 1 for every x, NaN included.
inline double powi(double x, int64_t n) {
  double r = 1.0;
  while (n > 0) {
    if (n & 1)
      r *= x;
    n /= 2;
    if (n == 0)
      break;
    x *= x;
  }
  return r;
}

} // namespace plasticc::runtime::elementwise

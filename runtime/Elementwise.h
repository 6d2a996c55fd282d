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

#include "dialect/IR.h"

#include <cmath>
#include <cstdint>
#include <optional>

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
/// log(1 + e^x) as max(x, 0) + log1p(e^-|x|): e^-|x| <= 1 never overflows,
/// so softplus(x) = x for large x and underflows to +0 for very negative x.
inline double softplus(double x) { return max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }
/// 1 where x > 0, -1 where x < 0, else x itself: +0, -0 and NaN stay.
inline double sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
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

/// 1.0 or 0.0: the value of a comparison.
inline double mask(bool b) { return b ? 1.0 : 0.0; }

/// The scalar function of each elementwise unary op, the one definition that
/// the interpreter and constant folding share: calls visit(f) with f(x) the
/// op's element function (n: powi's exponent) and returns true, or returns
/// false for an op that is not elementwise unary. A visitor rather than a
/// value so that the interpreter's loops are compiled per op.
template <class Visit> bool visitUnary(ir::OpKind kind, int64_t n, Visit &&visit) {
  using ir::OpKind;
  switch (kind) {
  case OpKind::Neg: visit([](double x) { return -x; }); return true;
  case OpKind::Tanh: visit([](double x) { return std::tanh(x); }); return true;
  case OpKind::Exp: visit([](double x) { return std::exp(x); }); return true;
  case OpKind::Log: visit([](double x) { return std::log(x); }); return true;
  case OpKind::Sqrt: visit([](double x) { return std::sqrt(x); }); return true;
  case OpKind::Abs: visit([](double x) { return std::fabs(x); }); return true;
  case OpKind::Sigmoid: visit([](double x) { return sigmoid(x); }); return true;
  case OpKind::Relu: visit([](double x) { return relu(x); }); return true;
  case OpKind::Powi: visit([n](double x) { return powi(x, n); }); return true;
  case OpKind::Step: visit([](double x) { return step(x); }); return true;
  case OpKind::Sin: visit([](double x) { return std::sin(x); }); return true;
  case OpKind::Cos: visit([](double x) { return std::cos(x); }); return true;
  case OpKind::Tan: visit([](double x) { return std::tan(x); }); return true;
  case OpKind::Asin: visit([](double x) { return std::asin(x); }); return true;
  case OpKind::Acos: visit([](double x) { return std::acos(x); }); return true;
  case OpKind::Atan: visit([](double x) { return std::atan(x); }); return true;
  case OpKind::Sinh: visit([](double x) { return std::sinh(x); }); return true;
  case OpKind::Cosh: visit([](double x) { return std::cosh(x); }); return true;
  case OpKind::Log1p: visit([](double x) { return std::log1p(x); }); return true;
  case OpKind::Expm1: visit([](double x) { return std::expm1(x); }); return true;
  case OpKind::Softplus: visit([](double x) { return softplus(x); }); return true;
  case OpKind::Sign: visit([](double x) { return sign(x); }); return true;
  case OpKind::Floor: visit([](double x) { return std::floor(x); }); return true;
  case OpKind::Ceil: visit([](double x) { return std::ceil(x); }); return true;
  default: return false;
  }
}

/// The same for the elementwise binary and compare ops.
template <class Visit> bool visitBinary(ir::OpKind kind, Visit &&visit) {
  using ir::OpKind;
  switch (kind) {
  case OpKind::Add: visit([](double x, double y) { return x + y; }); return true;
  case OpKind::Sub: visit([](double x, double y) { return x - y; }); return true;
  case OpKind::Mul: visit([](double x, double y) { return x * y; }); return true;
  case OpKind::MulChecked: visit([](double x, double y) { return mulChecked(x, y); }); return true;
  case OpKind::Div: visit([](double x, double y) { return x / y; }); return true;
  case OpKind::Pow: visit([](double x, double y) { return std::pow(x, y); }); return true;
  case OpKind::Min: visit([](double x, double y) { return min(x, y); }); return true;
  case OpKind::Max: visit([](double x, double y) { return max(x, y); }); return true;
  case OpKind::Atan2: visit([](double x, double y) { return std::atan2(x, y); }); return true;
  case OpKind::Lt: visit([](double x, double y) { return mask(x < y); }); return true;
  case OpKind::Le: visit([](double x, double y) { return mask(x <= y); }); return true;
  case OpKind::Gt: visit([](double x, double y) { return mask(x > y); }); return true;
  case OpKind::Ge: visit([](double x, double y) { return mask(x >= y); }); return true;
  case OpKind::Eq: visit([](double x, double y) { return mask(x == y); }); return true;
  case OpKind::Ne: visit([](double x, double y) { return mask(x != y); }); return true;
  default: return false;
  }
}

/// One element of unary op `kind`; nothing if it is not elementwise unary.
inline std::optional<double> unary(ir::OpKind kind, double x, int64_t n = 0) {
  std::optional<double> r;
  visitUnary(kind, n, [&](auto f) { r = f(x); });
  return r;
}

/// One element of binary or compare op `kind`; nothing for any other op.
inline std::optional<double> binary(ir::OpKind kind, double x, double y) {
  std::optional<double> r;
  visitBinary(kind, [&](auto f) { r = f(x, y); });
  return r;
}

} // namespace plasticc::runtime::elementwise

//===- compiler/transforms/TangentRules.h - the chain rule, op by op ------===//
//
// Given a primal op and the tangents of its operands, appends the ops that
// compute the op's tangent (its JVP with respect to all P meta scalars at
// once, DESIGN.md "The tangent pass"). The partial derivatives of the
// elementwise math are data, in the UNARY_JVP / BINARY_JVP tables of
// dialect/Ops.def; the structural rules (select, min, max, clip, matvec,
// outer, bcast, extract, sum) are written out here. Every convention at a
// kink or a domain edge is in docs/tangents.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/Builder.h"

#include <map>
#include <span>
#include <string>
#include <utility>

namespace plasticc::transforms {

/// Emits tangent ops through a builder positioned at the end of a region.
/// Scalar constants are shared within one region (see resetRegion).
class TangentEmitter {
public:
  /// `builder` decides where the ops go; `lanes` is P (> 0).
  TangentEmitter(ir::Builder &builder, int64_t lanes);

  /// The tangent of `op` (type op.type with P lanes), built from the
  /// tangents of its operands (nullptr where an operand is inactive; at
  /// least one carrying operand must be active). A newly built result is
  /// named "d.<op name>"; the result may also be an operand's tangent itself
  /// (e.g. the tangent of x + c is dx).
  ir::Op *emit(const ir::Op &op, std::span<ir::Op *const> operandTangents);

  /// A zero tangent of `primalType`'s shape (a splat constant with P lanes).
  ir::Op *zero(const ir::Type &primalType);

  /// Forget the constants of the previous region (call on switching regions:
  /// a constant of one region cannot be used in another).
  void resetRegion() { constants_.clear(); }

private:
  /// A partial derivative: a primal value, or the constants 1 and -1,
  /// which multiply a tangent without any product op.
  struct Partial {
    enum class Kind { Value, Identity, MinusOne } kind = Kind::Value;
    ir::Op *value = nullptr;
    Partial(ir::Op *v) : value(v) {}
    explicit Partial(Kind k) : kind(k) {}
  };
  enum class Product { Plain, Checked };

  ir::Op *unaryRule(const ir::Op &op, ir::Op *dx);
  ir::Op *binaryRule(const ir::Op &op, ir::Op *dx, ir::Op *dy);
  ir::Op *structuralRule(const ir::Op &op, std::span<ir::Op *const> d);
  ir::Op *clipRule(const ir::Op &op, std::span<ir::Op *const> d);

  /// partial * tangent (or the tangent itself, or its negation).
  ir::Op *scale(const Partial &p, ir::Op *tangent, Product product);
  /// a + b where either may be null (a missing tangent is zero).
  ir::Op *accumulate(ir::Op *a, ir::Op *b);
  /// `tangent`, or a scalar zero tangent when it is null.
  ir::Op *orZero(ir::Op *tangent);
  /// Broadcasts a tangent to the shape of `primalType` when it is a scalar.
  ir::Op *fit(ir::Op *tangent, const ir::Type &primalType);

  // Helpers the rule tables of Ops.def are written in (primal values).
  ir::Op *constant(double value);
  ir::Op *zero() { return constant(0.0); }
  ir::Op *one() { return constant(1.0); }
  ir::Op *two() { return constant(2.0); }
  ir::Op *half() { return constant(0.5); }
  ir::Op *nan();
  static Partial identity() { return Partial(Partial::Kind::Identity); }
  static Partial minusOne() { return Partial(Partial::Kind::MinusOne); }
  ir::Op *neg(ir::Op *a) { return b_.unary(ir::OpKind::Neg, a); }
  ir::Op *log(ir::Op *a) { return b_.unary(ir::OpKind::Log, a); }
  ir::Op *abs(ir::Op *a) { return b_.unary(ir::OpKind::Abs, a); }
  ir::Op *exp(ir::Op *a) { return b_.unary(ir::OpKind::Exp, a); }
  ir::Op *sqrt(ir::Op *a) { return b_.unary(ir::OpKind::Sqrt, a); }
  ir::Op *sin(ir::Op *a) { return b_.unary(ir::OpKind::Sin, a); }
  ir::Op *cos(ir::Op *a) { return b_.unary(ir::OpKind::Cos, a); }
  ir::Op *sinh(ir::Op *a) { return b_.unary(ir::OpKind::Sinh, a); }
  ir::Op *cosh(ir::Op *a) { return b_.unary(ir::OpKind::Cosh, a); }
  ir::Op *sigmoid(ir::Op *a) { return b_.unary(ir::OpKind::Sigmoid, a); }
  ir::Op *add(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Add, a, c); }
  ir::Op *sub(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Sub, a, c); }
  ir::Op *mul(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Mul, a, c); }
  ir::Op *div(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Div, a, c); }
  ir::Op *pow(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Pow, a, c); }
  ir::Op *eq(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Eq, a, c); }
  ir::Op *lt(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Lt, a, c); }
  ir::Op *gt(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Gt, a, c); }
  ir::Op *ge(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Ge, a, c); }
  ir::Op *select(ir::Op *c, ir::Op *a, ir::Op *e) { return b_.select(c, a, e); }
  ir::Op *max(ir::Op *a, ir::Op *c) { return b_.binary(ir::OpKind::Max, a, c); }
  /// n x^(n-1) for the powi op being differentiated (n >= 1).
  Partial powiPartial(ir::Op *x);
  /// (1 - x)(1 + x): 1 - x^2 without cancellation near |x| = 1, and +0
  /// (never -0) at x = +-1.
  ir::Op *oneMinusSquare(ir::Op *x) { return mul(sub(one(), x), add(one(), x)); }
  /// num / (x^2 + y^2), with x, y and num scaled by m = max(|x|, |y|) so
  /// that the squares neither overflow nor underflow: nan at the origin.
  ir::Op *atan2Partial(ir::Op *num, ir::Op *x, ir::Op *y);

  ir::Builder &b_;
  int64_t lanes_;
  const ir::Op *current_ = nullptr; // the op whose rule is being expanded
  /// Constants of the current region, by (bits of the value, type text).
  std::map<std::pair<uint64_t, std::string>, ir::Op *> constants_;
};

} // namespace plasticc::transforms

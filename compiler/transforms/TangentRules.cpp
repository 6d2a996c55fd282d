//===- compiler/transforms/TangentRules.cpp - the chain rule, op by op ----===//
#include "compiler/transforms/TangentRules.h"

#include <bit>
#include <limits>

namespace plasticc::transforms {

using ir::Op;
using ir::OpFamily;
using ir::OpKind;

TangentEmitter::TangentEmitter(ir::Builder &builder, int64_t lanes) : b_(builder), lanes_(lanes) {
  PLASTICC_INTERNAL_ASSERT(lanes > 0, "tangent emitter without lanes");
}

Op *TangentEmitter::constant(double value) {
  ir::Type t = ir::Type::scalar();
  auto key = std::make_pair(std::bit_cast<uint64_t>(value), t.str());
  auto [it, inserted] = constants_.try_emplace(key, nullptr);
  if (inserted)
    it->second = b_.constant(value, t);
  return it->second;
}

Op *TangentEmitter::nan() { return constant(std::numeric_limits<double>::quiet_NaN()); }

Op *TangentEmitter::zero(const ir::Type &primalType) {
  ir::Type t = primalType.withLanes(lanes_);
  auto key = std::make_pair(std::bit_cast<uint64_t>(0.0), t.str());
  auto [it, inserted] = constants_.try_emplace(key, nullptr);
  if (inserted)
    it->second = b_.constant(0.0, t);
  return it->second;
}

Op *TangentEmitter::orZero(Op *tangent) { return tangent ? tangent : zero(ir::Type::scalar()); }

Op *TangentEmitter::accumulate(Op *a, Op *b) {
  if (!a)
    return b;
  if (!b)
    return a;
  return b_.binary(OpKind::Add, a, b);
}

Op *TangentEmitter::scale(const Partial &p, Op *tangent, Product product) {
  switch (p.kind) {
  case Partial::Kind::Identity:
    return tangent;
  case Partial::Kind::MinusOne:
    return neg(tangent);
  case Partial::Kind::Value:
    break;
  }
  // The partial is the primal (first) operand: lanes broadcast over it.
  return b_.binary(product == Product::Plain ? OpKind::Mul : OpKind::MulChecked, p.value, tangent);
}

Op *TangentEmitter::fit(Op *tangent, const ir::Type &primalType) {
  PLASTICC_INTERNAL_ASSERT(tangent->type.lanes == lanes_, "tangent with wrong lanes: " +
                                                             tangent->type.str());
  if (tangent->type.sameShape(primalType))
    return tangent;
  PLASTICC_INTERNAL_ASSERT(tangent->type.isScalar(), "tangent of shape " + tangent->type.str() +
                                                         " for a value " + primalType.str());
  return b_.bcast(tangent, primalType);
}

TangentEmitter::Partial TangentEmitter::powiPartial(Op *x) {
  int64_t n = current_->attrs.ints.at(0);
  PLASTICC_INTERNAL_ASSERT(n >= 1, "powi with n = 0 has no tangent");
  if (n == 1)
    return identity();
  return mul(constant(static_cast<double>(n)), n == 2 ? x : b_.powi(x, n - 1));
}

// With m = max(|x|, |y|): (num/m) / (((x/m)^2 + (y/m)^2) m). One of x/m,
// y/m is +-1, so the sum of squares is in [1, 2]; m = 0 gives 0/0 = nan.
Op *TangentEmitter::atan2Partial(Op *num, Op *x, Op *y) {
  Op *m = max(abs(x), abs(y));
  Op *xs = div(x, m), *ys = div(y, m);
  return div(div(num, m), mul(add(mul(xs, xs), mul(ys, ys)), m));
}

Op *TangentEmitter::unaryRule(const Op &op, Op *dx) {
  Op *x = op.operands[0];
  Op *r = const_cast<Op *>(&op);
  (void)x;
  (void)r;
  switch (op.kind) {
#define UNARY_JVP(Enum, PartialExpr, ProductKind)                                                  \
  case OpKind::Enum:                                                                               \
    return scale(Partial(PartialExpr), dx, Product::ProductKind);
#include "dialect/Ops.def"
  default:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("no unary tangent rule for ") + ir::mnemonic(op.kind));
}

Op *TangentEmitter::binaryRule(const Op &op, Op *dx, Op *dy) {
  Op *x = op.operands[0];
  Op *y = op.operands[1];
  Op *r = const_cast<Op *>(&op);
  (void)r;
  Op *t = nullptr;
  switch (op.kind) {
    // Each partial is built only when its operand is active (no dead ops).
#define BINARY_JVP(Enum, PartialX, PartialY, ProductKind)                                          \
  case OpKind::Enum:                                                                               \
    if (dx)                                                                                        \
      t = accumulate(t, scale(Partial(PartialX), dx, Product::ProductKind));                       \
    if (dy)                                                                                        \
      t = accumulate(t, scale(Partial(PartialY), dy, Product::ProductKind));                       \
    return t;
#include "dialect/Ops.def"
  // min/max take the tangent of the operand the primal took: the same
  // comparison as the primal, so ties go to the first operand.
  case OpKind::Min: // r = y < x ? y : x
    return select(lt(y, x), orZero(dy), orZero(dx));
  case OpKind::Max: // r = y > x ? y : x
    return select(gt(y, x), orZero(dy), orZero(dx));
  default:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("no binary tangent rule for ") + ir::mnemonic(op.kind));
}

// clip(x, lo, hi) = min(max(x, lo), hi): the tangent of whichever operand
// the two primal selections took; at a bound (a tie) that is x's.
Op *TangentEmitter::clipRule(const Op &op, std::span<Op *const> d) {
  Op *x = op.operands[0], *lo = op.operands[1], *hi = op.operands[2];
  Op *m = b_.binary(OpKind::Max, x, lo);
  Op *dm = select(gt(lo, x), orZero(d[1]), orZero(d[0]));
  return select(lt(hi, m), orZero(d[2]), dm);
}

Op *TangentEmitter::structuralRule(const Op &op, std::span<Op *const> d) {
  ir::Type tangentType = op.type.withLanes(lanes_);
  switch (op.kind) {
  case OpKind::Select:
    return select(op.operands[0], orZero(d[1]), orZero(d[2]));
  case OpKind::Clip:
    return clipRule(op, d);
  case OpKind::MatVec: // d(A v) = dA v + A dv
  case OpKind::Outer:  // d(u v^T) = du v^T + u dv^T
    return accumulate(d[0] ? b_.create(op.kind, {d[0], op.operands[1]}) : nullptr,
                      d[1] ? b_.create(op.kind, {op.operands[0], d[1]}) : nullptr);
  case OpKind::Bcast:
    return b_.bcast(d[0], tangentType, op.attrs.ints.empty() ? -1 : op.attrs.ints[0]);
  case OpKind::Extract:
    return b_.extract(d[0], op.attrs.ints);
  case OpKind::Sum:
    return b_.reduce(OpKind::Sum, d[0]);
  default:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("no tangent rule for ") + ir::mnemonic(op.kind));
}

Op *TangentEmitter::emit(const Op &op, std::span<Op *const> d) {
  PLASTICC_INTERNAL_ASSERT(d.size() == op.operands.size(), "one tangent slot per operand");
  current_ = &op;
  Op *t = nullptr;
  switch (ir::family(op.kind)) {
  case OpFamily::Unary:
    PLASTICC_INTERNAL_ASSERT(d[0], "unary tangent of an inactive operand");
    t = unaryRule(op, d[0]);
    break;
  case OpFamily::Binary:
    t = binaryRule(op, d[0], d[1]);
    break;
  default:
    t = structuralRule(op, d);
    break;
  }
  PLASTICC_INTERNAL_ASSERT(t, std::string("tangent of ") + ir::mnemonic(op.kind) +
                                  " without an active operand");
  t = fit(t, op.type);
  bool isOperandTangent = false;
  for (Op *o : d)
    isOperandTangent = isOperandTangent || o == t;
  if (!isOperandTangent && !op.name.empty())
    t->name = "d." + op.name;
  current_ = nullptr;
  return t;
}

} // namespace plasticc::transforms

//===- compiler/transforms/Fold.cpp - constant folding and exact identities ===//
//
// Two kinds of rules (Fold.h): evaluation of an op on splat constants, by
// op family, with the same scalar functions as the reference interpreter
// (runtime/InterpreterOps.cpp, runtime/Elementwise.h), and identities that
// return an operand unchanged. Every identity here holds bit for bit for
// all doubles, including -0, inf and NaN; the comment on each says why.
//
//===----------------------------------------------------------------------===//
#include "compiler/transforms/Fold.h"

#include "runtime/Elementwise.h"

#include <cmath>

namespace plasticc::transforms {

using ir::Op;
using ir::OpFamily;
using ir::OpKind;
namespace ew = runtime::elementwise;

namespace {

std::optional<double> constantOf(const Op *v) {
  if (v && v->kind == OpKind::Const)
    return v->attrs.value;
  return std::nullopt;
}

bool isConst(const Op *v, double value) {
  auto c = constantOf(v);
  return c && *c == value && std::signbit(*c) == std::signbit(value);
}

/// The op on splat constants, or nothing. A splat stays a splat under every
/// elementwise op, bcast, extract, count and outer; sum and matvec are left
/// alone (their value depends on the backend's order of summation).
std::optional<double> foldConstants(const Op &op) {
  std::vector<double> c;
  for (const Op *v : op.operands) {
    auto value = constantOf(v);
    if (!value)
      return std::nullopt;
    c.push_back(*value);
  }
  switch (ir::family(op.kind)) {
  case OpFamily::Unary:
    return ew::unary(op.kind, c[0], op.kind == OpKind::Powi ? op.attrs.ints[0] : 0);
  case OpFamily::Binary:
  case OpFamily::Compare: return ew::binary(op.kind, c[0], c[1]);
  case OpFamily::Ternary:
    return op.kind == OpKind::Select ? ew::select(c[0], c[1], c[2]) : ew::clip(c[0], c[1], c[2]);
  case OpFamily::Shape: return c[0]; // bcast and extract of a splat
  case OpFamily::Reduce:
    if (op.kind == OpKind::Count) // exact: counts are small integers
      return c[0] != 0 ? static_cast<double>(op.operands[0]->type.numElements()) : 0.0;
    return std::nullopt;
  case OpFamily::Linalg:
    // every element of outer(u, v) is u[i] * v[j]
    return op.kind == OpKind::Outer ? ew::binary(OpKind::Mul, c[0], c[1]) : std::nullopt;
  default: return std::nullopt;
  }
}

/// True when `v` is never -0, so that v + (+0) == v bit for bit.
bool neverNegativeZero(const Op *v) {
  if (auto c = constantOf(v))
    return !(*c == 0 && std::signbit(*c));
  switch (v->kind) {
  case OpKind::Abs:     // |x| >= +0
  case OpKind::Exp:     // exp(-inf) = +0
  case OpKind::Sigmoid: // 1 / (1 + e^-x) >= +0
  case OpKind::Cosh:    // >= 1
  case OpKind::Step:    // 0.0 or 1.0
  case OpKind::OneHot:  // 0.0 or 1.0
  case OpKind::Count: return true;
  default: return ir::family(v->kind) == OpFamily::Compare; // 0.0 or 1.0
  }
}

/// An operand (or earlier value) equal to the op's result bit for bit, up
/// to a broadcast along `axis` (-1: none needed or a scalar's).
struct Identity {
  Op *value = nullptr;
  int64_t axis = -1;
};

Identity foldIdentity(const Op &op) {
  const auto &x = op.operands;
  switch (op.kind) {
  case OpKind::Add:
    // x + (-0) == x for every x; x + (+0) only where x is not -0.
    for (int k = 0; k < 2; ++k) {
      if (isConst(x[1 - k], -0.0) || (isConst(x[1 - k], 0.0) && neverNegativeZero(x[k])))
        return {x[k]};
    }
    return {};
  case OpKind::Sub: return {isConst(x[1], 0.0) ? x[0] : nullptr}; // x - (+0) = x + (-0)
  case OpKind::Mul:
    if (isConst(x[1], 1.0))
      return {x[0]};
    return {isConst(x[0], 1.0) ? x[1] : nullptr};
  case OpKind::MulChecked: return {isConst(x[1], 1.0) ? x[0] : nullptr}; // y != 0: x * 1
  case OpKind::Div: return {isConst(x[1], 1.0) ? x[0] : nullptr};
  case OpKind::Powi: return {op.attrs.ints[0] == 1 ? x[0] : nullptr}; // 1 * x
  case OpKind::Neg: return {x[0]->kind == OpKind::Neg ? x[0]->operands[0] : nullptr};
  case OpKind::Min:
  case OpKind::Max: return {x[0] == x[1] ? x[0] : nullptr}; // either branch is x
  case OpKind::Select: {
    if (x[1] == x[2])
      return {x[1]};
    auto c = constantOf(x[0]);
    return {c ? ew::select(*c, 1, 0) != 0 ? x[1] : x[2] : nullptr};
  }
  case OpKind::Bcast: // a broadcast of a broadcast scalar: one broadcast
    return {x[0]->kind == OpKind::Bcast && x[0]->operands[0]->type.isScalar() ? x[0]->operands[0]
                                                                              : nullptr};
  case OpKind::Extract: // one element of a broadcast scalar is that scalar
    return {x[0]->kind == OpKind::Bcast && x[0]->operands[0]->type.isScalar() ? x[0]->operands[0]
                                                                              : nullptr};
  case OpKind::Outer: // outer(1, v)[i,j] = 1 * v[j]; outer(u, 1)[i,j] = u[i] * 1
    if (isConst(x[0], 1.0))
      return {x[1], 1};
    if (isConst(x[1], 1.0))
      return {x[0], 0};
    return {};
  default: return {};
  }
}

} // namespace

Folded fold(const Op &op) {
  if (!op.hasResult() || op.kind == OpKind::Const || ir::family(op.kind) == OpFamily::Random ||
      ir::family(op.kind) == OpFamily::Leaf)
    return {};
  Folded f;
  if ((f.constant = foldConstants(op)))
    return f;
  // powi(x, 0) = 1 for every x (NaN included); mul.checked(x, 0) = 0 by its
  // definition (a zero tangent stays zero, docs/tangents.md).
  if ((op.kind == OpKind::Powi && op.attrs.ints[0] == 0) ||
      (op.kind == OpKind::MulChecked && constantOf(op.operands[1]) == 0.0)) {
    f.constant = op.kind == OpKind::Powi ? 1.0 : 0.0;
    return f;
  }
  Identity id = foldIdentity(op);
  Op *v = id.value;
  if (!v || v->type.lanes != op.type.lanes || v->type.elem != op.type.elem)
    return f;
  if (v->type == op.type) {
    f.value = v;
  } else if (v->type.rank < op.type.rank && (v->type.isScalar() || id.axis >= 0)) {
    f.broadcast = v; // the same elements, repeated to the op's shape
    f.axis = v->type.isScalar() ? -1 : id.axis;
  }
  return f;
}

} // namespace plasticc::transforms

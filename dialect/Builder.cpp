//===- dialect/Builder.cpp - type inference and op creation ---------------===//
#include "dialect/Builder.h"

namespace plasticc::ir {

namespace {

std::string shapes(const Type &a, const Type &b) { return a.shapeStr() + " vs " + b.shapeStr(); }

/// Elementwise broadcasting: scalars broadcast to any shape; all non-scalar
/// operands share one shape; lanes are 0 or one common P.
std::optional<Type> elementwise(std::span<const Type> ts, std::string &why) {
  Type out = Type::scalar();
  for (const Type &t : ts) {
    if (!t.isScalar()) {
      if (!out.isScalar() && !out.sameShape(t)) {
        why = "operand shapes differ: " + shapes(out, t);
        return std::nullopt;
      }
      out.rank = t.rank;
      out.dims = t.dims;
    }
  }
  for (const Type &t : ts) {
    if (t.lanes == 0)
      continue;
    if (out.lanes != 0 && out.lanes != t.lanes) {
      why = "tangent lanes differ: " + std::to_string(out.lanes) + " vs " + std::to_string(t.lanes);
      return std::nullopt;
    }
    out.lanes = t.lanes;
  }
  return out;
}

bool needPrimal(const Type &t, const std::string &what, std::string &why) {
  if (t.lanes == 0)
    return true;
  why = what + " must be primal, got a tangent " + t.str();
  return false;
}

std::optional<Type> inferLinalg(OpKind kind, const Type &a, const Type &b, std::string &why) {
  if (a.lanes && b.lanes) {
    why = "at most one operand of " + std::string(mnemonic(kind)) + " may be a tangent";
    return std::nullopt;
  }
  int64_t lanes = a.lanes ? a.lanes : b.lanes;
  if (kind == OpKind::MatVec) {
    if (a.rank != 2 || b.rank != 1 || a.dims[1] != b.dims[0]) {
      why = "matvec needs [N,M] @ [M], got " + shapes(a, b);
      return std::nullopt;
    }
    return Type::vector(a.dims[0]).withLanes(lanes);
  }
  if (a.rank != 1 || b.rank != 1) {
    why = "outer needs two vectors, got " + shapes(a, b);
    return std::nullopt;
  }
  return Type::matrix(a.dims[0], b.dims[0]).withLanes(lanes);
}

std::optional<Type> inferBcast(const Type &x, const Attrs &attrs, std::optional<Type> to,
                               std::string &why) {
  if (!to) {
    why = "bcast needs a result type";
    return std::nullopt;
  }
  Type out = to->withLanes(x.lanes);
  if (x.isScalar()) {
    if (attrs.ints.empty())
      return out;
    why = "a scalar broadcasts without an axis";
    return std::nullopt;
  }
  if (x.rank == 1 && out.rank == 2 && attrs.ints.size() == 1 &&
      (attrs.ints[0] == 0 || attrs.ints[0] == 1) && out.dims[attrs.ints[0]] == x.dims[0])
    return out;
  why = "cannot broadcast " + x.shapeStr() + " to " + out.shapeStr() +
        (attrs.ints.size() == 1 ? " along axis " + std::to_string(attrs.ints[0]) : "");
  return std::nullopt;
}

std::optional<Type> inferExtract(const Type &x, const Attrs &attrs, std::string &why) {
  if (attrs.ints.size() != x.rank) {
    why = "extract from " + x.shapeStr() + " needs " + std::to_string(x.rank) + " indices";
    return std::nullopt;
  }
  for (int k = 0; k < x.rank; ++k)
    if (attrs.ints[k] < 0 || attrs.ints[k] >= x.dims[k]) {
      why = "index " + std::to_string(attrs.ints[k]) + " out of range for " + x.shapeStr();
      return std::nullopt;
    }
  return Type::scalar().withLanes(x.lanes);
}

} // namespace

std::optional<Type> inferType(OpKind kind, std::span<const Type> ts, const Attrs &attrs,
                              std::optional<Type> declared, std::string &why) {
  int n = numOperands(kind);
  if (n >= 0 && static_cast<int>(ts.size()) != n) {
    why = std::string(mnemonic(kind)) + " takes " + std::to_string(n) + " operands, got " +
          std::to_string(ts.size());
    return std::nullopt;
  }
  switch (family(kind)) {
  case OpFamily::Leaf:
    if (!declared) {
      why = std::string(mnemonic(kind)) + " needs a result type";
      return std::nullopt;
    }
    if (kind == OpKind::OneHot) {
      if (declared->lanes) {
        why = "onehot is primal, got a tangent type " + declared->str();
        return std::nullopt;
      }
      if (attrs.ints.size() != 1 || attrs.ints[0] < 0 || attrs.ints[0] >= declared->numElements()) {
        why = "onehot needs one flat index between 0 and " +
              std::to_string(declared->numElements() - 1) + " for " + declared->shapeStr();
        return std::nullopt;
      }
    }
    return declared;
  case OpFamily::Unary:
    if (kind == OpKind::Powi && (attrs.ints.size() != 1 || attrs.ints[0] < 0)) {
      why = "powi needs one integer exponent n >= 0";
      return std::nullopt;
    }
    if (!hasDerivative(kind) &&
        !needPrimal(ts[0], std::string("the operand of ") + mnemonic(kind), why))
      return std::nullopt;
    return ts[0];
  case OpFamily::Binary:
  case OpFamily::Ternary:
    if (kind == OpKind::Select && !needPrimal(ts[0], "the condition of select", why))
      return std::nullopt;
    return elementwise(ts, why);
  case OpFamily::Compare:
    if (!needPrimal(ts[0], "a comparison operand", why) ||
        !needPrimal(ts[1], "a comparison operand", why))
      return std::nullopt;
    return elementwise(ts, why);
  case OpFamily::Linalg:
    return inferLinalg(kind, ts[0], ts[1], why);
  case OpFamily::Shape:
    return kind == OpKind::Bcast ? inferBcast(ts[0], attrs, declared, why)
                                 : inferExtract(ts[0], attrs, why);
  case OpFamily::Reduce:
    if (kind == OpKind::Count && !needPrimal(ts[0], "the operand of count", why))
      return std::nullopt;
    return Type::scalar().withLanes(kind == OpKind::Count ? 0 : ts[0].lanes);
  case OpFamily::Random:
    if (!declared || declared->lanes || attrs.ints.size() != 1) {
      why = std::string(mnemonic(kind)) + " needs a primal result type and a stream";
      return std::nullopt;
    }
    for (const Type &t : ts)
      if (!t.isScalar() || t.lanes) {
        why = std::string(mnemonic(kind)) + " takes primal scalar parameters, got " + t.str();
        return std::nullopt;
      }
    return declared;
  case OpFamily::Effect:
    return Type::scalar();
  }
  why = "unknown op";
  return std::nullopt;
}

Op *Builder::create(OpKind kind, std::vector<Op *> operands, Attrs attrs,
                    std::optional<Type> declared, Quantity *quantity, std::string name) {
  std::vector<Type> ts;
  ts.reserve(operands.size());
  for (Op *o : operands) {
    PLASTICC_INTERNAL_ASSERT(o && o->hasResult(), std::string("bad operand for ") + mnemonic(kind));
    ts.push_back(o->type);
  }
  std::string why;
  std::optional<Type> type = inferType(kind, ts, attrs, declared, why);
  PLASTICC_INTERNAL_ASSERT(type.has_value(), std::string("ill-typed ") + mnemonic(kind) + ": " + why);
  auto op = std::make_unique<Op>();
  op->kind = kind;
  op->type = *type;
  op->operands = std::move(operands);
  op->attrs = std::move(attrs);
  op->quantity = quantity;
  op->name = std::move(name);
  op->loc = loc_;
  region_->ops.push_back(std::move(op));
  return region_->ops.back().get();
}

Op *Builder::constant(double value, Type type, std::string name) {
  Attrs a;
  a.value = value;
  return create(OpKind::Const, {}, a, type, nullptr, std::move(name));
}

Op *Builder::oneHot(Type type, int64_t flat, std::string name) {
  Attrs a;
  a.ints = {flat};
  return create(OpKind::OneHot, {}, a, type, nullptr, std::move(name));
}

Op *Builder::read(Quantity *q, std::string name) {
  return create(OpKind::Read, {}, {}, q->type, q, name.empty() ? q->name : std::move(name));
}

Op *Builder::readTangent(Quantity *q, std::string name) {
  PLASTICC_INTERNAL_ASSERT(module_.lanes > 0, "readTangent before the tangent pass set lanes");
  return create(OpKind::ReadTangent, {}, {}, q->type.withLanes(module_.lanes), q,
                name.empty() ? "d." + q->name : std::move(name));
}

Op *Builder::write(Quantity *q, Op *value) {
  PLASTICC_INTERNAL_ASSERT(value->type == q->type ||
                               (value->type.isScalar() && value->type.lanes == 0),
                           "write of " + value->type.str() + " to @" + q->name + " : " +
                               q->type.str());
  if (value->type != q->type)
    value = bcast(value, q->type);
  return create(OpKind::Write, {value}, {}, std::nullopt, q);
}

Op *Builder::writeTangent(Quantity *q, Op *tangent) {
  PLASTICC_INTERNAL_ASSERT(tangent->type == q->type.withLanes(module_.lanes),
                           "tangent write of " + tangent->type.str() + " to @" + q->name);
  return create(OpKind::WriteTangent, {tangent}, {}, std::nullopt, q);
}

Op *Builder::unary(OpKind kind, Op *x, std::string name) {
  return create(kind, {x}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::powi(Op *x, int64_t n, std::string name) {
  Attrs a;
  a.ints = {n};
  return create(OpKind::Powi, {x}, a, std::nullopt, nullptr, std::move(name));
}

Op *Builder::binary(OpKind kind, Op *x, Op *y, std::string name) {
  return create(kind, {x, y}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::select(Op *c, Op *x, Op *y, std::string name) {
  return create(OpKind::Select, {c, x, y}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::clip(Op *x, Op *lo, Op *hi, std::string name) {
  return create(OpKind::Clip, {x, lo, hi}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::matvec(Op *a, Op *v, std::string name) {
  return create(OpKind::MatVec, {a, v}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::outer(Op *u, Op *v, std::string name) {
  return create(OpKind::Outer, {u, v}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::bcast(Op *x, Type to, int64_t axis, std::string name) {
  Attrs a;
  if (axis >= 0)
    a.ints = {axis};
  return create(OpKind::Bcast, {x}, a, to, nullptr, std::move(name));
}

Op *Builder::extract(Op *x, std::vector<int64_t> indices, std::string name) {
  Attrs a;
  a.ints = std::move(indices);
  return create(OpKind::Extract, {x}, a, std::nullopt, nullptr, std::move(name));
}

Op *Builder::reduce(OpKind kind, Op *x, std::string name) {
  return create(kind, {x}, {}, std::nullopt, nullptr, std::move(name));
}

Op *Builder::random(OpKind kind, Op *a, Op *b, Type type, int64_t stream, std::string name) {
  Attrs at;
  at.ints = {stream};
  return create(kind, {a, b}, at, type, nullptr, std::move(name));
}

Op *Builder::ret(std::vector<Op *> values) {
  return create(OpKind::Ret, std::move(values));
}

} // namespace plasticc::ir

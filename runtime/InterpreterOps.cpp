//===- runtime/InterpreterOps.cpp - the reference meaning of pure ops -----===//
#include "runtime/InterpreterOps.h"

#include "dialect/Random.h"
#include "runtime/Elementwise.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace plasticc::runtime::interp {

using ir::Op;
using ir::OpKind;

namespace {

namespace ew = runtime::elementwise;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

int64_t lanesOf(const ir::Type &t) { return std::max<int64_t>(1, t.lanes); }

/// Element k of lane l of an operand, with lane and scalar broadcasting.
struct View {
  const double *data;
  int64_t laneStride;
  int64_t elemStride;
  double operator()(int64_t lane, int64_t k) const {
    return data[lane * laneStride + k * elemStride];
  }
};

View view(const ValueRef &v) {
  int64_t n = v.type->numElements();
  return {v.data, v.type->lanes ? n : 0, n == 1 ? 0 : 1};
}

/// out(l, k) = f(operands(l, k)...) over the lanes and elements of op.type.
template <class F>
void mapElements(const Op &op, std::span<const ValueRef> in, double *out, F f) {
  int64_t n = op.type.numElements(), lanes = lanesOf(op.type);
  View a = view(in[0]);
  View b = in.size() > 1 ? view(in[1]) : a;
  View c = in.size() > 2 ? view(in[2]) : a;
  for (int64_t l = 0; l < lanes; ++l)
    for (int64_t k = 0; k < n; ++k)
      out[l * n + k] = f(a(l, k), b(l, k), c(l, k));
}

// The scalar meaning of each op is runtime/Elementwise.h's, shared with
// constant folding; false for an op of another family.
bool unary(const Op &op, std::span<const ValueRef> in, double *out) {
  int64_t n = op.kind == OpKind::Powi ? op.attrs.ints.at(0) : 0;
  return ew::visitUnary(op.kind, n, [&](auto f) {
    mapElements(op, in, out, [&](double x, double, double) { return f(x); });
  });
}

bool binary(const Op &op, std::span<const ValueRef> in, double *out) {
  return ew::visitBinary(op.kind, [&](auto f) {
    mapElements(op, in, out, [&](double x, double y, double) { return f(x, y); });
  });
}

void linalg(const Op &op, std::span<const ValueRef> in, double *out) {
  const ir::Type &a = *in[0].type, &b = *in[1].type;
  int64_t lanes = lanesOf(op.type);
  for (int64_t l = 0; l < lanes; ++l) {
    const double *pa = in[0].data + (a.lanes ? l * a.numElements() : 0);
    const double *pb = in[1].data + (b.lanes ? l * b.numElements() : 0);
    if (op.kind == OpKind::MatVec) {
      Eigen::Map<const RowMatrix> m(pa, a.dims[0], a.dims[1]);
      Eigen::Map<const Eigen::VectorXd> v(pb, b.dims[0]);
      Eigen::Map<Eigen::VectorXd>(out + l * a.dims[0], a.dims[0]).noalias() = m * v;
    } else {
      Eigen::Map<const Eigen::VectorXd> u(pa, a.dims[0]), v(pb, b.dims[0]);
      Eigen::Map<RowMatrix>(out + l * a.dims[0] * b.dims[0], a.dims[0], b.dims[0]).noalias() =
          u * v.transpose();
    }
  }
}

void bcast(const Op &op, const ValueRef &x, double *out) {
  int64_t lanes = lanesOf(op.type), n = op.type.numElements();
  View v = view(x);
  int64_t cols = op.type.rank == 2 ? op.type.dims[1] : 1;
  int64_t axis = op.attrs.ints.empty() ? -1 : op.attrs.ints[0];
  for (int64_t l = 0; l < lanes; ++l)
    for (int64_t k = 0; k < n; ++k) {
      // axis 0: out[i,j] = v[i]; axis 1: out[i,j] = v[j]; scalar: v.
      int64_t src = axis == 0 ? k / cols : axis == 1 ? k % cols : 0;
      out[l * n + k] = v(l, src);
    }
}

void extract(const Op &op, const ValueRef &x, double *out) {
  const ir::Type &t = *x.type;
  int64_t k = op.attrs.ints.empty() ? 0 : op.attrs.ints[0];
  if (t.rank == 2)
    k = k * t.dims[1] + op.attrs.ints[1];
  View v = view(x);
  for (int64_t l = 0; l < lanesOf(op.type); ++l)
    out[l] = v(l, k);
}

void reduce(const Op &op, const ValueRef &x, double *out) {
  int64_t n = x.type->numElements();
  View v = view(x);
  for (int64_t l = 0; l < lanesOf(op.type); ++l) {
    double acc = 0;
    for (int64_t k = 0; k < n; ++k)
      acc += op.kind == OpKind::Sum ? v(l, k) : (v(l, k) != 0 ? 1.0 : 0.0);
    out[l] = acc;
  }
}

void draw(const Op &op, std::span<const ValueRef> in, double *out, uint64_t seed) {
  uint64_t stream = static_cast<uint64_t>(op.attrs.ints.at(0));
  double a = in[0].data[0], b = in[1].data[0];
  for (int64_t k = 0; k < op.type.numElements(); ++k)
    out[k] = op.kind == OpKind::RandNormal ? random::normal(seed, stream, k, a, b)
                                           : random::uniform(seed, stream, k, a, b);
}

} // namespace

void evaluatePure(const Op &op, std::span<const ValueRef> in, double *out, uint64_t seed) {
  switch (ir::family(op.kind)) {
  case ir::OpFamily::Leaf:
    if (op.kind == OpKind::OneHot) { // primal: no lanes
      std::fill_n(out, op.type.numElements(), 0.0);
      out[op.attrs.ints.at(0)] = 1.0;
      return;
    }
    PLASTICC_INTERNAL_ASSERT(op.kind == OpKind::Const, "storage op in evaluatePure");
    std::fill_n(out, lanesOf(op.type) * op.type.numElements(), op.attrs.value);
    return;
  case ir::OpFamily::Unary:
    if (unary(op, in, out))
      return;
    break;
  case ir::OpFamily::Binary:
  case ir::OpFamily::Compare:
    if (binary(op, in, out))
      return;
    break;
  case ir::OpFamily::Ternary:
    if (op.kind == OpKind::Select)
      mapElements(op, in, out, ew::select);
    else
      mapElements(op, in, out, ew::clip);
    return;
  case ir::OpFamily::Linalg:
    linalg(op, in, out);
    return;
  case ir::OpFamily::Shape:
    if (op.kind == OpKind::Bcast)
      bcast(op, in[0], out);
    else
      extract(op, in[0], out);
    return;
  case ir::OpFamily::Reduce:
    reduce(op, in[0], out);
    return;
  case ir::OpFamily::Random:
    draw(op, in, out, seed);
    return;
  case ir::OpFamily::Effect:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("the interpreter cannot evaluate ") +
                                      ir::mnemonic(op.kind));
}

} // namespace plasticc::runtime::interp

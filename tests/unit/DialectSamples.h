//===- tests/unit/DialectSamples.h - small well-formed dialect modules ----===//
//
// Modules built with ir::Builder for the printer, parser and verifier tests:
// a miniature of the reference model (MODEL.md) with N = 3 and a 2x2 theta,
// in its primal form and in a form with tangent lanes as the tangent pass
// would leave it. Every op kind of Ops.def appears in one of the two, so a
// round trip through text exercises every printed form.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/Builder.h"

#include <memory>

namespace plasticc::ir::samples {

/// The primal miniature model. `extraOps` adds one op of every remaining
/// kind to the step region (their results are written to the output @z).
inline std::unique_ptr<Module> miniModel(bool extraOps = true) {
  auto m = std::make_unique<Module>();
  m->name = "mini";
  m->dims = {{"N", 3}, {"D", 2}};
  Quantity *theta = m->addQuantity("theta", QuantityKind::Meta, Type::matrix(2, 2), {12, 6});
  Quantity *eta = m->addQuantity("eta", QuantityKind::Param, Type::scalar(), {13, 7});
  Quantity *u = m->addQuantity("u", QuantityKind::Input, Type::vector(3), {14, 7});
  Quantity *xi = m->addQuantity("xi", QuantityKind::Noise, Type::vector(3), {15, 7});
  Quantity *x = m->addQuantity("x", QuantityKind::State, Type::vector(3), {16, 7});
  Quantity *w = m->addQuantity("W", QuantityKind::Weight, Type::matrix(3, 3), {17, 8}, true);
  Quantity *e = m->addQuantity("e", QuantityKind::Trace, Type::matrix(3, 3), {18, 7});
  Quantity *err = m->addQuantity("err", QuantityKind::Trace, Type::scalar(), {19, 7});
  Quantity *rbar = m->addQuantity("Rbar", QuantityKind::Baseline, Type::scalar(), {20, 10});
  Quantity *z = m->addQuantity("z", QuantityKind::Output, Type::vector(3), {21, 8});

  // Builder calls are sequenced one per statement: the order of function
  // arguments is unspecified, and the op order must not depend on the compiler.
  Builder b(*m, m->init);
  b.setLoc({12, 22});
  b.write(theta, b.constant(0, theta->type));
  b.setLoc({13, 13});
  b.write(eta, b.constant(0.05, Type::scalar()));
  b.setLoc({16, 11});
  Op *lo = b.constant(-0.1, Type::scalar());
  Op *hi = b.constant(0.1, Type::scalar());
  b.write(x, b.random(OpKind::RandUniform, lo, hi, x->type, 0, "x"));
  b.setLoc({17, 18});
  Op *mean = b.constant(0, Type::scalar());
  Op *var = b.constant(1.44 / 3, Type::scalar());
  b.write(w, b.random(OpKind::RandNormal, mean, var, w->type, 1, "W"));
  b.setLoc({20, 16});
  b.write(rbar, b.constant(0, Type::scalar()));

  b.setRegion(m->trial);
  b.setLoc({18, 17});
  b.write(e, b.constant(0, e->type));
  b.setLoc({19, 13});
  b.write(err, b.constant(0, Type::scalar()));

  b.setRegion(m->step);
  b.setLoc({30, 7});
  Op *xv = b.read(x);
  Op *r = b.unary(OpKind::Tanh, xv, "r");
  Op *th = b.read(theta);
  Op *half = b.constant(0.5, Type::scalar());
  Op *post = b.binary(OpKind::Sub, xv, half, "post");
  // e = 0.95 e + theta[1,1] * r[j] * post[i]   (one monomial of the rule)
  Op *coef = b.extract(th, {1, 1}, "coef");
  Op *pre = b.binary(OpKind::Mul, r, coef);
  Op *mono = b.outer(post, pre);
  Op *eOld = b.read(e);
  Op *decay = b.constant(0.95, Type::scalar());
  Op *ev = b.binary(OpKind::Mul, eOld, decay);
  b.write(e, b.binary(OpKind::Add, ev, mono, "e"));
  Op *wv = b.read(w);
  Op *zv = b.matvec(wv, r, "z");
  b.write(z, zv);
  Op *uv = b.read(u);
  Op *diff = b.binary(OpKind::Sub, zv, uv);
  Op *errOld = b.read(err);
  Op *sq = b.powi(diff, 2);
  Op *sum = b.reduce(OpKind::Sum, sq);
  b.write(err, b.binary(OpKind::Add, errOld, sum, "err"));
  Op *xiv = b.read(xi);
  Op *sigma = b.constant(0.05, Type::scalar());
  Op *noise = b.binary(OpKind::Mul, xiv, sigma);
  Op *xn = b.binary(OpKind::Add, xv, noise);
  if (extraOps) {
    // One of each remaining kind, folded into the new x so none is dead.
    Op *acc = xn;
    for (OpKind k : {OpKind::Neg, OpKind::Exp, OpKind::Log, OpKind::Sqrt, OpKind::Abs,
                     OpKind::Sigmoid, OpKind::Relu, OpKind::Step, OpKind::Sin, OpKind::Cos,
                     OpKind::Tan, OpKind::Asin, OpKind::Acos, OpKind::Atan, OpKind::Sinh,
                     OpKind::Cosh, OpKind::Log1p, OpKind::Expm1, OpKind::Softplus, OpKind::Sign,
                     OpKind::Floor, OpKind::Ceil}) {
      Op *v = b.unary(k, xv);
      acc = b.binary(OpKind::Add, acc, v);
    }
    for (OpKind k : {OpKind::Div, OpKind::Pow, OpKind::Min, OpKind::Max, OpKind::MulChecked, OpKind::Atan2,
                     OpKind::Lt, OpKind::Le, OpKind::Gt, OpKind::Ge, OpKind::Eq, OpKind::Ne}) {
      Op *v = b.binary(k, xv, r);
      acc = b.binary(OpKind::Add, acc, v);
    }
    Op *cond = b.binary(OpKind::Gt, xv, r);
    acc = b.select(cond, acc, xv);
    Op *hot = b.oneHot(Type::vector(3), 1); // an element write: acc[1] = 0.5
    acc = b.select(hot, half, acc);
    Op *big = b.constant(1e300, Type::scalar());
    Op *small = b.constant(-1e300, Type::scalar());
    acc = b.clip(acc, small, big);
    Op *cnt = b.reduce(OpKind::Count, xv);
    Op *col = b.bcast(r, Type::matrix(3, 3), 1);
    Op *all = b.bcast(cnt, Type::vector(3));
    Op *back = b.matvec(col, all);
    xn = b.binary(OpKind::Add, acc, back, "x");
  }
  b.write(x, xn);

  b.setRegion(m->reward);
  b.setLoc({40, 10});
  Op *errEnd = b.read(err);
  Op *rr = b.unary(OpKind::Neg, errEnd, "R");
  Op *rb = b.read(rbar);
  Op *adv = b.binary(OpKind::Sub, rr, rb);
  b.setLoc({43, 5});
  Op *wOld = b.read(w);
  Op *etaV = b.read(eta);
  Op *gain = b.binary(OpKind::Mul, etaV, adv);
  Op *eEnd = b.read(e);
  Op *dW = b.binary(OpKind::Mul, gain, eEnd);
  b.write(w, b.binary(OpKind::Add, wOld, dW, "W"));
  Op *beta = b.constant(0.9, Type::scalar());
  Op *keep = b.binary(OpKind::Mul, rb, beta);
  Op *oneMinus = b.constant(0.1, Type::scalar());
  Op *fresh = b.binary(OpKind::Mul, rr, oneMinus);
  b.write(rbar, b.binary(OpKind::Add, keep, fresh, "Rbar"));
  b.setLoc({40, 1});
  b.ret({rr});
  return m;
}

/// The miniature after a (hand-made) tangent pass: lanes P = 4, tangents of
/// x, W and Rbar, and the reward returns R and dR.
inline std::unique_ptr<Module> miniModelWithTangents() {
  auto m = miniModel(false);
  m->lanes = m->numMetaScalars();
  Quantity *theta = m->lookup("theta");
  Quantity *x = m->lookup("x");
  Quantity *w = m->lookup("W");
  Quantity *rbar = m->lookup("Rbar");
  x->hasTangent = w->hasTangent = rbar->hasTangent = true;
  const int64_t p = m->lanes;

  Builder b(*m, m->step);
  b.setLoc({30, 7});
  Op *dx = b.readTangent(x);
  Op *dth = b.readTangent(theta);
  Op *dc = b.extract(dth, {0, 1}, "d.coef");
  Op *dcv = b.bcast(dc, Type::vector(3));
  Op *dxn = b.binary(OpKind::Add, dx, dcv, "d.x");
  b.writeTangent(x, dxn);

  Region &rw = m->reward;
  Op *ret = rw.ops.back().release();
  rw.ops.pop_back();
  std::unique_ptr<Op> retOwner(ret);
  b.setRegion(rw);
  Op *dw = b.readTangent(w);
  Op *halfW = b.constant(0.5, Type::scalar());
  b.writeTangent(w, b.binary(OpKind::Mul, dw, halfW, "d.W"));
  Op *dr = b.constant(0, Type::scalar().withLanes(p), "d.R");
  Op *tenth = b.constant(0.1, Type::scalar());
  b.writeTangent(rbar, b.binary(OpKind::Mul, dr, tenth, "d.Rbar"));
  b.setLoc({40, 1});
  b.ret({ret->operands[0], dr});
  return m;
}

} // namespace plasticc::ir::samples

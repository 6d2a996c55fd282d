//===- tests/unit/TangentTest.cpp - the tangent pass: structure -----------===//
//
// What the pass builds (the numbers it computes are checked against finite
// differences in GradCheckTest.cpp): the chain rule of tanh, activity
// analysis and its fixed point across regions, tangent writes, dR, the
// rejection of meta-dependent initial values, and that every module it
// produces verifies and round-trips through the printer and parser.
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "compiler/transforms/Activity.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"

#include <gtest/gtest.h>

using namespace plasticc;
using namespace plasticc::ir;
using plasticc::testmodels::differentiate;

namespace {

const Op *findNamed(const Region &r, const std::string &name) {
  for (const auto &op : r.ops)
    if (op->name == name)
      return op.get();
  return nullptr;
}

std::vector<const Op *> opsOfKind(const Region &r, OpKind kind) {
  std::vector<const Op *> out;
  for (const auto &op : r.ops)
    if (op->kind == kind)
      out.push_back(op.get());
  return out;
}

void expectVerifies(const Module &m) {
  for (const VerifierError &e : verify(m))
    ADD_FAILURE() << "verifier: " << e.message << "\n" << printModule(m);
}

/// meta th (scalar), state x[3]: step { r = tanh(x); x = r + th }, reward R = sum(x).
std::unique_ptr<Module> tanhModel() {
  auto m = std::make_unique<Module>();
  m->name = "tanh";
  Quantity *th = m->addQuantity("th", QuantityKind::Meta, Type::scalar(), {});
  Quantity *x = m->addQuantity("x", QuantityKind::State, Type::vector(3), {});
  Builder b(*m, m->init);
  b.write(th, b.constant(0.5, Type::scalar()));
  b.write(x, b.constant(0.1, x->type));
  b.setRegion(m->step);
  Op *xv = b.read(x);
  Op *r = b.unary(OpKind::Tanh, xv, "r");
  b.write(x, b.binary(OpKind::Add, r, b.read(th), "xn"));
  b.setRegion(m->reward);
  b.ret({b.reduce(OpKind::Sum, b.read(x), "R")});
  return m;
}

} // namespace

TEST(TangentPass, TanhTangentIsOneMinusSquareTimesArgumentTangent) {
  auto m = tanhModel();
  ASSERT_TRUE(differentiate(*m));
  EXPECT_EQ(m->lanes, 1);
  const Op *r = findNamed(m->step, "r");
  const Op *dr = findNamed(m->step, "d.r");
  const Op *dx = findNamed(m->step, "d.x");
  ASSERT_TRUE(r && dr && dx);
  EXPECT_EQ(dx->kind, OpKind::ReadTangent);
  // d.r = mul(sub(1, mul(r, r)), d.x)
  ASSERT_EQ(dr->kind, OpKind::Mul);
  EXPECT_EQ(dr->type, Type::vector(3).withLanes(1));
  EXPECT_EQ(dr->operands[1], dx);
  const Op *partial = dr->operands[0];
  ASSERT_EQ(partial->kind, OpKind::Sub);
  EXPECT_EQ(partial->operands[0]->kind, OpKind::Const);
  EXPECT_EQ(partial->operands[0]->attrs.value, 1.0);
  const Op *sq = partial->operands[1];
  ASSERT_EQ(sq->kind, OpKind::Mul);
  EXPECT_EQ(sq->operands[0], r);
  EXPECT_EQ(sq->operands[1], r);
  expectVerifies(*m);
}

TEST(TangentPass, TangentOpsFollowTheirPrimalOp) {
  auto m = tanhModel();
  ASSERT_TRUE(differentiate(*m));
  // The read of x is immediately followed by its tangent read, and the
  // write of x by its tangent write.
  const auto &ops = m->step.ops;
  for (size_t i = 0; i + 1 < ops.size(); ++i) {
    if (ops[i]->kind == OpKind::Read && ops[i]->quantity->name == "x") {
      EXPECT_EQ(ops[i + 1]->kind, OpKind::ReadTangent);
    }
    if (ops[i]->kind == OpKind::Write) {
      EXPECT_EQ(ops[i + 1]->kind, OpKind::WriteTangent);
    }
  }
  EXPECT_TRUE(m->lookup("x")->hasTangent);
}

TEST(TangentPass, ValuesIndependentOfMetaGetNoTangent) {
  // step { q = u * 2; x = q + th; z = u } : u and q are inactive, z too.
  Module m;
  m.name = "activity";
  Quantity *th = m.addQuantity("th", QuantityKind::Meta, Type::scalar(), {});
  Quantity *u = m.addQuantity("u", QuantityKind::Input, Type::vector(2), {});
  Quantity *x = m.addQuantity("x", QuantityKind::State, Type::vector(2), {});
  Quantity *z = m.addQuantity("z", QuantityKind::Output, Type::vector(2), {});
  Builder b(m, m.step);
  Op *uv = b.read(u);
  Op *two = b.constant(2.0, Type::scalar());
  Op *q = b.binary(OpKind::Mul, uv, two, "q");
  b.write(x, b.binary(OpKind::Add, q, b.read(th), "xn"));
  b.write(z, uv);
  b.setRegion(m.reward);
  b.ret({b.constant(0.0, Type::scalar(), "R")});
  std::vector<const Op *> before;
  for (const auto &op : m.step.ops)
    before.push_back(op.get());

  ASSERT_TRUE(differentiate(m));
  EXPECT_TRUE(x->hasTangent);
  EXPECT_FALSE(z->hasTangent);
  EXPECT_FALSE(u->hasTangent);
  EXPECT_EQ(findNamed(m.step, "d.q"), nullptr);
  EXPECT_EQ(findNamed(m.step, "d.u"), nullptr);
  // Copy-on-write: the primal ops are the same objects, in the same order,
  // and the inactive ones are used by no tangent op.
  std::vector<const Op *> kept;
  for (const auto &op : m.step.ops)
    if (std::find(before.begin(), before.end(), op.get()) != before.end())
      kept.push_back(op.get());
  EXPECT_EQ(kept, before);
  for (const auto &op : m.step.ops) {
    if (!op->hasResult() || op->type.lanes == 0)
      continue;
    for (const Op *o : op->operands)
      EXPECT_TRUE(o != uv && o != q) << mnemonic(op->kind) << " uses an inactive value";
  }
  // x + th where only th is active: the tangent of the sum is th's, fitted
  // to the vector shape.
  auto writes = opsOfKind(m.step, OpKind::WriteTangent);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0]->quantity, x);
  EXPECT_EQ(writes[0]->operands[0]->kind, OpKind::Bcast);
  // R does not depend on meta: dR is a zero constant with P lanes.
  const Op *ret = m.reward.ops.back().get();
  ASSERT_EQ(ret->operands.size(), 2u);
  EXPECT_EQ(ret->operands[1]->kind, OpKind::Const);
  EXPECT_EQ(ret->operands[1]->attrs.value, 0.0);
  EXPECT_EQ(ret->operands[1]->type, Type::scalar().withLanes(1));
  expectVerifies(m);
}

TEST(TangentPass, WeightWrittenInRewardMakesStepReadsActive) {
  // step { s = W @ v; e = e + th }, reward { W = W + e; ret sum(s) }: W only
  // becomes active in the reward event, so s needs the second sweep.
  Module m;
  m.name = "fixedpoint";
  Quantity *th = m.addQuantity("th", QuantityKind::Meta, Type::scalar(), {});
  Quantity *v = m.addQuantity("v", QuantityKind::Input, Type::vector(2), {});
  Quantity *s = m.addQuantity("s", QuantityKind::State, Type::vector(2), {});
  Quantity *w = m.addQuantity("W", QuantityKind::Weight, Type::matrix(2, 2), {}, true);
  Quantity *e = m.addQuantity("e", QuantityKind::Trace, Type::matrix(2, 2), {});
  Builder b(m, m.trial);
  b.write(e, b.constant(0.0, e->type));
  b.setRegion(m.step);
  b.write(s, b.matvec(b.read(w), b.read(v), "s"));
  b.write(e, b.binary(OpKind::Add, b.read(e), b.read(th), "e"));
  b.setRegion(m.reward);
  b.write(w, b.binary(OpKind::Add, b.read(w), b.read(e), "W"));
  b.ret({b.reduce(OpKind::Sum, b.read(s), "R")});

  ASSERT_TRUE(differentiate(m));
  EXPECT_TRUE(e->hasTangent);
  EXPECT_TRUE(w->hasTangent);
  EXPECT_TRUE(s->hasTangent);
  const Op *ds = findNamed(m.step, "d.s");
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->kind, OpKind::MatVec); // dW @ v (v is an input)
  EXPECT_EQ(ds->operands[0]->kind, OpKind::ReadTangent);
  EXPECT_EQ(ds->operands[0]->quantity, w);
  // The trial region's reset of e writes a zero tangent (e is active).
  auto trialWrites = opsOfKind(m.trial, OpKind::WriteTangent);
  ASSERT_EQ(trialWrites.size(), 1u);
  EXPECT_EQ(trialWrites[0]->operands[0]->kind, OpKind::Const);
  // dR = sum(d.s).
  const Op *ret = m.reward.ops.back().get();
  ASSERT_EQ(ret->operands.size(), 2u);
  EXPECT_EQ(ret->operands[1]->kind, OpKind::Sum);
  EXPECT_EQ(ret->operands[1]->operands[0]->kind, OpKind::ReadTangent);
  expectVerifies(m);
}

TEST(TangentPass, MetaSeedIsReadTangentOfMeta) {
  auto m = tanhModel();
  ASSERT_TRUE(differentiate(*m));
  const Op *dth = findNamed(m->step, "d.th");
  ASSERT_NE(dth, nullptr);
  EXPECT_EQ(dth->kind, OpKind::ReadTangent);
  EXPECT_EQ(dth->quantity, m->lookup("th"));
  EXPECT_TRUE(m->lookup("th")->hasTangent);
}

TEST(TangentPass, InitialValueDependingOnMetaIsRejected) {
  Module m;
  m.name = "bad";
  Quantity *th = m.addQuantity("th", QuantityKind::Meta, Type::scalar(), {2, 1});
  Quantity *w = m.addQuantity("W", QuantityKind::Weight, Type::vector(2), {3, 1});
  Builder b(m, m.init);
  b.setLoc({2, 10});
  b.write(th, b.constant(1.0, Type::scalar()));
  b.setLoc({3, 14});
  b.write(w, b.binary(OpKind::Mul, b.read(th), b.constant(2.0, Type::scalar())));
  b.setRegion(m.reward);
  b.ret({b.reduce(OpKind::Sum, b.read(w))});
  std::string text;
  EXPECT_FALSE(differentiate(m, &text));
  EXPECT_NE(text.find("test.plast:3:14: error: the initial value of 'W' depends on meta "
                      "parameter 'th'"),
            std::string::npos)
      << text;
}

TEST(TangentPass, MetaDefaultsInInitAreFine) {
  auto m = tanhModel(); // init writes th's default and reads nothing from it
  std::string text;
  EXPECT_TRUE(differentiate(*m, &text));
  EXPECT_EQ(text, "");
  // The init region gets no tangents.
  for (const auto &op : m->init.ops)
    EXPECT_TRUE(!op->hasResult() || op->type.lanes == 0);
  EXPECT_TRUE(opsOfKind(m->init, OpKind::WriteTangent).empty());
}

TEST(TangentPass, WithoutMetaTheModuleIsUnchanged) {
  Module m;
  m.name = "nometa";
  Quantity *x = m.addQuantity("x", QuantityKind::State, Type::scalar(), {});
  Builder b(m, m.step);
  b.write(x, b.unary(OpKind::Tanh, b.read(x)));
  b.setRegion(m.reward);
  b.ret({b.read(x)});
  std::string before = printModule(m);
  ASSERT_TRUE(differentiate(m));
  EXPECT_EQ(m.lanes, 0);
  EXPECT_EQ(printModule(m), before);
}

TEST(TangentPass, RunningTwiceChangesNothing) {
  auto m = tanhModel();
  ASSERT_TRUE(differentiate(*m));
  std::string once = printModule(*m);
  ASSERT_TRUE(differentiate(*m));
  EXPECT_EQ(printModule(*m), once);
}

TEST(TangentPass, OnlyQuantitiesStoringActiveValuesGetTangents) {
  // reward { R = W * th; W = R; Rbar = 3 }: W gets a tangent, Rbar none.
  // (A quantity with a tangent that is also written an inactive value, a
  // trace reset in the trial region, gets a zero tangent write: see
  // WeightWrittenInRewardMakesStepReadsActive.)
  Module m;
  m.name = "zero";
  Quantity *th = m.addQuantity("th", QuantityKind::Meta, Type::scalar(), {});
  Quantity *w = m.addQuantity("W", QuantityKind::Weight, Type::scalar(), {}, true);
  Quantity *rb = m.addQuantity("Rbar", QuantityKind::Baseline, Type::scalar(), {});
  Builder b(m, m.reward);
  Op *R = b.binary(OpKind::Mul, b.read(w), b.read(th), "R");
  b.write(w, R);
  b.write(rb, b.constant(3.0, Type::scalar())); // inactive: Rbar has no tangent
  b.ret({R});
  ASSERT_TRUE(differentiate(m));
  EXPECT_TRUE(w->hasTangent);
  EXPECT_FALSE(rb->hasTangent);
  EXPECT_EQ(opsOfKind(m.reward, OpKind::WriteTangent).size(), 1u);
}

TEST(TangentPass, ReferenceModelVerifiesAndRoundTrips) {
  testmodels::ReferenceSizes sizes;
  sizes.n = 3;
  sizes.d1 = 2;
  auto m = testmodels::referenceModel(sizes);
  ASSERT_TRUE(differentiate(*m));
  EXPECT_EQ(m->lanes, 4);
  for (const char *q : {"x", "xbar", "W", "e", "err", "Rbar", "z"})
    EXPECT_TRUE(m->lookup(q)->hasTangent) << q;
  for (const char *q : {"Win", "Wout", "scored", "alpha"})
    EXPECT_FALSE(m->lookup(q)->hasTangent) << q;
  expectVerifies(*m);
  std::string text = printModule(*m);
  auto file = std::make_shared<SourceFile>("t.plir", text);
  std::ostringstream diagOut;
  DiagnosticEngine diag(file, diagOut);
  auto back = parseModule(*file, diag);
  ASSERT_TRUE(back) << diagOut.str();
  EXPECT_EQ(printModule(*back), text);
}

TEST(TangentPass, EveryRuleBuildsAVerifiedModule) {
  std::vector<std::pair<OpKind, std::vector<double>>> cases = {
      {OpKind::Neg, {0.3}},  {OpKind::Tanh, {0.3}},       {OpKind::Exp, {0.3}},
      {OpKind::Log, {0.3}},  {OpKind::Sqrt, {0.3}},       {OpKind::Abs, {0.3}},
      {OpKind::Sigmoid, {0.3}}, {OpKind::Relu, {0.3}},    {OpKind::Powi, {0.3}},
      {OpKind::Add, {1, 2}}, {OpKind::Sub, {1, 2}},       {OpKind::Mul, {1, 2}},
      {OpKind::Div, {1, 2}}, {OpKind::Pow, {1, 2}},       {OpKind::Min, {1, 2}},
      {OpKind::Max, {1, 2}}, {OpKind::MulChecked, {1, 2}}, {OpKind::Select, {1, 2, 3}},
      {OpKind::Clip, {1, 2, 3}}, {OpKind::Sin, {0.3}},     {OpKind::Cos, {0.3}},
      {OpKind::Tan, {0.3}},   {OpKind::Asin, {0.3}},      {OpKind::Acos, {0.3}},
      {OpKind::Atan, {0.3}},  {OpKind::Atan2, {1, 2}},    {OpKind::Sinh, {0.3}},
      {OpKind::Cosh, {0.3}},  {OpKind::Log1p, {0.3}},     {OpKind::Expm1, {0.3}},
      {OpKind::Softplus, {0.3}}};
  for (auto &[kind, at] : cases) {
    auto m = testmodels::pointModel(kind, at);
    ASSERT_TRUE(differentiate(*m)) << mnemonic(kind);
    EXPECT_TRUE(findNamed(m->reward, "d.r")) << mnemonic(kind) << "\n" << printModule(*m);
    expectVerifies(*m);
  }
}

TEST(TangentPass, PowiOfZeroHasNoTangent) {
  auto m = testmodels::pointModel(OpKind::Powi, {0.3}, 0);
  ASSERT_TRUE(differentiate(*m));
  EXPECT_EQ(findNamed(m->reward, "d.r"), nullptr);
  const Op *ret = m->reward.ops.back().get();
  ASSERT_EQ(ret->operands.size(), 2u);
  EXPECT_EQ(ret->operands[1]->kind, OpKind::Const);
}

TEST(TangentPass, ActivityOfCompareAndCountIsNone) {
  Module m;
  m.name = "cmp";
  Quantity *th = m.addQuantity("th", QuantityKind::Meta, Type::scalar(), {});
  Builder b(m, m.reward);
  Op *t = b.read(th);
  Op *c = b.binary(OpKind::Lt, t, b.constant(1.0, Type::scalar()), "c");
  Op *n = b.reduce(OpKind::Count, t, "n");
  Op *s = b.unary(OpKind::Step, t, "s");
  // piecewise constant like step: no tangent (ir::hasDerivative)
  Op *sg = b.unary(OpKind::Sign, t, "sg");
  Op *fl = b.unary(OpKind::Floor, t, "fl");
  Op *ce = b.unary(OpKind::Ceil, t, "ce");
  Op *pc = b.binary(OpKind::Add, b.binary(OpKind::Add, sg, fl), ce);
  b.ret({b.binary(OpKind::Add, b.binary(OpKind::Add, b.binary(OpKind::Add, c, n), s), pc, "R")});
  transforms::Activity act = transforms::analyzeActivity(m);
  EXPECT_TRUE(act.isActive(t));
  EXPECT_FALSE(act.isActive(c));
  EXPECT_FALSE(act.isActive(n));
  EXPECT_FALSE(act.isActive(s));
  for (Op *op : {sg, fl, ce})
    EXPECT_FALSE(act.isActive(op)) << mnemonic(op->kind);
}

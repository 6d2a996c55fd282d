//===- tests/unit/SimplifyTest.cpp - folding, CSE and DCE -----------------===//
//
// Each folding rule, each rule that must *not* fire (x*0, x+0 with a
// possible -0, sums of constants), CSE and DCE on small modules built with
// ir::Builder; and the pass as a whole on every example model, primal and
// after the tangent pass: the simplified module verifies, has fewer ops,
// and the reference interpreter computes bit for bit the same states, R and
// dR from it as from the original (an independent check of exactness).
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Fold.h"
#include "compiler/transforms/Simplify.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Builder.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"
#include "runtime/Elementwise.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>

using namespace plasticc;
using namespace plasticc::ir;
using transforms::simplify;

namespace {

/// A module whose step region computes one value from @x (f64[3]) and the
/// scalar @s and writes it to the output @o; the reward returns 0.
struct StepModule {
  Module m;
  Builder b{m, m.step};
  Quantity *x, *s, *o;
  Op *xv, *sv;
  StepModule(Type out = Type::vector(3)) {
    m.name = "t";
    x = m.addQuantity("x", QuantityKind::State, Type::vector(3), {1, 1});
    s = m.addQuantity("s", QuantityKind::State, Type::scalar(), {2, 1});
    o = m.addQuantity("o", QuantityKind::Output, out, {3, 1});
    Builder r(m, m.reward);
    r.ret({r.constant(0, Type::scalar())});
    b.setLoc({5, 1});
    xv = b.read(x);
    sv = b.read(s);
  }
  Op *c(double v, Type t = Type::scalar()) { return b.constant(v, t); }
  /// Writes `v` to @o, simplifies, and returns the value written.
  const Op *result(Op *v) {
    b.write(o, v);
    transforms::simplify(m);
    auto errors = verify(m);
    for (auto &e : errors)
      ADD_FAILURE() << e.message;
    return m.step.ops.back()->operands[0];
  }
};

bool isConstant(const Op *op, double value) {
  return op->kind == OpKind::Const && std::memcmp(&op->attrs.value, &value, sizeof value) == 0;
}

} // namespace

// --- constant folding -----------------------------------------------------

TEST(Simplify, FoldsElementwiseOpsOnConstants) {
  StepModule t;
  Op *a = t.c(0.5);
  Op *v = t.b.unary(OpKind::Tanh, a);
  v = t.b.binary(OpKind::Add, v, t.c(2));
  v = t.b.binary(OpKind::Max, v, t.c(1));
  v = t.b.powi(v, 3);
  Op *cond = t.b.binary(OpKind::Lt, v, t.c(100));
  v = t.b.select(cond, v, t.c(-1));
  v = t.b.clip(v, t.c(0), t.c(20));
  v = t.b.bcast(v, Type::vector(3));
  const Op *r = t.result(v);
  double want = runtime::elementwise::powi(std::tanh(0.5) + 2, 3);
  EXPECT_TRUE(isConstant(r, want)) << printModule(t.m);
  EXPECT_EQ(r->type, Type::vector(3));
  EXPECT_EQ(t.m.step.ops.size(), 2u) << printModule(t.m); // const, write
}

TEST(Simplify, FoldedConstantKeepsTheLocationAndNameOfTheOp) {
  StepModule t;
  Op *a = t.c(2);
  t.b.setLoc({9, 4});
  Op *e = t.b.extract(t.b.bcast(a, Type::matrix(2, 2)), {1, 1});
  t.b.setLoc({10, 2});
  Op *v = t.b.bcast(e, Type::vector(3), -1, "picked");
  const Op *r = t.result(v);
  EXPECT_TRUE(isConstant(r, 2));
  EXPECT_EQ(r->loc, (Loc{10, 2}));
  EXPECT_EQ(r->name, "picked");
}

TEST(Simplify, FoldsCountAndOuterOfConstants) {
  StepModule t;
  Op *n = t.b.reduce(OpKind::Count, t.c(7, Type::matrix(2, 3)));
  Op *z = t.b.reduce(OpKind::Count, t.c(0, Type::vector(5)));
  Op *o = t.b.outer(t.c(3, Type::vector(2)), t.c(0.5, Type::vector(2)));
  Op *s = t.b.extract(o, {0, 1});
  Op *v = t.b.binary(OpKind::Add, t.b.binary(OpKind::Mul, n, s), z);
  v = t.b.bcast(v, Type::vector(3));
  EXPECT_TRUE(isConstant(t.result(v), 6 * 1.5)) << printModule(t.m);
}

TEST(Simplify, ConstantFoldingKeepsIEEESpecialValues) {
  StepModule t(Type::scalar());
  Op *v = t.b.binary(OpKind::Mul, t.c(0), t.c(std::numeric_limits<double>::infinity()));
  const Op *r = t.result(v);
  ASSERT_EQ(r->kind, OpKind::Const);
  EXPECT_TRUE(std::isnan(r->attrs.value)); // 0 * inf = nan, as IEEE says
}

TEST(Simplify, SumAndMatvecOfConstantsAreNotFolded) {
  // Their value depends on the backend's summation order.
  StepModule t(Type::scalar());
  Op *s = t.b.reduce(OpKind::Sum, t.c(0.1, Type::vector(3)));
  const Op *r = t.result(s);
  EXPECT_EQ(r->kind, OpKind::Sum);
}

// --- exact identities -----------------------------------------------------

TEST(Simplify, MultiplyAndDivideByOne) {
  StepModule t;
  Op *v = t.b.binary(OpKind::Mul, t.xv, t.c(1));
  v = t.b.binary(OpKind::Mul, t.c(1), v);
  v = t.b.binary(OpKind::Div, v, t.c(1));
  v = t.b.binary(OpKind::MulChecked, v, t.c(1));
  EXPECT_EQ(t.result(v), t.xv);
}

TEST(Simplify, AddingZeroIsExactOnlyForMinusZeroOrNonNegativeZero) {
  {
    StepModule t; // x + (-0) == x for every x
    EXPECT_EQ(t.result(t.b.binary(OpKind::Add, t.c(-0.0), t.xv)), t.xv);
  }
  {
    StepModule t; // x - (+0) == x for every x
    EXPECT_EQ(t.result(t.b.binary(OpKind::Sub, t.xv, t.c(0))), t.xv);
  }
  {
    StepModule t; // x + (+0) is +0 for x = -0: kept
    const Op *r = t.result(t.b.binary(OpKind::Add, t.xv, t.c(0)));
    EXPECT_EQ(r->kind, OpKind::Add);
  }
  {
    StepModule t; // exp(x) is never -0, so exp(x) + 0 == exp(x)
    Op *e = t.b.unary(OpKind::Exp, t.xv);
    EXPECT_EQ(t.result(t.b.binary(OpKind::Add, e, t.c(0))), e);
  }
  {
    StepModule t; // 0 - x is not -x (for x = 0 it is +0, -x is -0): kept
    const Op *r = t.result(t.b.binary(OpKind::Sub, t.c(0), t.xv));
    EXPECT_EQ(r->kind, OpKind::Sub);
  }
}

TEST(Simplify, MultiplyByZeroIsNotFolded) {
  // IEEE: inf * 0 = nan, so x * 0 is not 0 unless x is known finite.
  StepModule t;
  const Op *r = t.result(t.b.binary(OpKind::Mul, t.xv, t.c(0)));
  EXPECT_EQ(r->kind, OpKind::Mul);
}

TEST(Simplify, CheckedMultiplyByZeroIsZero) {
  // mul.checked x, 0 is 0 by definition (docs/tangents.md).
  StepModule t;
  const Op *r = t.result(t.b.binary(OpKind::MulChecked, t.xv, t.c(-0.0)));
  EXPECT_TRUE(isConstant(r, 0.0));
  EXPECT_EQ(r->type, Type::vector(3));
}

TEST(Simplify, PowiOfZeroAndOne) {
  {
    StepModule t; // x^0 = 1 for every x, NaN included
    const Op *r = t.result(t.b.powi(t.xv, 0));
    EXPECT_TRUE(isConstant(r, 1.0));
    EXPECT_EQ(r->type, Type::vector(3));
  }
  {
    StepModule t;
    EXPECT_EQ(t.result(t.b.powi(t.xv, 1)), t.xv);
  }
  {
    StepModule t;
    EXPECT_EQ(t.result(t.b.powi(t.xv, 2))->kind, OpKind::Powi);
  }
}

TEST(Simplify, DoubleNegationSelectMinMax) {
  StepModule t;
  Op *v = t.b.unary(OpKind::Neg, t.b.unary(OpKind::Neg, t.xv));
  v = t.b.binary(OpKind::Max, v, v);
  v = t.b.binary(OpKind::Min, v, v);
  Op *cond = t.b.binary(OpKind::Gt, t.xv, t.c(0));
  v = t.b.select(cond, v, v);
  Op *other = t.b.unary(OpKind::Exp, t.xv);
  v = t.b.select(t.c(1), v, other);           // constant condition: first branch
  v = t.b.select(t.c(0, Type::vector(3)), other, v); // 0: second branch
  EXPECT_EQ(t.result(v), t.xv) << printModule(t.m);
}

TEST(Simplify, IdentityOfASmallerValueBecomesABroadcast) {
  // s * 1 with s a scalar and 1 a vector is s repeated: bcast s.
  StepModule t;
  t.b.setLoc({7, 3});
  const Op *r = t.result(t.b.binary(OpKind::Mul, t.sv, t.c(1, Type::vector(3)), "m"));
  ASSERT_EQ(r->kind, OpKind::Bcast);
  EXPECT_EQ(r->operands[0], t.sv);
  EXPECT_EQ(r->type, Type::vector(3));
  EXPECT_EQ(r->loc, (Loc{7, 3}));
  EXPECT_EQ(r->name, "m");
}

TEST(Simplify, OuterWithOnesIsABroadcast) {
  {
    StepModule t(Type::matrix(2, 3)); // outer(1, v)[i,j] = v[j]: rows are v
    Op *v = t.b.bcast(t.sv, Type::vector(3));
    Op *v2 = t.b.binary(OpKind::Add, v, t.xv);
    const Op *r = t.result(t.b.outer(t.c(1, Type::vector(2)), v2));
    ASSERT_EQ(r->kind, OpKind::Bcast);
    EXPECT_EQ(r->attrs.ints, std::vector<int64_t>{1});
    EXPECT_EQ(r->operands[0]->kind, OpKind::Add);
  }
  {
    StepModule t(Type::matrix(3, 2)); // outer(u, 1)[i,j] = u[i]: columns are u
    const Op *r = t.result(t.b.outer(t.xv, t.c(1, Type::vector(2))));
    ASSERT_EQ(r->kind, OpKind::Bcast);
    EXPECT_EQ(r->attrs.ints, std::vector<int64_t>{0});
    EXPECT_EQ(r->operands[0], t.xv);
  }
  {
    StepModule t(Type::matrix(3, 3)); // 2 is not an identity
    const Op *r = t.result(t.b.outer(t.xv, t.c(2, Type::vector(3))));
    EXPECT_EQ(r->kind, OpKind::Outer);
  }
}

TEST(Simplify, IdentitiesNeverChangeTangentLanes) {
  // x * 1 with 1 a tangent constant has lanes and x has none: no fold.
  StepModule t;
  Op *w = t.b.binary(OpKind::Mul, t.xv, t.c(1, Type::vector(3).withLanes(2)));
  EXPECT_FALSE(transforms::fold(*w).any());
}

TEST(Simplify, ExtractOfABroadcastScalar) {
  StepModule t(Type::scalar());
  Op *e = t.b.extract(t.b.bcast(t.sv, Type::vector(3)), {2});
  EXPECT_EQ(t.result(e), t.sv);
}

TEST(Simplify, BroadcastOfABroadcastScalar) {
  StepModule t(Type::matrix(2, 3));
  Op *v = t.b.bcast(t.sv, Type::vector(3));
  const Op *r = t.result(t.b.bcast(v, Type::matrix(2, 3), 1));
  ASSERT_EQ(r->kind, OpKind::Bcast);
  EXPECT_EQ(r->operands[0], t.sv);
  EXPECT_TRUE(r->attrs.ints.empty());
  EXPECT_EQ(t.m.step.ops.size(), 3u) << printModule(t.m); // read @s, bcast, write; read @x dead
}

// --- CSE ------------------------------------------------------------------

TEST(Simplify, MergesIdenticalPureOps) {
  StepModule t;
  Op *a = t.b.unary(OpKind::Tanh, t.xv, "a");
  Op *b = t.b.unary(OpKind::Tanh, t.xv, "b");
  Op *s1 = t.b.binary(OpKind::Add, a, t.xv);
  Op *s2 = t.b.binary(OpKind::Add, t.xv, b); // commuted
  Op *p = t.b.binary(OpKind::Sub, s1, t.xv);
  Op *q = t.b.binary(OpKind::Sub, t.xv, s2); // not commutative: kept apart from p
  const Op *r = t.result(t.b.binary(OpKind::Mul, p, q));
  ASSERT_EQ(r->kind, OpKind::Mul);
  EXPECT_NE(r->operands[0], r->operands[1]);
  EXPECT_EQ(r->operands[0]->operands[0], r->operands[1]->operands[1]);
  int tanhs = 0;
  for (auto &op : t.m.step.ops)
    tanhs += op->kind == OpKind::Tanh;
  EXPECT_EQ(tanhs, 1);
  for (auto &op : t.m.step.ops) {
    if (op->kind == OpKind::Tanh) {
      EXPECT_EQ(op->name, "a"); // the first one survives
    }
  }
}

TEST(Simplify, ConstantsAreMergedByBitPattern) {
  StepModule t;
  Op *v = t.b.binary(OpKind::Add, t.xv, t.c(-0.0, Type::vector(3)));
  Op *a = t.b.binary(OpKind::Mul, v, t.c(0.0));
  Op *b = t.b.binary(OpKind::Mul, v, t.c(0.0));
  Op *c = t.b.binary(OpKind::Mul, v, t.c(-0.0)); // another constant
  t.result(t.b.binary(OpKind::Add, t.b.binary(OpKind::Add, a, b), c));
  int muls = 0, consts = 0;
  for (auto &op : t.m.step.ops) {
    muls += op->kind == OpKind::Mul;
    consts += op->kind == OpKind::Const;
  }
  EXPECT_EQ(muls, 2);
  EXPECT_EQ(consts, 2);
}

TEST(Simplify, ReadsAreMergedOnlyWithoutAWriteBetween) {
  StepModule t;
  Op *again = t.b.read(t.x);                   // same as xv
  Op *n = t.b.unary(OpKind::Neg, again);
  t.b.write(t.x, n);
  Op *after = t.b.read(t.x);                   // sees the write: a new value
  Op *after2 = t.b.read(t.x);
  const Op *r = t.result(t.b.binary(OpKind::Add, after, after2));
  ASSERT_EQ(r->kind, OpKind::Add);
  EXPECT_EQ(r->operands[0], r->operands[1]);
  EXPECT_NE(r->operands[0], t.xv);
  int reads = 0;
  for (auto &op : t.m.step.ops)
    reads += op->kind == OpKind::Read && op->quantity == t.x;
  EXPECT_EQ(reads, 2);
}

// --- DCE ------------------------------------------------------------------

TEST(Simplify, RemovesUnusedPureOpsButNotEffects) {
  StepModule t;
  Op *dead = t.b.unary(OpKind::Exp, t.xv);
  t.b.binary(OpKind::Add, dead, t.xv); // dead chain
  Op *deadRead = t.b.read(t.o);
  (void)deadRead;
  Op *lo = t.c(0);
  Op *draw = t.b.random(OpKind::RandNormal, lo, lo, Type::vector(3), 1);
  (void)draw; // not verified here: only DCE matters
  t.b.write(t.x, t.xv);
  transforms::SimplifyStats st = simplify(t.m);
  EXPECT_EQ(st.removed, 6); // exp, add, read @o, const, random, and the unused read of @s
  ASSERT_EQ(t.m.step.ops.size(), 2u) << printModule(t.m);
  EXPECT_EQ(t.m.step.ops[0].get(), t.xv);
  EXPECT_EQ(t.m.step.ops[1]->kind, OpKind::Write);
  EXPECT_EQ(t.m.reward.ops.size(), 2u); // const 0, ret: ret is a root
}

// --- the whole pass on real models ----------------------------------------

namespace {

std::unique_ptr<Module> lowerExample(const std::string &path, bool tangents) {
  std::string err;
  auto file = SourceFile::read(path, err);
  EXPECT_TRUE(file) << err;
  if (!file)
    return nullptr;
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  auto ast = parseSource(*file, diag);
  EXPECT_TRUE(ast && checkModule(*ast, diag)) << diagText.str();
  if (diag.hasErrors())
    return nullptr;
  auto m = lowerToDialect(*ast);
  if (tangents) {
    EXPECT_TRUE(transforms::computeTangents(*m, diag)) << diagText.str();
  }
  return m;
}

/// A copy of `m` through its text form (which round-trips exactly).
std::unique_ptr<Module> copyOf(const Module &m) {
  auto file = std::make_shared<SourceFile>("copy.plir", printModule(m));
  std::ostringstream errs;
  DiagnosticEngine diag(file, errs);
  auto copy = parseModule(*file, diag);
  EXPECT_TRUE(copy) << errs.str();
  return copy;
}

/// Runs both modules in the interpreter from the same seed, inputs and
/// noise, and expects identical state bytes after every step and identical
/// R and dR after every trial.
void expectBitIdenticalRuns(const Module &a, const Module &b, int trials = 3, int steps = 6) {
  runtime::Interpreter ia(a), ib(b);
  const runtime::ModelInfo &info = ia.info();
  ASSERT_EQ(info.stateBytes, ib.info().stateBytes);
  runtime::StateBuffer sa(info), sb(ib.info());
  ia.init(sa.data(), nullptr, 11);
  ib.init(sb.data(), nullptr, 11);
  size_t bytes = static_cast<size_t>(info.stateBytes);
  ASSERT_EQ(std::memcmp(sa.data(), sb.data(), bytes), 0) << "after init";
  std::mt19937_64 gen(5);
  std::normal_distribution<double> normal;
  std::vector<double> in(std::max<int64_t>(1, info.inputLength));
  std::vector<double> noise(std::max<int64_t>(1, info.noiseLength));
  std::vector<double> dRa(std::max<int64_t>(1, info.metaScalars)), dRb(dRa.size());
  for (int k = 0; k < trials; ++k) {
    ia.beginTrial(sa.data());
    ib.beginTrial(sb.data());
    ASSERT_EQ(std::memcmp(sa.data(), sb.data(), bytes), 0) << "trial start " << k;
    for (int s = 0; s < steps; ++s) {
      for (double &v : in)
        v = normal(gen);
      for (double &v : noise)
        v = normal(gen);
      ia.step(sa.data(), in.data(), noise.data());
      ib.step(sb.data(), in.data(), noise.data());
      ASSERT_EQ(std::memcmp(sa.data(), sb.data(), bytes), 0) << "trial " << k << " step " << s;
    }
    double ra = ia.endTrial(sa.data(), a.lanes ? dRa.data() : nullptr);
    double rb = ib.endTrial(sb.data(), b.lanes ? dRb.data() : nullptr);
    EXPECT_EQ(std::memcmp(&ra, &rb, sizeof ra), 0) << "R of trial " << k;
    EXPECT_EQ(dRa, dRb) << "dR of trial " << k;
    ASSERT_EQ(std::memcmp(sa.data(), sb.data(), bytes), 0) << "after trial " << k;
  }
}

std::vector<std::string> examplePaths() {
  std::vector<std::string> paths;
  for (auto &e : std::filesystem::directory_iterator(std::string(PLASTICC_SOURCE_DIR) + "/examples"))
    if (e.path().extension() == ".plast")
      paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

size_t opCount(const Module &m) {
  size_t n = 0;
  for (const Region *r : m.regions())
    n += r->ops.size();
  return n;
}

} // namespace

TEST(Simplify, EveryExampleComputesBitForBitTheSame) {
  auto paths = examplePaths();
  ASSERT_FALSE(paths.empty());
  for (const std::string &path : paths) {
    for (bool tangents : {false, true}) {
      SCOPED_TRACE(path + (tangents ? " (with tangents)" : " (primal)"));
      auto original = lowerExample(path, tangents);
      ASSERT_TRUE(original);
      auto simplified = copyOf(*original);
      ASSERT_TRUE(simplified);
      transforms::SimplifyStats st = simplify(*simplified);
      auto errors = verify(*simplified);
      for (auto &e : errors)
        ADD_FAILURE() << e.message;
      EXPECT_GT(st.total(), 0);
      EXPECT_LT(opCount(*simplified), opCount(*original));
      // A second run finds nothing left to do.
      EXPECT_EQ(simplify(*simplified).total(), 0) << printModule(*simplified);
      expectBitIdenticalRuns(*original, *simplified);
    }
  }
}

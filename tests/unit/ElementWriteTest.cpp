//===- tests/unit/ElementWriteTest.cpp - clamped units, end to end --------===//
//
// Element writes (`x[1] = 1`, docs/language.md "Element writes") on a small
// rate network that clamps two of its units after the Euler update, as
// Miconi (2017) clamps his bias units, shifts a third by a meta parameter
// (`x[4] += c`), accumulates one element of a state that is never written
// whole (`h[2] += x[0]`: the other elements keep their value), and in 'on
// reward' pins a self-connection of the plastic W at zero and shifts one
// synapse by c. The model is compiled from source and run in the reference
// interpreter and in JIT-compiled code; both are compared with the same
// dynamics written out as plain loops below, after every step and every
// trial, and the tangent gradient dJ/d(g, c) of each backend is compared
// with central finite differences (runtime/GradCheck.h).
//
//===----------------------------------------------------------------------===//
#include "RelativeDifference.h"

#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Verifier.h"
#include "runtime/GradCheck.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"
#include "runtime/jit/JIT.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

namespace plasticc {
namespace {

constexpr int kN = 6;

const char *kSource = R"(model clamped
dim N = 6
meta g = 1.2
meta c = 0.3
param alpha = 0.1
input u[N]
state x[N] = uniform(-0.5, 0.5)
state h[N] = uniform(-1, 1)
weight W[N, N] = normal(0, 1.5 / N) plastic
trace e[N, N] = 0
trace acc = 0
step {
  x += alpha * (-x + W @ tanh(g * x) + u)
  x[1] = 1
  x[3] = -1
  x[4] += c
  h[2] += x[0]
  r = tanh(x)
  e[i, j] += r[i] * r[j]
  acc += sum((x - 0.5)^2) + 0.1 * h[2]
}
reward R = -acc / 10
on reward {
  W += 0.05 * R * e
  W[0, 0] = 0
  W[2, 5] -= 0.1 * c
}
)";

/// The model in the dialect with its tangents (P = 2: g, c).
std::unique_ptr<ir::Module> compileClamped() {
  auto file = std::make_shared<SourceFile>("clamped.plast", kSource);
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  std::unique_ptr<ast::Module> ast = parseSource(*file, diag);
  if (!ast || diag.hasErrors() || !checkModule(*ast, diag)) {
    ADD_FAILURE() << diagText.str();
    return nullptr;
  }
  std::unique_ptr<ir::Module> m = lowerToDialect(*ast);
  EXPECT_TRUE(ir::verify(*m).empty());
  EXPECT_TRUE(transforms::computeTangents(*m, diag)) << diagText.str();
  EXPECT_TRUE(ir::verify(*m).empty());
  return m;
}

/// The model written out by hand: x, h, W, e, acc as plain arrays.
struct Reference {
  double g = 0, c = 0, alpha = 0.1;
  std::vector<double> x0, h0, W, x, h, e;
  double acc = 0;

  void beginTrial() {
    x = x0;
    h = h0;
    e.assign(kN * kN, 0.0);
    acc = 0;
  }
  void step(const double *u) {
    std::vector<double> r(kN), drive(kN, 0.0);
    for (int j = 0; j < kN; ++j)
      r[j] = std::tanh(g * x[j]);
    for (int i = 0; i < kN; ++i)
      for (int j = 0; j < kN; ++j)
        drive[i] += W[i * kN + j] * r[j];
    for (int i = 0; i < kN; ++i)
      x[i] += alpha * (-x[i] + drive[i] + u[i]);
    x[1] = 1;
    x[3] = -1;
    x[4] += c;
    h[2] += x[0];
    for (int i = 0; i < kN; ++i)
      for (int j = 0; j < kN; ++j)
        e[i * kN + j] += std::tanh(x[i]) * std::tanh(x[j]);
    double sq = 0;
    for (int i = 0; i < kN; ++i)
      sq += (x[i] - 0.5) * (x[i] - 0.5);
    acc += sq + 0.1 * h[2];
  }
  double endTrial() {
    double R = -acc / 10;
    for (int k = 0; k < kN * kN; ++k)
      W[k] += 0.05 * R * e[k];
    W[0] = 0;
    W[2 * kN + 5] -= 0.1 * c;
    return R;
  }
};

using testing::relDiff;

const double *valueOf(runtime::Backend &b, runtime::StateBuffer &s, const char *name) {
  const runtime::QuantityInfo *q = b.info().find(name);
  EXPECT_TRUE(q) << name;
  return reinterpret_cast<const double *>(static_cast<const char *>(s.data()) + q->offset);
}

const double *tangentOf(runtime::Backend &b, runtime::StateBuffer &s, const char *name) {
  const runtime::QuantityInfo *q = b.info().find(name);
  EXPECT_TRUE(q && q->tangentOffset >= 0) << name;
  return reinterpret_cast<const double *>(static_cast<const char *>(s.data()) + q->tangentOffset);
}

/// Runs 3 trials of 15 steps on `backend` and the hand-written loops, from
/// the same network and inputs, and compares them after every step.
void expectMatchesReference(runtime::Backend &backend, bool primalSteps) {
  const std::vector<double> meta = {1.1, 0.25};
  runtime::StateBuffer state(backend.info());
  backend.init(state.data(), meta.data(), 3);
  Reference ref;
  ref.g = meta[0];
  ref.c = meta[1];
  // Right after init, x and h hold their trial-start values.
  ref.x0.assign(valueOf(backend, state, "x"), valueOf(backend, state, "x") + kN);
  ref.h0.assign(valueOf(backend, state, "h"), valueOf(backend, state, "h") + kN);
  ref.W.assign(valueOf(backend, state, "W"), valueOf(backend, state, "W") + kN * kN);

  const int64_t u = backend.info().find("u")->offset;
  std::vector<double> inputs(backend.info().inputLength), noise(1), dR(2);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uni(-1, 1);
  for (int trial = 0; trial < 3; ++trial) {
    backend.beginTrial(state.data());
    ref.beginTrial();
    for (int t = 0; t < 15; ++t) {
      for (double &v : inputs)
        v = uni(rng);
      if (primalSteps)
        backend.stepPrimal(state.data(), inputs.data(), noise.data());
      else
        backend.step(state.data(), inputs.data(), noise.data());
      ref.step(&inputs[u]);
      const double *x = valueOf(backend, state, "x");
      // The clamped units hold exactly their values.
      ASSERT_EQ(x[1], 1.0) << "trial " << trial << " step " << t;
      ASSERT_EQ(x[3], -1.0) << "trial " << trial << " step " << t;
      ASSERT_LE(relDiff(ref.x, x), 1e-12) << "x, trial " << trial << " step " << t;
      ASSERT_LE(relDiff(ref.h, valueOf(backend, state, "h")), 1e-12) << "h, trial " << trial << " step " << t;
      ASSERT_LE(relDiff(ref.e, valueOf(backend, state, "e")), 1e-12) << "e, trial " << trial << " step " << t;
      ASSERT_LE(std::fabs(ref.acc - *valueOf(backend, state, "acc")), 1e-12 * std::fabs(ref.acc));
      if (!primalSteps) {
        // A unit clamped to a constant has a zero tangent in every lane.
        const double *dx = tangentOf(backend, state, "x");
        for (int p = 0; p < 2; ++p) {
          EXPECT_EQ(dx[p * kN + 1], 0.0) << "lane " << p;
          EXPECT_EQ(dx[p * kN + 3], 0.0) << "lane " << p;
        }
      }
    }
    double R = backend.endTrial(state.data(), primalSteps ? nullptr : dR.data());
    double refR = ref.endTrial();
    EXPECT_LE(std::fabs(R - refR), 1e-12 * std::fabs(refR)) << "R, trial " << trial;
    const double *w = valueOf(backend, state, "W");
    EXPECT_EQ(w[0], 0.0) << "W[0, 0], trial " << trial;
    EXPECT_LE(relDiff(ref.W, w), 1e-12) << "W, trial " << trial;
  }
  // h is written only at element 2: the others keep their trial-start value.
  const double *h = valueOf(backend, state, "h");
  for (int k = 0; k < kN; ++k)
    if (k != 2)
      EXPECT_EQ(h[k], ref.h0[k]) << "h[" << k << "]";
}

/// The tangent gradient of J equals central finite differences.
void expectGradientMatchesFiniteDifferences(runtime::Backend &backend) {
  runtime::GradCheckOptions o;
  o.trials = 3;
  o.steps = 15;
  runtime::GradCheckResult r = runtime::checkGradient(backend, o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  std::ostringstream table;
  runtime::printGradCheck(r, o, backend.info(), table);
  EXPECT_TRUE(r.ok()) << table.str();
  ASSERT_EQ(r.entries.size(), 2u);
  for (const runtime::GradCheckEntry &e : r.entries)
    EXPECT_NE(e.tangent, 0.0) << e.name << "\n" << table.str();
}

std::unique_ptr<runtime::NativeModel> jit(const ir::Module &m) {
  std::string error;
  auto model = runtime::jitCompile(m, kSource, codegen::NativeOptions{}, error);
  EXPECT_TRUE(model) << error;
  return model;
}

TEST(ElementWrite, InterpreterMatchesHandWrittenLoops) {
  auto m = compileClamped();
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  expectMatchesReference(interp, false);
}

TEST(ElementWrite, JITMatchesHandWrittenLoops) {
  auto m = compileClamped();
  ASSERT_TRUE(m);
  auto model = jit(*m);
  ASSERT_TRUE(model);
  expectMatchesReference(*model, false);
  expectMatchesReference(*model, true);
}

TEST(ElementWrite, InterpreterGradientMatchesFiniteDifferences) {
  auto m = compileClamped();
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  expectGradientMatchesFiniteDifferences(interp);
}

TEST(ElementWrite, JITGradientMatchesFiniteDifferences) {
  auto m = compileClamped();
  ASSERT_TRUE(m);
  auto model = jit(*m);
  ASSERT_TRUE(model);
  expectGradientMatchesFiniteDifferences(*model);
}

/// One `write @q` per region remains after a whole write and two element
/// writes (the verifier's rule), and it comes after the last element write.
TEST(ElementWrite, OneWritePerQuantityAfterLowering) {
  auto m = compileClamped();
  ASSERT_TRUE(m);
  int writes = 0, selects = 0;
  for (const auto &op : m->step.ops) {
    if (op->kind == ir::OpKind::Write && op->quantity->name == "x") {
      ++writes;
      EXPECT_EQ(op->operands[0]->kind, ir::OpKind::Select);
      EXPECT_EQ(op->loc.line, 16u); // x[4] += c
    }
    selects += op->kind == ir::OpKind::Select;
  }
  EXPECT_EQ(writes, 1);
  EXPECT_GE(selects, 4); // x[1], x[3], x[4], h[2] (and their tangents)
}

} // namespace
} // namespace plasticc

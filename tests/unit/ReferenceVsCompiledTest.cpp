//===- tests/unit/ReferenceVsCompiledTest.cpp - hand-written = compiled ---===//
//
// The benchmarks (bench/, BENCHMARKS.md) time plasticc's compiled reference
// model against the hand-written one (bench/reference) on the same work;
// the comparison means something only if both compute the same numbers.
// Here examples/rnn_poly.plast at N = 16 and d = 1, 2, 3 (and at N = 140,
// where the hand-written model switches layout) is JIT-compiled
// exactly as the benchmark compiles it, the hand-written model is given the
// compiled model's draws (W, W_in, W_out, x_init) and the same theta, and
// both run 3 trials of the cue-delay-response task (T = 50) on the same
// noise. After every step the trace e and its P tangent lanes, x and its
// lanes, and after every trial R, dR/dtheta, W and its lanes must agree to
// 1e-12, normwise relative per quantity (|a - b|_max <= 1e-12 |ref|_max).
// The rule's theta is drawn so that every term of H and of its tangents is
// active, and every lane of dR/dtheta must be nonzero from the second
// trial on (the network is not saturated, so the tangents do work).
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "bench/reference/ReferenceModel.h"
#include "compiler/transforms/Tangent.h"
#include "runtime/CueDelayResponse.h"
#include "runtime/Objective.h"
#include "runtime/jit/JIT.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace plasticc {
namespace {

constexpr int kTrials = 3, kSteps = 50;

using testmodels::relDiff;

/// rnn_poly at N = kN and D = d1, after the tangent pass, JIT-compiled.
std::unique_ptr<runtime::NativeModel> compileRnnPoly(int kN, int d1) {
  std::unique_ptr<ir::Module> module = testmodels::compileModel(
      PLASTICC_SOURCE_DIR "/examples/rnn_poly.plast", kN, {{"N", kN}, {"D", d1}});
  if (!module)
    return nullptr;
  std::ostringstream diagText;
  DiagnosticEngine diag(std::make_shared<SourceFile>("rnn_poly.plast", ""), diagText);
  EXPECT_TRUE(transforms::computeTangents(*module, diag)) << diagText.str();
  std::string error;
  auto model = runtime::jitCompile(*module, "rnn_poly", codegen::NativeOptions{}, error);
  EXPECT_TRUE(model) << error;
  return model;
}

/// Reads quantities of a compiled state by name.
struct StateView {
  const runtime::ModelInfo &info;
  const char *base;
  const double *value(const char *name) const {
    const runtime::QuantityInfo *q = info.find(name);
    EXPECT_TRUE(q) << name;
    return reinterpret_cast<const double *>(base + q->offset);
  }
  /// Lane p of the tangent of `name` (lane-major in the state).
  const double *lane(const char *name, int p) const {
    const runtime::QuantityInfo *q = info.find(name);
    EXPECT_TRUE(q && q->tangentOffset >= 0) << name;
    return reinterpret_cast<const double *>(base + q->tangentOffset) + p * q->numElements();
  }
};

void compareWithCompiled(int kN, int d) {
  const int d1 = d + 1, p = d1 * d1;
  auto model = compileRnnPoly(kN, d1);
  ASSERT_TRUE(model);
  const runtime::ModelInfo &info = model->info();
  ASSERT_EQ(info.metaScalars, p);

  std::mt19937_64 rng(100 + d);
  // Small enough that W stays in the unsaturated range over the trials
  // (a saturated tanh would zero the tangents and weaken the comparison).
  std::uniform_real_distribution<double> uni(-0.05, 0.05);
  std::normal_distribution<double> normal;
  std::vector<double> theta(p);
  for (double &t : theta)
    t = uni(rng);
  runtime::StateBuffer state(info);
  model->init(state.data(), theta.data(), 5);
  StateView view{info, static_cast<const char *>(state.data())};

  using reference::Mat;
  using reference::Vec;
  reference::ReferenceModel hand(kN, 2, 1, d1, reference::Constants{}, theta);
  // Right after init, x holds x_init (its trial-start copy).
  hand.setInitial(Eigen::Map<const Mat>(view.value("W"), kN, kN),
                  Eigen::Map<const Mat>(view.value("Win"), kN, 2),
                  Eigen::Map<const Mat>(view.value("Wout"), 1, kN),
                  Eigen::Map<const Vec>(view.value("x"), kN));

  const int64_t u = info.find("u")->offset, y = info.find("y")->offset,
                m = info.find("m")->offset;
  std::vector<double> inputs(info.inputLength), noise(kN), dR(p), dRHand(p);
  const size_t nn = static_cast<size_t>(kN) * kN;
  for (int k = 0; k < kTrials; ++k) {
    runtime::CueDelayTrial trial = runtime::cueDelayResponse(k % 2, kSteps);
    model->beginTrial(state.data());
    hand.beginTrial();
    for (int t = 0; t < kSteps; ++t) {
      inputs[u] = trial.u0[t];
      inputs[u + 1] = trial.u1[t];
      inputs[y] = trial.y[t];
      inputs[m] = trial.m[t];
      for (double &v : noise)
        v = normal(rng);
      model->step(state.data(), inputs.data(), noise.data());
      hand.step(&inputs[u], &inputs[y], inputs[m], noise.data());

      ASSERT_LE(relDiff(view.value("e"), hand.e().data(), nn), 1e-12) << "e, trial " << k << " step " << t;
      ASSERT_LE(relDiff(view.value("x"), hand.x().data(), kN), 1e-12) << "x, trial " << k << " step " << t;
      std::vector<Mat> de = hand.de();
      std::vector<Vec> dx = hand.dx();
      for (int q = 0; q < p; ++q) {
        ASSERT_LE(relDiff(view.lane("e", q), de[q].data(), nn), 1e-12)
            << "de lane " << q << ", trial " << k << " step " << t;
        ASSERT_LE(relDiff(view.lane("x", q), dx[q].data(), kN), 1e-12)
            << "dx lane " << q << ", trial " << k << " step " << t;
      }
    }
    double R = model->endTrial(state.data(), dR.data());
    double RHand = hand.endTrial(dRHand.data());
    EXPECT_LE(std::fabs(R - RHand), 1e-12 * std::fabs(RHand)) << "R, trial " << k;
    EXPECT_LE(relDiff(dRHand.data(), dR.data(), p), 1e-12) << "dR/dtheta, trial " << k;
    if (k > 0) { // W, and so R, depends on theta from the first reward on
      for (int q = 0; q < p; ++q)
        EXPECT_GT(std::fabs(dRHand[q]), 1e-9) << "lane " << q << ", trial " << k;
    }
    EXPECT_LE(relDiff(view.value("W"), hand.w().data(), nn), 1e-12) << "W, trial " << k;
    std::vector<Mat> dw = hand.dw();
    for (int q = 0; q < p; ++q)
      EXPECT_LE(relDiff(view.lane("W", q), dw[q].data(), nn), 1e-12)
          << "dW lane " << q << ", trial " << k;
  }
}

TEST(ReferenceVsCompiled, Degree1) { compareWithCompiled(16, 1); }
TEST(ReferenceVsCompiled, Degree2) { compareWithCompiled(16, 2); }
TEST(ReferenceVsCompiled, Degree3) { compareWithCompiled(16, 3); }
// Above N = 128 the hand-written model stores its tangents lane-major
// instead of row-interleaved (ReferenceModel.h): the other code path; and
// 140 is no multiple of 8, so the kernels' scalar tails run too.
TEST(ReferenceVsCompiled, LaneMajorLayoutN140) { compareWithCompiled(140, 2); }

} // namespace
} // namespace plasticc

//===- tests/unit/ContinuousPlasticityTest.cpp - weights written in step --===//
//
// Continuous plasticity (docs/language.md "Continuous plasticity"): the
// shipped examples/oja.plast (Oja 1982) and examples/bcm.plast (BCM with a
// sliding threshold that is a baseline, written in the step) change their
// plastic weights at every step. Each is compiled from its file at N = 8 and
// run in the reference interpreter and in JIT-compiled code (tangent and
// primal steps); both are compared with the rule written out below as plain
// loops, after every step and every trial, over 3 trials of 20 steps with
// random inputs and noise. Weights must move within a trial and persist
// across trials (begin_trial leaves them alone). The tangent gradients are
// checked against finite differences for every example in GradCheckTest.
// Evaluation's "no plasticity" must hold weights the step changes fixed.
//
//===----------------------------------------------------------------------===//
#include "MetaRig.h"
#include "RelativeDifference.h"
#include "TangentTestModels.h"

#include "runtime/Interpreter.h"
#include "runtime/Objective.h"
#include "runtime/jit/JIT.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace plasticc {
namespace {

constexpr int kN = 8, kI = 2, kTrials = 3, kSteps = 20;
constexpr double kDt = 1e-3, kTau = 10e-3, kSigma = 0.05;

/// Which of the two shipped rules the reference runs.
enum class Rule { Oja, BCM };

/// The network of examples/oja.plast and bcm.plast with its rule, written
/// out by hand (row-major W[i * N + j], from pre j to post i).
struct Reference {
  Rule rule;
  std::vector<double> meta; // oja: log_eta, kappa; bcm: log_eta, kappa, log_tau_M
  std::vector<double> x0, x, W, Win, Wout, thetaM;
  double err = 0, scored = 0;

  void beginTrial() {
    x = x0;
    err = scored = 0;
  }
  /// One step: u[kI], y, m, xi[kN] (the file's statement order).
  void step(const double *u, double y, double m, const double *xi) {
    std::vector<double> r(kN);
    for (int j = 0; j < kN; ++j)
      r[j] = std::tanh(x[j]);
    double z = 0;
    for (int j = 0; j < kN; ++j)
      z += Wout[j] * r[j];
    err += m * (z - y) * (z - y);
    scored += m;
    for (int i = 0; i < kN; ++i) {
      double drive = 0;
      for (int j = 0; j < kN; ++j)
        drive += W[i * kN + j] * r[j];
      for (int k = 0; k < kI; ++k)
        drive += Win[i * kI + k] * u[k];
      x[i] += kDt / kTau * (-x[i] + drive) + kSigma * xi[i];
    }
    if (rule == Rule::Oja)
      stepOja(r);
    else
      stepBCM(r);
  }
  void stepOja(const std::vector<double> &r) {
    double eta = 0.5 * std::exp(meta[0]), kappa = meta[1];
    for (int i = 0; i < kN; ++i)
      for (int j = 0; j < kN; ++j)
        W[i * kN + j] += kDt * eta * r[i] * (r[j] - kappa * r[i] * W[i * kN + j]);
  }
  void stepBCM(const std::vector<double> &r) {
    double eta = 0.2 * std::exp(meta[0]), kappa = meta[1];
    double tauM = std::max(0.1 * std::exp(meta[2]), kDt);
    for (int i = 0; i < kN; ++i)
      for (int j = 0; j < kN; ++j)
        W[i * kN + j] += kDt * eta * r[j] * r[i] * (r[i] - thetaM[i]);
    for (int i = 0; i < kN; ++i)
      thetaM[i] += kDt / tauM * (kappa * r[i] * r[i] - thetaM[i]);
  }
  double reward() const { return -err / std::max(1.0, scored); }
};

using testing::relDiff;

std::vector<double> valueOf(runtime::Backend &b, runtime::StateBuffer &s, const char *name) {
  const runtime::QuantityInfo *q = b.info().find(name);
  EXPECT_TRUE(q) << name;
  if (!q)
    return {};
  auto *v = reinterpret_cast<const double *>(static_cast<const char *>(s.data()) + q->offset);
  return {v, v + q->numElements()};
}

/// Runs the backend and the reference from the same network, inputs and
/// noise, and compares them after every step and trial.
void expectMatchesReference(runtime::Backend &backend, Rule rule, bool primalSteps) {
  Reference ref;
  ref.rule = rule;
  ref.meta = rule == Rule::Oja ? std::vector<double>{0.3, 0.8} : std::vector<double>{0.2, 1.3, -0.4};
  runtime::StateBuffer state(backend.info());
  backend.init(state.data(), ref.meta.data(), 5);
  ref.x0 = valueOf(backend, state, "x"); // the trial-start value, right after init
  ref.W = valueOf(backend, state, "W");
  ref.Win = valueOf(backend, state, "Win");
  ref.Wout = valueOf(backend, state, "Wout");
  if (rule == Rule::BCM)
    ref.thetaM = valueOf(backend, state, "theta_M");

  const runtime::ModelInfo &info = backend.info();
  const int64_t u = info.find("u")->offset, y = info.find("y")->offset, m = info.find("m")->offset;
  const int64_t xi = info.find("xi")->offset;
  std::vector<double> inputs(info.inputLength), noise(info.noiseLength), dR(ref.meta.size());
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> uni(-1, 1);
  std::normal_distribution<double> normal(0, 1);
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> before = valueOf(backend, state, "W");
    backend.beginTrial(state.data());
    ASSERT_EQ(relDiff(before, valueOf(backend, state, "W").data()), 0.0)
        << "begin_trial must leave the weights alone, trial " << trial;
    ref.beginTrial();
    for (int t = 0; t < kSteps; ++t) {
      for (double &v : inputs)
        v = uni(rng);
      inputs[m] = t >= kSteps / 2 ? 1.0 : 0.0;
      for (double &v : noise)
        v = normal(rng);
      if (primalSteps)
        backend.stepPrimal(state.data(), inputs.data(), noise.data());
      else
        backend.step(state.data(), inputs.data(), noise.data());
      ref.step(&inputs[u], inputs[y], inputs[m], &noise[xi]);
      std::string at = "trial " + std::to_string(trial) + " step " + std::to_string(t);
      ASSERT_LE(relDiff(ref.x, valueOf(backend, state, "x").data()), 1e-12) << "x, " << at;
      ASSERT_LE(relDiff(ref.W, valueOf(backend, state, "W").data()), 1e-12) << "W, " << at;
      if (rule == Rule::BCM)
        ASSERT_LE(relDiff(ref.thetaM, valueOf(backend, state, "theta_M").data()), 1e-12)
            << "theta_M, " << at;
    }
    EXPECT_GT(relDiff(before, valueOf(backend, state, "W").data()), 1e-6)
        << "the weights must change within trial " << trial;
    double R = backend.endTrial(state.data(), primalSteps ? nullptr : dR.data());
    EXPECT_LE(std::fabs(R - ref.reward()), 1e-12 * std::fabs(ref.reward())) << "R, trial " << trial;
  }
}

std::unique_ptr<ir::Module> compileExample(const char *file) {
  auto m = testmodels::compileModel(std::string(PLASTICC_SOURCE_DIR "/examples/") + file, kN);
  if (m)
    EXPECT_TRUE(testmodels::differentiate(*m));
  return m;
}

std::unique_ptr<runtime::NativeModel> jit(const ir::Module &m) {
  std::string error;
  auto model = runtime::jitCompile(m, m.name, codegen::NativeOptions{}, error);
  EXPECT_TRUE(model) << error;
  return model;
}

void checkBothBackends(const char *file, Rule rule) {
  auto m = compileExample(file);
  ASSERT_TRUE(m);
  {
    runtime::Interpreter interp(*m);
    SCOPED_TRACE("interpreter");
    expectMatchesReference(interp, rule, false);
  }
  auto model = jit(*m);
  ASSERT_TRUE(model);
  SCOPED_TRACE("JIT");
  expectMatchesReference(*model, rule, false);
  expectMatchesReference(*model, rule, true);
}

TEST(ContinuousPlasticity, OjaMatchesHandWrittenLoops) { checkBothBackends("oja.plast", Rule::Oja); }

TEST(ContinuousPlasticity, BCMWithSlidingThresholdMatchesHandWrittenLoops) {
  checkBothBackends("bcm.plast", Rule::BCM);
}

/// "No plasticity" (NetworkOptions::plasticity = false) restores the weights
/// after every step: on oja.plast it must give, bit for bit, the run with
/// the learning rate set to 0, and differ from the run that learns.
TEST(ContinuousPlasticity, NoPlasticityHoldsWeightsTheStepChanges) {
  std::shared_ptr<ir::Module> m = compileExample("oja.plast");
  ASSERT_TRUE(m);
  testing::Rig rig(testing::loadShipped("cue_delay_response"),
                   [m]() -> std::unique_ptr<runtime::Backend> {
                     return std::make_unique<runtime::Interpreter>(*m);
                   });
  auto ws = rig.runner.workspace(0);
  const std::vector<double> meta = {1.0, 1.0};
  meta::NetworkOptions opt;
  opt.trials = 4;
  opt.tangents = false;
  auto run = [&](bool plasticity, bool zeroRate) {
    opt.plasticity = plasticity;
    opt.params.clear();
    if (zeroRate)
      opt.params.push_back({rig.pool.info().find("eta0"), 0.0});
    return rig.runner.run(7, meta.data(), opt, *ws);
  };
  meta::NetworkResult fixed = run(false, false), zeroRate = run(true, true), learning = run(true, false);
  ASSERT_EQ(fixed.trials.size(), 4u);
  ASSERT_EQ(zeroRate.trials.size(), 4u);
  ASSERT_EQ(learning.trials.size(), 4u);
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(fixed.trials[k].modelReward, zeroRate.trials[k].modelReward) << "trial " << k;
  EXPECT_NE(fixed.trials[3].modelReward, learning.trials[3].modelReward);
}

} // namespace
} // namespace plasticc

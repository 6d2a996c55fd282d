//===- tests/unit/WholeTrialTest.cpp - plasticc_run_trial vs the steps ----===//
//
// The whole-trial entry points (compiler/codegen/WholeTrial.h) against the
// per-step entry points of the same compiled model and against the
// interpreter's steps: R, dR/dmeta, the outputs of every step and the whole
// state after each trial, over several trials (so the weights the reward
// event changed feed the next), with segments that do not divide the trial.
//
//===----------------------------------------------------------------------===//
#include "MetaFakes.h"
#include "MetaRig.h"
#include "TangentTestModels.h"

#include "compiler/codegen/Pipeline.h"
#include "compiler/transforms/TrialSchedule.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"
#include "runtime/jit/JIT.h"
#include "runtime/meta/Network.h"
#include "runtime/tool/ModelLoader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace plasticc {
namespace {

/// An example through the front end and the tangent pass, its dims capped
/// at 16 (the schedule is forced below, whatever the size).
std::unique_ptr<ir::Module> loadModel(const std::string &path, ir::Estimator estimator) {
  auto m = testmodels::compileModel(path, 16);
  std::string diag;
  EXPECT_TRUE(m && testmodels::differentiate(*m, &diag, estimator)) << diag;
  return m;
}

using testmodels::relDiff;

/// The whole state, value and tangent blocks, as doubles.
double stateDiff(const runtime::ModelInfo &info, const void *a, const void *b, std::string &where) {
  double worst = 0;
  auto block = [&](int64_t offset, int64_t n, const std::string &name) {
    if (offset < 0)
      return;
    double d = relDiff(reinterpret_cast<const double *>(static_cast<const char *>(a) + offset),
                       reinterpret_cast<const double *>(static_cast<const char *>(b) + offset),
                       static_cast<size_t>(n));
    if (std::isnan(d) || d > worst) {
      worst = std::isnan(d) ? INFINITY : d;
      where = name;
    }
  };
  for (const runtime::QuantityInfo &q : info.quantities) {
    if (q.kind == "input" || q.kind == "noise")
      continue;
    block(q.offset, q.numElements(), q.name);
    block(q.tangentOffset, q.numElements() * info.metaScalars, "d." + q.name);
  }
  return worst;
}

/// `trials` trials of `steps` steps: `ref` by its per-step calls (the
/// Backend default), `got` by its run_trial; the worst relative difference.
double compareTrials(runtime::Backend &ref, runtime::Backend &got, bool tangents, int trials = 3,
                     int64_t steps = 23, uint64_t seed = 42) {
  const runtime::ModelInfo &info = got.info();
  runtime::StateBuffer a(ref.info()), b(info);
  ref.init(a.data(), nullptr, seed);
  got.init(b.data(), nullptr, seed);
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal;
  const int64_t O = runtime::outputLength(info), P = info.metaScalars;
  std::vector<double> in(static_cast<size_t>(steps * info.inputLength)),
      noise(static_cast<size_t>(steps * info.noiseLength)), outA(static_cast<size_t>(steps * O)),
      outB(outA.size()), dRa(static_cast<size_t>(P)), dRb(dRa.size());
  double worst = 0;
  for (int k = 0; k < trials; ++k) {
    for (double &v : in)
      v = normal(gen);
    for (double &v : noise)
      v = normal(gen);
    double Ra = ref.Backend::runTrial(a.data(), in.data(), noise.data(), steps, outA.data(), dRa.data(), tangents);
    double Rb = got.runTrial(b.data(), in.data(), noise.data(), steps, outB.data(), dRb.data(), tangents);
    std::string where;
    double d = std::fabs(Ra - Rb) / std::max(1.0, std::fabs(Ra));
    EXPECT_LE(d, 1e-12) << "R of trial " << k << ": " << Ra << " vs " << Rb;
    worst = std::max(worst, d);
    d = relDiff(dRa.data(), dRb.data(), static_cast<size_t>(P));
    EXPECT_LE(d, 1e-12) << "dR/dmeta of trial " << k;
    worst = std::max(worst, d);
    d = relDiff(outA.data(), outB.data(), static_cast<size_t>(steps * O));
    EXPECT_LE(d, 1e-12) << "outputs of trial " << k;
    worst = std::max(worst, d);
    d = stateDiff(info, a.data(), b.data(), where);
    EXPECT_LE(d, 1e-12) << "state after trial " << k << ": " << where;
    worst = std::max(worst, d);
  }
  return worst;
}

std::unique_ptr<runtime::NativeModel> jit(const ir::Module &m, int64_t segmentSteps,
                                          std::string *schedule = nullptr) {
  codegen::NativeOptions opts;
  opts.segmentSteps = segmentSteps;
  opts.wholeTrialMinBytes = 0; // the schedule wherever it is legal, whatever the size
  std::string error;
  auto model = runtime::jitCompile(m, "source of " + m.name, opts, error);
  EXPECT_TRUE(model) << error;
  if (schedule) {
    codegen::NativeModule native;
    opts.optimize = false;
    EXPECT_TRUE(codegen::buildNative(m, "", opts, native, error)) << error;
    for (const std::string &line : native.loops.schedule) // one per line, as --emit=loops
      *schedule += line + "\n";
  }
  return model;
}

/// Every example, pathwise tangents and primal steps: run_trial (segments
/// of 5 steps in trials of 23, so the last segment is short) equals the
/// same model's per-step calls and the interpreter's.
TEST(WholeTrial, EveryExampleEqualsItsSteps) {
  int deferred = 0;
  for (const std::string &path : testmodels::exampleFiles()) {
    SCOPED_TRACE(path);
    auto m = loadModel(path, ir::Estimator::Pathwise);
    ASSERT_TRUE(m);
    std::string lines;
    auto model = jit(*m, 5, &lines);
    ASSERT_TRUE(model);
    bool legal = transforms::analyzeTrialSchedule(*m).legal;
    // Deferred only where the analysis allows it (and the lowering's nests do).
    bool whole = lines.find("@plasticc_run_trial: whole trial") != std::string::npos;
    EXPECT_TRUE(legal || !whole) << lines;
    deferred += whole;
    runtime::Interpreter interp(*m);
    for (bool tangents : {true, false}) {
      double self = compareTrials(*model, *model, tangents);
      double vsInterp = compareTrials(interp, *model, tangents);
      std::cout << "[ " << m->name << (tangents ? " tangents" : " primal") << " ] run_trial vs steps "
                << self << ", vs interpreter " << vsInterp << "\n";
    }
  }
  EXPECT_GE(deferred, 9); // all but oja and bcm (not legal) and rnn_stable (below)
}

/// The score estimator's lanes (a scalar trace, kept in the step) too.
TEST(WholeTrial, ScoreTangentsEqualTheSteps) {
  auto m = loadModel(std::string(PLASTICC_SOURCE_DIR) + "/examples/rnn_poly.plast", ir::Estimator::Score);
  ASSERT_TRUE(m);
  auto model = jit(*m, 4);
  ASSERT_TRUE(model);
  compareTrials(*model, *model, true);
}

/// Segment lengths 1 (a segment per step), 23 (one segment) and past the
/// trial, and trials of 0 and 1 steps.
TEST(WholeTrial, SegmentLengthsAndShortTrials) {
  auto m = loadModel(std::string(PLASTICC_SOURCE_DIR) + "/examples/rnn_poly.plast", ir::Estimator::Pathwise);
  ASSERT_TRUE(m);
  for (int64_t S : {1, 23, 100}) {
    SCOPED_TRACE("segments of " + std::to_string(S));
    auto model = jit(*m, S);
    ASSERT_TRUE(model);
    compareTrials(*model, *model, true);
    for (int64_t steps : {0, 1})
      compareTrials(*model, *model, true, 2, steps);
  }
}

/// rnn_stable's trace decay depends on a meta parameter, so the tangent
/// lanes' update (one nest) reads the trace the next nest updates: nests
/// run one after the other over a segment would read it at the wrong time.
/// run_trial defers no trace (it still hoists dW r_t), says why, and equals
/// the steps.
TEST(WholeTrial, TraceReadByAnotherNestRunsStepByStep) {
  auto m = loadModel(std::string(PLASTICC_SOURCE_DIR) + "/examples/rnn_stable.plast", ir::Estimator::Pathwise);
  ASSERT_TRUE(m);
  std::string lines;
  auto model = jit(*m, 4, &lines);
  ASSERT_TRUE(model);
  EXPECT_NE(lines.find("no trace deferred (@e is read by a nest that does not update it)"), std::string::npos)
      << lines;
  EXPECT_NE(lines.find("@plasticc_run_trial_primal: whole trial"), std::string::npos) << lines;
  compareTrials(*model, *model, true);
}

/// A state matrix written through a temporary copied back at the end of the
/// step, read by the trace's update in the same nest: the deferred nest would
/// compute the temporary, the copy back would read it unwritten. The trace
/// is not deferred (the reason is printed) and run_trial equals the steps.
TEST(WholeTrial, TemporaryReadAfterTheTraceNestIsNotDeferred) {
  std::string path = std::string(PLASTICC_BINARY_DIR) + "/tests/whole-trial-copy-back.plast";
  std::ofstream(path) << R"(model copyback
dim N = 4
meta th = 0.3
meta k = 0.5
input u[N]
state S[N, N] = uniform(-0.5, 0.5)
weight W[N, N] = 0 plastic
trace e[N, N] = 0
step {
  S[i, j] = tanh(k * S[i, j] + u[i] * u[j])
  e[i, j] = 0.9 * e[i, j] + th * S[i, j] * u[j]
}
reward R = sum(e)
on reward {
  W += 0.01 * R * e
}
)";
  auto m = loadModel(path, ir::Estimator::Pathwise);
  ASSERT_TRUE(m);
  std::string lines;
  auto model = jit(*m, 3, &lines);
  ASSERT_TRUE(model);
  EXPECT_NE(lines.find("computed in a deferred trace's nest, is read after it"), std::string::npos) << lines;
  compareTrials(*model, *model, true, 3, 7);
}

/// A backend that counts the whole trials it is asked for (and runs them
/// step by step, the Backend default, on the quadratic fake).
class CountingBackend final : public runtime::Backend {
public:
  explicit CountingBackend(std::atomic<int> &wholeTrials) : n_(wholeTrials) {}
  const runtime::ModelInfo &info() const override { return b_.info(); }
  void init(void *s, const double *meta, uint64_t seed) override { b_.init(s, meta, seed); }
  void setTrialStart(void *s) override { b_.setTrialStart(s); }
  void beginTrial(void *s) override { b_.beginTrial(s); }
  void step(void *s, const double *in, const double *xi) override { b_.step(s, in, xi); }
  void stepPrimal(void *s, const double *in, const double *xi) override { b_.stepPrimal(s, in, xi); }
  double endTrial(void *s, double *dR) override { return b_.endTrial(s, dR); }
  double runTrial(void *s, const double *in, const double *xi, int64_t steps, double *out, double *dR,
                  bool tangents) override {
    ++n_;
    return Backend::runTrial(s, in, xi, steps, out, dR, tangents);
  }

private:
  testing::QuadraticBackend b_;
  std::atomic<int> &n_;
};

struct CountSteps : meta::StateObserver {
  int steps = 0;
  void trialStarted(int64_t, const char *) override {}
  void stepped(int64_t, int64_t, int64_t, const char *) override { ++steps; }
  void trialEnded(int64_t, const char *) override {}
};

/// plasticc-meta's runner makes one runTrial call per trial (the compiled
/// model's whole-trial code), through the tool's shared backend as the
/// tool builds it; step by step only for an observer or fixed weights.
TEST(WholeTrial, PlasticcMetaRunsTrialsThroughRunTrial) {
  std::atomic<int> whole{0};
  auto counting = std::make_shared<CountingBackend>(whole);
  testing::Rig rig(testing::loadShipped("cue_delay_response"), [&]() -> std::unique_ptr<runtime::Backend> {
    return tool::sharedBackend(counting);
  });
  auto ws = rig.runner.workspace(0);
  const double meta[2] = {0.3, -0.2};
  meta::NetworkOptions opt;
  opt.trials = 3;
  meta::NetworkResult a = rig.runner.run(7, meta, opt, *ws);
  EXPECT_EQ(whole.load(), 3);
  CountSteps observer;
  opt.observer = &observer;
  meta::NetworkResult b = rig.runner.run(7, meta, opt, *ws);
  EXPECT_EQ(whole.load(), 3);
  EXPECT_GT(observer.steps, 0);
  for (size_t k = 0; k < a.trials.size(); ++k) // the same trials either way
    EXPECT_EQ(a.trials[k].modelReward, b.trials[k].modelReward) << k;
  opt.observer = nullptr;
  opt.plasticity = false;
  rig.runner.run(7, meta, opt, *ws);
  EXPECT_EQ(whole.load(), 3);
}

} // namespace
} // namespace plasticc

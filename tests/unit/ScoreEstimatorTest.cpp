//===- tests/unit/ScoreEstimatorTest.cpp - the REINFORCE meta-gradient ----===//
//
// The score-function estimator (docs/model.md "The score-function (REINFORCE)
// estimator") on the reference model at a small size, checked three ways:
//   * the score the compiled step accumulates equals sum_t (xi_t / sigma) .
//     alpha dW r_t computed here from the states, the noise and dW, step by
//     step, in both the interpreter and JIT-compiled code;
//   * unbiasedness with a differentiable reward: one network (weights and
//     task trials fixed) learns under M independent noise streams; both
//     estimators target d/dtheta of the expected J over the noise, so the
//     mean of (score estimate - pathwise gradient), the same noise on both
//     sides, is within 3 standard errors of 0 for every meta scalar, while
//     the score estimate itself resolves the gradient (> 4 standard errors)
//     on at least one, so the test can fail;
//   * unbiasedness with a 0/1 choice reward, whose pathwise gradient is 0:
//     the score estimate agrees, within 3 standard errors, with central
//     differences (h = 1, a chord) of the mean of J over the same noise
//     streams (common random numbers), both resolved beyond 3 errors.
// The score estimates use the leave-one-out baseline over the streams. All
// seeded: the statistics are the same numbers on every run.
//
//===----------------------------------------------------------------------===//
#include "MetaRig.h"
#include "TangentTestModels.h"

#include "runtime/jit/JIT.h"
#include "runtime/meta/ScoreFunction.h"
#include "runtime/meta/Seeds.h"
#include "runtime/meta/Statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace plasticc;
using namespace plasticc::meta;
using namespace plasticc::testing;
using plasticc::testmodels::compileModel;

namespace {

std::string example(const char *name) {
  return std::string(PLASTICC_SOURCE_DIR) + "/examples/" + name;
}

/// A copy of `m` differentiated for `estimator` (test fails on diagnostics).
std::shared_ptr<ir::Module> differentiated(const std::string &path, ir::Estimator estimator,
                                           const std::map<std::string, int64_t> &dims) {
  std::shared_ptr<ir::Module> m = compileModel(path, 8, dims);
  if (!m)
    return nullptr;
  auto file = std::make_shared<SourceFile>(path, "");
  std::ostringstream out;
  DiagnosticEngine diag(file, out);
  EXPECT_TRUE(transforms::computeTangents(*m, diag, {}, estimator)) << out.str();
  return m;
}

BackendPool::Factory interpreters(std::shared_ptr<ir::Module> m) {
  return [m]() -> std::unique_ptr<runtime::Backend> {
    return std::make_unique<runtime::Interpreter>(*m);
  };
}

/// Compiled code: for the tests that run thousands of networks.
BackendPool::Factory compiled(std::shared_ptr<ir::Module> m) {
  return [m]() -> std::unique_ptr<runtime::Backend> {
    std::string error;
    auto jit = runtime::jitCompile(*m, m->name, codegen::NativeOptions{}, error);
    EXPECT_TRUE(jit) << error;
    return jit;
  };
}

const double *ptr(const void *state, int64_t offset) {
  return reinterpret_cast<const double *>(static_cast<const char *>(state) + offset);
}

/// Mean and standard error over rows of column p.
MeanSem column(const std::vector<std::vector<double>> &rows, size_t p) {
  std::vector<double> v;
  for (const auto &r : rows)
    v.push_back(r[p]);
  return meanSem(v);
}

/// Runs networks 0..M-1 of the training domain at `meta` with tangents.
/// Runs one network (weights and task trials fixed) with M independent
/// exploration-noise streams: the expectation both estimators target is
/// over the noise only, without the spread between networks.
std::vector<NetworkResult> runNetworks(Rig &rig, const std::vector<double> &meta, int64_t M,
                                       int64_t K, bool tangents = true, uint64_t network = 0) {
  std::vector<NetworkResult> out;
  auto ws = rig.runner.workspace(0);
  NetworkOptions opt;
  opt.trials = K;
  opt.tangents = tangents;
  for (int64_t i = 0; i < M; ++i) {
    opt.noiseStream = static_cast<uint64_t>(i + 1);
    out.push_back(
        rig.runner.run(networkSeed(7, SeedDomain::Training, 0, network), meta.data(), opt, *ws));
  }
  return out;
}

} // namespace

TEST(ScoreEstimator, ScoreIsNoiseOverSigmaTimesTheMeanSensitivity) {
  // x_{t+1} = x_t + alpha (-x_t + W r_t + Win u_t) + sigma xi_t: the score of
  // a trial is sum_t sum_i (xi_t[i] / sigma) alpha sum_j dW[i,j] r_t[j].
  const int64_t N = 6;
  auto m = differentiated(example("rnn_poly.plast"), ir::Estimator::Score, {{"N", N}});
  ASSERT_TRUE(m);
  codegen::NativeOptions native;
  std::string error;
  std::unique_ptr<runtime::Backend> jit = runtime::jitCompile(*m, "rnn_poly", native, error);
  ASSERT_TRUE(jit) << error;
  runtime::Interpreter interp(*m);
  for (runtime::Backend *backend : {static_cast<runtime::Backend *>(&interp), jit.get()}) {
    const runtime::ModelInfo &info = backend->info();
    ASSERT_EQ(info.estimator, "score");
    ASSERT_GE(info.scoreIndex, 0);
    const int64_t P = info.metaScalars;
    runtime::StateBuffer buffer(info);
    void *s = buffer.data();
    std::vector<double> theta(16, 0.0);
    theta[5] = 1.0;  // theta[1,1]
    theta[15] = 3.0; // theta[3,3]
    backend->init(s, theta.data(), 3);
    const runtime::QuantityInfo *x = info.find("x"), *W = info.find("W");
    double alpha = *ptr(s, info.find("dt")->offset) / *ptr(s, info.find("tau")->offset);
    double sigma = *ptr(s, info.find("sigma")->offset);
    std::vector<double> inputs(static_cast<size_t>(info.inputLength), 0.0),
        noise(static_cast<size_t>(N)), dR(static_cast<size_t>(P));
    for (int trial = 0; trial < 2; ++trial) { // the second trial has dW != 0
      backend->beginTrial(s);
      std::vector<double> expected(static_cast<size_t>(P), 0.0);
      for (int t = 0; t < 15; ++t) {
        inputs[0] = t < 5 ? 1.0 : 0.0;
        inputs[2] = -1.0;          // y
        inputs[3] = t >= 10;       // m
        for (int64_t i = 0; i < N; ++i)
          noise[i] = random::normal(11, trial, t * N + i, 0, 1);
        std::vector<double> r(static_cast<size_t>(N));
        for (int64_t j = 0; j < N; ++j)
          r[j] = std::tanh(ptr(s, x->offset)[j]);
        const double *dW = ptr(s, W->tangentOffset); // lane-major: [P][N][N]
        for (int64_t p = 0; p < P; ++p)
          for (int64_t i = 0; i < N; ++i) {
            double dmu = 0;
            for (int64_t j = 0; j < N; ++j)
              dmu += alpha * dW[(p * N + i) * N + j] * r[j];
            expected[p] += noise[i] / sigma * dmu;
          }
        backend->step(s, inputs.data(), noise.data());
      }
      backend->endTrial(s, dR.data());
      const double *score = ptr(s, info.quantities[info.scoreIndex].tangentOffset);
      double scale = 0;
      for (int64_t p = 0; p < P; ++p)
        scale = std::max(scale, std::fabs(expected[p]));
      if (trial == 1)
        ASSERT_GT(scale, 1e-6); // W has moved, so the score is not trivially 0
      for (int64_t p = 0; p < P; ++p)
        EXPECT_NEAR(score[p], expected[p], 1e-10 * std::max(scale, 1.0))
            << info.name << " trial " << trial << " lane " << p;
      // The reward -err/max(1, scored) reads only sampled states: no direct dR.
      for (double d : dR)
        EXPECT_EQ(d, 0.0);
    }
  }
}

TEST(ScoreEstimator, UnbiasedForADifferentiableReward) {
  // The same networks (seeds, so the same noise) under both estimators: each
  // is an unbiased estimate of dE[J]/dtheta, so their difference has mean 0.
  const std::map<std::string, int64_t> dims{{"N", 2}, {"D", 2}};
  Rig pathwise(loadShipped("cue_delay_response"),
               interpreters(differentiated(example("rnn_poly.plast"), ir::Estimator::Pathwise, dims)), 10);
  Rig score(loadShipped("cue_delay_response"),
            interpreters(differentiated(example("rnn_poly.plast"), ir::Estimator::Score, dims)), 10);
  const std::vector<double> theta = {0.0, 0.0, 0.0, 1.0}; // theta[1,1] = 2
  const int64_t M = 5000, K = 3;
  std::vector<NetworkResult> a = runNetworks(pathwise, theta, M, K);
  std::vector<NetworkResult> b = runNetworks(score, theta, M, K);
  std::vector<const NetworkResult *> nets;
  for (const NetworkResult &n : b) {
    ASSERT_FALSE(n.divergence);
    nets.push_back(&n);
  }
  // Leave one out: each rollout's baseline is the mean reward to go of the
  // others, which are independent of its noise (the estimate stays unbiased).
  std::vector<std::vector<double>> est = scoreFunctionGradients(nets, ScoreOptions{});
  std::vector<std::vector<double>> grad, diff;
  for (int64_t i = 0; i < M; ++i) {
    EXPECT_NEAR(a[i].meanReward, b[i].meanReward, 1e-9); // the same trajectories
    grad.push_back(a[i].grad);
    diff.push_back({});
    for (size_t p = 0; p < 4; ++p)
      diff.back().push_back(est[i][p] - a[i].grad[p]);
  }
  bool informative = false;
  for (size_t p = 0; p < 4; ++p) {
    MeanSem g = column(grad, p), d = column(diff, p), s = column(est, p);
    EXPECT_LT(std::fabs(d.mean), 3 * d.sem)
        << "theta lane " << p << ": pathwise " << g.mean << " +- " << g.sem << ", score "
        << s.mean << " +- " << s.sem;
    informative = informative || std::fabs(s.mean) > 4 * s.sem;
  }
  EXPECT_TRUE(informative) << "no meta scalar has a gradient the score estimate resolves";

  // Paired rollouts (streams 2i and 2i+1 of this one network): unbiased too.
  ScoreOptions pairs;
  pairs.baseline = ScoreOptions::Baseline::Pairs;
  std::vector<std::vector<double>> paired = scoreFunctionGradients(nets, pairs);
  ASSERT_EQ(paired.size(), static_cast<size_t>(M / 2));
  for (size_t p = 0; p < 4; ++p) {
    MeanSem x = column(paired, p), g = column(grad, p);
    EXPECT_LT(std::fabs(x.mean - g.mean), 3 * std::hypot(x.sem, g.sem)) << p;
  }

  // Without a baseline the mean is the same and the spread larger.
  ScoreOptions plain;
  plain.baseline = ScoreOptions::Baseline::None;
  std::vector<std::vector<double>> noBaseline = scoreFunctionGradients(nets, plain);
  for (size_t p = 0; p < 4; ++p) {
    MeanSem x = column(noBaseline, p), y = column(est, p);
    EXPECT_LT(std::fabs(x.mean - y.mean), 3 * x.sem) << p;
    EXPECT_LT(y.sem, x.sem) << p;
  }
}

TEST(ScoreEstimator, UnbiasedForAChoiceRewardAgainstFiniteDifferences) {
  // R = 1 for a correct choice, else 0 (examples/rnn_choice.plast): the
  // pathwise gradient is 0 almost everywhere, the score estimate is not, and
  // it matches d/dtheta of the expected reward measured by central
  // differences of the mean of J over the same networks.
  const std::map<std::string, int64_t> dims{{"N", 8}, {"D", 2}};
  Rig score(loadShipped("cue_delay_choice"),
            compiled(differentiated(example("rnn_choice.plast"), ir::Estimator::Score, dims)), 20);
  Rig primal(loadShipped("cue_delay_response"),
             compiled(differentiated(example("rnn_choice.plast"), ir::Estimator::Pathwise, dims)), 20);
  const std::vector<double> theta = {0.0, 0.0, 0.0, 2.0};
  const int64_t M = 3000, K = 5;
  const size_t lane = 3; // theta[1,1], the term that learns
  std::vector<NetworkResult> b = runNetworks(score, theta, M, K, true, 0);
  std::vector<const NetworkResult *> nets;
  for (const NetworkResult &n : b)
    nets.push_back(&n);
  std::vector<std::vector<double>> est = scoreFunctionGradients(nets, ScoreOptions{});
  // cue_delay_choice scores a trial as rnn_choice's R does (1 when the mean
  // output has the target's sign): --reward task gives the same estimate.
  ScoreOptions task;
  task.reward = RewardSource::Task;
  std::vector<std::vector<double>> viaTask = scoreFunctionGradients(nets, task);
  for (int64_t i = 0; i < M; ++i)
    EXPECT_NEAR(viaTask[i][lane], est[i][lane], 1e-12 * (1 + std::fabs(est[i][lane])));
  std::vector<NetworkResult> path = runNetworks(primal, theta, M, K, true, 0);
  double pathwise = 0;
  for (const NetworkResult &n : path)
    pathwise += std::fabs(n.grad[lane]);
  EXPECT_EQ(pathwise, 0.0); // a step function of the output

  const double h = 1.0;
  std::vector<double> up = theta, down = theta;
  up[lane] += h;
  down[lane] -= h;
  std::vector<NetworkResult> plus = runNetworks(primal, up, M, K, false, 0);
  std::vector<NetworkResult> minus = runNetworks(primal, down, M, K, false, 0);
  std::vector<std::vector<double>> diff;
  std::vector<double> fd;
  for (int64_t i = 0; i < M; ++i) {
    fd.push_back((plus[i].meanReward - minus[i].meanReward) / (2 * h));
    diff.push_back({est[i][lane] - fd.back()});
  }
  MeanSem s = column(est, lane), f = meanSem(fd), d = column(diff, 0);
  EXPECT_GT(std::fabs(f.mean), 3 * f.sem) << "the choice reward must depend on theta[1,1]";
  EXPECT_GT(std::fabs(s.mean), 3 * s.sem) << "the score estimate must resolve it";
  EXPECT_LT(std::fabs(d.mean), 3 * d.sem)
      << "score " << s.mean << " +- " << s.sem << ", finite differences " << f.mean << " +- " << f.sem;
}

//===- tests/unit/MetaLearnerTest.cpp - the meta-learning runtime ---------===//
//
// The runtime on hand-written backends (MetaFakes.h): the quadratic fake,
// whose J and dJ/dmeta are known in closed form, and docs/model.md's reference
// model with small N. Checked against independent computations: J from the
// noise drawn by hand, the gradient against central differences of the J
// the runtime itself measures, Adam reaching the known optimum; results
// identical bit for bit across thread counts and across a checkpoint;
// divergence reported with iteration, network, seed, trial and quantity;
// evaluation, logs and checkpoints.
//
//===----------------------------------------------------------------------===//
#include "MetaFakes.h"
#include "MetaRig.h"

#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/Logs.h"
#include "runtime/meta/MetaLearner.h"
#include "runtime/meta/ParallelFor.h"
#include "runtime/meta/Progress.h"
#include "runtime/meta/Seeds.h"
#include "runtime/tasks/Task.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

using namespace plasticc;
using namespace plasticc::meta;
using plasticc::testing::QuadraticBackend;
using plasticc::testing::ReferenceBackend;
using namespace plasticc::testing;

namespace {

MetaConfig config(int64_t iterations, int64_t batch, int64_t trials, int threads) {
  MetaConfig c;
  c.iterations = iterations;
  c.batch = batch;
  c.trials = trials;
  c.threads = threads;
  c.seed = 1234;
  c.adam.lr = 0.05;
  return c;
}

/// Records what the learner reports.
struct Recorder : TrainingObserver {
  std::vector<std::string> failures;
  std::vector<bool> skipped;
  int iterations = 0;
  void onFailure(const NetworkFailure &f, bool skip) override {
    failures.push_back(f.describe());
    skipped.push_back(skip);
  }
  bool onIteration(const IterationRecord &, const TrainingState &) override {
    ++iterations;
    return true;
  }
};

std::string tempDir(const std::string &name) {
  auto dir = std::filesystem::temp_directory_path() / ("plasticc-meta-test-" + name + "-" +
                                                        std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

} // namespace

TEST(NetworkRunner, FeedsTheTaskAndReadsTheOutputThroughTheQuantityTable) {
  Rig rig(loadShipped("cue_delay_response"), quadratic());
  auto ws = rig.runner.workspace(0);
  const double meta[2] = {0.3, -0.2};
  NetworkOptions opt;
  opt.trials = 4;
  NetworkResult res = rig.runner.run(77, meta, opt, *ws);
  ASSERT_FALSE(res.divergence);
  ASSERT_EQ(res.trials.size(), 4u);
  // Independently: the fake's z = W . u with W drawn from the seed and moved
  // by eta * theta after each trial; the task's reward is -mse of z vs y.
  double w0 = random::uniform(77, 0, 0, -1, 1), w1 = random::uniform(77, 0, 1, -1, 1);
  tasks::Trial trial;
  for (int k = 0; k < 4; ++k) {
    rig.gen.generate(taskSeed(77), k, trial);
    double err = 0, scored = 0;
    for (int t = 0; t < trial.steps; ++t) {
      double z = w0 * trial.u[2 * t] + w1 * trial.u[2 * t + 1];
      err += trial.m[t] * (z - trial.y[t]) * (z - trial.y[t]);
      scored += trial.m[t];
    }
    EXPECT_NEAR(res.trials[k].score.reward, -err / scored, 1e-14) << k;
    w0 += 0.05 * meta[0];
    w1 += 0.05 * meta[1];
  }
}

TEST(MetaLearner, MeasuresJFromTheNoiseAndTheExactGradient) {
  Rig rig(loadShipped("cue_delay_response"), quadratic());
  MetaLearner learner(rig.runner, config(1, 3, 4, 2));
  std::vector<double> meta{0.25, 0.5};
  IterationOutcome o = learner.measure(5, meta);
  // J by hand: R_k = -(t0 - 1)^2 - (t1 + 0.5)^2 + 0.01 * mean_t xi_t[1],
  // with xi drawn as Seeds.h documents.
  double J = 0;
  for (int b = 0; b < 3; ++b) {
    uint64_t seed = networkSeed(1234, SeedDomain::Training, 5, b);
    for (int k = 0; k < 4; ++k) {
      double s = 0;
      for (int t = 0; t < 50; ++t)
        s += random::normal(noiseSeed(seed), k, t * 3 + 1, 0, 1);
      J += -(0.25 - 1) * (0.25 - 1) - (0.5 + 0.5) * (0.5 + 0.5) + 0.01 * s / 50;
    }
  }
  J /= 12;
  EXPECT_NEAR(o.record.J, J, 1e-14);
  EXPECT_DOUBLE_EQ(o.record.grad[0], 1.5); // -2 (0.25 - 1)
  EXPECT_DOUBLE_EQ(o.record.grad[1], -2.0);
  EXPECT_DOUBLE_EQ(o.record.gradNorm, 2.5);
  EXPECT_EQ(o.record.networks, 3);
  EXPECT_EQ(o.record.iteration, 6);
}

TEST(MetaLearner, AdamFindsTheKnownOptimum) {
  Rig rig(loadShipped("cue_delay_response"), quadratic(), 10);
  MetaLearner learner(rig.runner, config(300, 2, 2, 2));
  TrainingState s = learner.initialState({0, 0});
  Recorder rec;
  std::string why;
  ASSERT_EQ(learner.train(s, rec, why), MetaLearner::Status::Completed) << why;
  EXPECT_EQ(rec.iterations, 300);
  EXPECT_NEAR(s.meta[0], 1.0, 0.02);
  EXPECT_NEAR(s.meta[1], -0.5, 0.02);
  EXPECT_GT(s.history.back().J, s.history.front().J + 1.0);
}

TEST(MetaLearner, FrozenScalarsKeepTheirValues) {
  Rig rig(loadShipped("cue_delay_response"), quadratic(), 10);
  MetaConfig c = config(100, 2, 2, 2);
  c.frozen = {false, true};
  MetaLearner learner(rig.runner, c);
  TrainingState s = learner.initialState({0, 0.25});
  Recorder rec;
  std::string why;
  ASSERT_EQ(learner.train(s, rec, why), MetaLearner::Status::Completed) << why;
  EXPECT_EQ(s.meta[1], 0.25);                   // not moved
  EXPECT_DOUBLE_EQ(s.history.back().grad[1], -1.5); // but its gradient is logged
  EXPECT_GT(s.meta[0], 0.5);                    // the other one learns
}

TEST(MetaLearner, GradientMatchesCentralDifferencesOfTheMeasuredJ) {
  // The runtime's J at a fixed meta-iteration is a deterministic function of
  // theta (same networks, trials and noise), so its tangent gradient must be
  // the derivative of that very function.
  Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 2));
  MetaLearner learner(rig.runner, config(1, 2, 3, 2));
  std::vector<double> theta{0.1, -0.2, 0.3, 0.5};
  IterationOutcome o = learner.measure(0, theta);
  for (int p = 0; p < 4; ++p) {
    const double h = 1e-5;
    std::vector<double> plus = theta, minus = theta;
    plus[p] += h;
    minus[p] -= h;
    double fd = (learner.measure(0, plus).record.J - learner.measure(0, minus).record.J) / (2 * h);
    EXPECT_NEAR(o.record.grad[p], fd, 1e-6 + 1e-4 * std::fabs(fd)) << "theta lane " << p;
  }
  EXPECT_GT(o.record.gradNorm, 1e-6); // not trivially zero
}

TEST(MetaLearner, ResultsDoNotDependOnTheThreadCount) {
  std::vector<TrainingState> runs;
  for (int threads : {1, 2, 3}) {
    Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 2));
    MetaLearner learner(rig.runner, config(3, 5, 3, threads));
    TrainingState s = learner.initialState({0.05, 0, 0, 0.05});
    Recorder rec;
    std::string why;
    ASSERT_EQ(learner.train(s, rec, why), MetaLearner::Status::Completed) << why;
    runs.push_back(std::move(s));
  }
  for (size_t i = 1; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].meta, runs[0].meta); // bit for bit
    for (size_t it = 0; it < runs[0].history.size(); ++it) {
      EXPECT_EQ(runs[i].history[it].J, runs[0].history[it].J);
      EXPECT_EQ(runs[i].history[it].grad, runs[0].history[it].grad);
    }
  }
  EXPECT_NE(runs[0].history[0].grad, runs[0].history[1].grad); // fresh networks each iteration
}

TEST(MetaLearner, ResumingFromACheckpointGivesTheUninterruptedResult) {
  std::string dir = tempDir("resume");
  Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 2));
  Recorder rec;
  std::string why, err;

  MetaLearner full(rig.runner, config(6, 2, 3, 2));
  TrainingState whole = full.initialState({0, 0, 0, 0});
  ASSERT_EQ(full.train(whole, rec, why), MetaLearner::Status::Completed);

  MetaLearner firstHalf(rig.runner, config(3, 2, 3, 2));
  TrainingState part = firstHalf.initialState({0, 0, 0, 0});
  ASSERT_EQ(firstHalf.train(part, rec, why), MetaLearner::Status::Completed);
  Checkpoint cp;
  cp.identity.modelName = "reference";
  cp.totalIterations = 6;
  cp.state = part;
  ASSERT_TRUE(writeCheckpoint(dir + "/checkpoint.json", cp, err)) << err;
  auto back = readCheckpoint(dir + "/checkpoint.json", err);
  ASSERT_TRUE(back) << err;
  TrainingState resumed = back->state;
  ASSERT_EQ(full.train(resumed, rec, why), MetaLearner::Status::Completed);

  EXPECT_EQ(resumed.iteration, 6);
  EXPECT_EQ(resumed.meta, whole.meta);
  EXPECT_EQ(resumed.adam.m, whole.adam.m);
  EXPECT_EQ(resumed.adam.v, whole.adam.v);
  ASSERT_EQ(resumed.history.size(), whole.history.size());
  for (size_t i = 0; i < whole.history.size(); ++i) {
    EXPECT_EQ(resumed.history[i].J, whole.history[i].J);
    EXPECT_EQ(resumed.history[i].grad, whole.history[i].grad);
  }
  // Atomic write: no temporary file is left behind.
  int files = 0;
  for (auto &e : std::filesystem::directory_iterator(dir))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

TEST(MetaLearner, CurriculumGrowsTheLifetimeGeometricallyThenHolds) {
  MetaConfig c;
  c.iterations = 21;
  c.trials = 200;
  c.curriculumStart = 0;
  EXPECT_EQ(trialsAt(c, 0), 200); // off
  c.curriculumStart = 10;
  // Ramp over the first 10 iterations: 10 * 20^(n/10).
  EXPECT_EQ(trialsAt(c, 0), 10);
  EXPECT_EQ(trialsAt(c, 5), std::lround(10 * std::sqrt(20.0)));
  EXPECT_EQ(trialsAt(c, 9), std::lround(10 * std::pow(20.0, 0.9)));
  EXPECT_EQ(trialsAt(c, 10), 200);
  EXPECT_EQ(trialsAt(c, 20), 200);
  for (int64_t n = 1; n < 21; ++n)
    EXPECT_GE(trialsAt(c, n), trialsAt(c, n - 1));

  // The runner is asked for that many trials, and the log row says so.
  Rig rig(loadShipped("cue_delay_response"), quadratic(), 10);
  MetaConfig m = config(4, 2, 8, 1);
  m.curriculumStart = 2;
  MetaLearner learner(rig.runner, m);
  IterationOutcome first = learner.measure(0, {0.1, 0.1});
  IterationOutcome later = learner.measure(3, {0.1, 0.1});
  EXPECT_EQ(first.record.trials, 2);
  EXPECT_EQ(later.record.trials, 8);
}

TEST(MetaLearner, WeightChangePenaltyAndItsGradient) {
  // The quadratic fake moves W by eta * theta at every reward event (eta =
  // 0.05, two weights), so the penalty is lambda * eta^2 (t0^2 + t1^2) / 2
  // per trial and its gradient lambda * eta^2 * theta.
  Rig rig(loadShipped("cue_delay_response"), quadratic(), 10);
  MetaConfig c = config(1, 3, 4, 1);
  MetaLearner plain(rig.runner, c);
  c.weightChangePenalty = 2.0;
  MetaLearner penalised(rig.runner, c);
  const std::vector<double> theta = {0.7, -1.3};
  IterationOutcome a = plain.measure(0, theta), b = penalised.measure(0, theta);
  const double eta2 = 0.05 * 0.05;
  double penalty = 2.0 * eta2 * (0.7 * 0.7 + 1.3 * 1.3) / 2;
  EXPECT_NEAR(b.record.penalty, penalty, 1e-15);
  EXPECT_NEAR(a.record.J - b.record.J, penalty, 1e-14);
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(a.record.grad[p] - b.record.grad[p], 2.0 * eta2 * theta[p], 1e-14) << p;
}

TEST(MetaLearner, DivergedNetworkIsNamedAndSkipped) {
  QuadraticBackend::Options o;
  o.badSeed = networkSeed(1234, SeedDomain::Training, 1, 1); // meta-iteration 2, network 1
  o.badTrial = 2;
  Rig rig(loadShipped("cue_delay_response"), quadratic(o), 10);
  MetaConfig c = config(3, 3, 4, 2);
  c.onDivergence = DivergencePolicy::Skip;
  MetaLearner learner(rig.runner, c);
  TrainingState s = learner.initialState({0, 0});
  Recorder rec;
  std::string why;
  ASSERT_EQ(learner.train(s, rec, why), MetaLearner::Status::Completed);
  ASSERT_EQ(rec.failures.size(), 1u);
  char seed[32];
  std::snprintf(seed, sizeof seed, "%#018llx", static_cast<unsigned long long>(o.badSeed));
  EXPECT_EQ(rec.failures[0], std::string("meta-iteration 2, network 1 (seed ") + seed +
                                 "), trial 3: W[1] is NaN");
  EXPECT_TRUE(rec.skipped[0]);
  EXPECT_EQ(s.history[1].networks, 2);
  EXPECT_EQ(s.history[1].skipped, 1);
  EXPECT_EQ(s.history[0].skipped, 0);
  EXPECT_TRUE(std::isfinite(s.meta[0]) && std::isfinite(s.meta[1]));
}

TEST(MetaLearner, PenalizePolicyCountsLostTrialsAtTheFloor) {
  // Meta-iteration 2's network 1 diverges in its third trial (of 4). Under
  // Penalize it counts: its two lost trials score the worst reward of any
  // completed trial of the iteration (or the stated penalty), with no
  // gradient. Expected J and gradient from the networks run one by one.
  QuadraticBackend::Options o;
  o.badSeed = networkSeed(1234, SeedDomain::Training, 1, 1);
  o.badTrial = 2;
  Rig rig(loadShipped("cue_delay_response"), quadratic(o), 10);
  MetaConfig c = config(3, 3, 4, 2); // Penalize: the default
  const std::vector<double> theta = {0.4, -0.2};
  std::vector<NetworkResult> nets;
  NetworkOptions opt;
  opt.trials = 4;
  auto ws = rig.runner.workspace(0);
  for (uint64_t b = 0; b < 3; ++b)
    nets.push_back(rig.runner.run(networkSeed(1234, SeedDomain::Training, 1, b), theta.data(),
                                  opt, *ws));
  ASSERT_TRUE(nets[1].divergence);
  ASSERT_EQ(nets[1].trials.size(), 2u);
  double floor = INFINITY;
  for (const NetworkResult &n : nets)
    for (const TrialRecord &t : n.trials)
      floor = std::min(floor, t.modelReward);
  auto expectedJ = [&](double penalty) {
    double J = 0;
    for (const NetworkResult &n : nets) {
      double sum = 0;
      for (const TrialRecord &t : n.trials)
        sum += t.modelReward;
      J += (sum + penalty * static_cast<double>(4 - n.trials.size())) / 4 / 3;
    }
    return J;
  };
  std::vector<double> grad(2, 0.0);
  for (const NetworkResult &n : nets)
    for (const TrialRecord &t : n.trials)
      for (size_t p = 0; p < 2; ++p)
        grad[p] += t.dR[p] / 4 / 3;

  IterationOutcome got = MetaLearner(rig.runner, c).measure(1, theta);
  EXPECT_EQ(got.record.networks, 3);
  EXPECT_EQ(got.record.skipped, 0);
  EXPECT_EQ(got.record.diverged, 1);
  ASSERT_EQ(got.failures.size(), 1u);
  EXPECT_EQ(got.record.divergencePenalty, floor);
  EXPECT_NEAR(got.record.J, expectedJ(floor), 1e-14);
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(got.record.grad[p], grad[p], 1e-14) << p;
  // Skip leaves it out instead: a different J.
  MetaConfig skip = config(3, 3, 4, 2);
  skip.onDivergence = DivergencePolicy::Skip;
  EXPECT_NE(MetaLearner(rig.runner, skip).measure(1, theta).record.J, got.record.J);

  c.divergencePenalty = -7.5;
  IterationOutcome stated = MetaLearner(rig.runner, c).measure(1, theta);
  EXPECT_EQ(stated.record.divergencePenalty, -7.5);
  EXPECT_NEAR(stated.record.J, expectedJ(-7.5), 1e-14);
}

TEST(MetaLearner, EvolutionStrategiesIsExactOnAQuadraticAndUnbiased) {
  // The quadratic fake's R is -sum_p (theta_p - target_p)^2 plus a noise term
  // that does not depend on theta, so with common random numbers an
  // antithetic pair's (J+ - J-) / (2 s) is exactly g . eps with g = -2
  // (theta - target): each network's estimate is (g . eps_b) eps_b, with
  // eps_b drawn here from the documented seed; frozen scalars get none.
  Rig rig(loadShipped("cue_delay_response"), quadratic(), 10);
  const std::vector<double> theta = {0.2, 0.3};
  const std::vector<double> g = {-2 * (0.2 - 1.0), -2 * (0.3 + 0.5)};
  MetaConfig c = config(1, 5, 3, 2);
  c.evolutionSigma = 0.05;
  IterationOutcome got = MetaLearner(rig.runner, c).measure(2, theta);
  std::vector<double> expected(2, 0.0);
  for (uint64_t b = 0; b < 5; ++b) {
    uint64_t s = perturbationSeed(networkSeed(1234, SeedDomain::Training, 2, b));
    double e0 = random::normal(s, 0, 0, 0.0, 1.0), e1 = random::normal(s, 0, 1, 0.0, 1.0);
    double dot = g[0] * e0 + g[1] * e1;
    expected[0] += dot * e0 / 5;
    expected[1] += dot * e1 / 5;
  }
  EXPECT_EQ(got.record.networks, 5);
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(got.record.grad[p], expected[p], 1e-10) << p;

  // Fitness shaping: each pair weighs eps_b by sign(g . eps_b) / (2 s).
  c.evolutionSign = true;
  IterationOutcome sign = MetaLearner(rig.runner, c).measure(2, theta);
  std::vector<double> signs(2, 0.0);
  for (uint64_t b = 0; b < 5; ++b) {
    uint64_t s = perturbationSeed(networkSeed(1234, SeedDomain::Training, 2, b));
    double e0 = random::normal(s, 0, 0, 0.0, 1.0), e1 = random::normal(s, 0, 1, 0.0, 1.0);
    double w = (g[0] * e0 + g[1] * e1 > 0 ? 1.0 : -1.0) / (2 * 0.05);
    signs[0] += w * e0 / 5;
    signs[1] += w * e1 / 5;
  }
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(sign.record.grad[p], signs[p], 1e-10) << p;
  c.evolutionSign = false;

  c.frozen = {true, false};
  IterationOutcome frozen = MetaLearner(rig.runner, c).measure(2, theta);
  EXPECT_EQ(frozen.record.grad[0], 0.0);

  // Unbiased: over 400 networks the mean is g within 3 standard errors
  // (the estimate's spread, computed from the same draws).
  c.frozen.clear();
  c.batch = 400;
  IterationOutcome many = MetaLearner(rig.runner, c).measure(0, theta);
  for (size_t p = 0; p < 2; ++p) {
    double sum2 = 0;
    for (uint64_t b = 0; b < 400; ++b) {
      uint64_t s = perturbationSeed(networkSeed(1234, SeedDomain::Training, 0, b));
      double e0 = random::normal(s, 0, 0, 0.0, 1.0), e1 = random::normal(s, 0, 1, 0.0, 1.0);
      double v = (g[0] * e0 + g[1] * e1) * (p == 0 ? e0 : e1);
      sum2 += v * v;
    }
    double sem = std::sqrt(sum2 / 400 - g[p] * g[p]) / std::sqrt(400.0);
    EXPECT_NEAR(many.record.grad[p], g[p], 3 * sem) << p;
  }
}

TEST(NetworkRunner, NamesTheLargestWeightPastTheBoundNotTheFirstInMemory) {
  // A runaway update is nearly rank one with saturated presynaptic rates, so
  // whole rows of W cross the bound in the same trial; naming the first
  // element in row-major order named column 0 (presynaptic unit 0) almost
  // every time. W[0] = 1e6 comes first in memory, W[1] = -3e6 is larger.
  QuadraticBackend::Options o;
  o.badSeed = 4242;
  o.badTrial = 1;
  o.nan = false;
  o.runaway1 = -3e6;
  Rig rig(loadShipped("cue_delay_response"), quadratic(o), 10);
  auto ws = rig.runner.workspace(0);
  const double meta[2] = {0.1, 0.1};
  NetworkOptions opt;
  opt.trials = 3;
  NetworkResult res = rig.runner.run(4242, meta, opt, *ws);
  ASSERT_TRUE(res.divergence);
  EXPECT_EQ(res.divergence->trial, 1);
  EXPECT_EQ(res.divergence->what, "W[1]");
  EXPECT_EQ(res.divergence->value, -3e6);
  EXPECT_EQ(res.divergence->over, 2);
  EXPECT_EQ(res.divergence->describe(),
            "trial 2: W[1] = -3e+06 exceeds the weight bound 1000 (--weight-bound), the largest of "
            "2 of its 2 elements past it");
}

TEST(MetaLearner, StopPolicyEndsBeforeTheUpdate) {
  QuadraticBackend::Options o;
  o.badSeed = networkSeed(1234, SeedDomain::Training, 1, 0);
  o.badTrial = 0;
  o.nan = false; // a runaway weight this time
  Rig rig(loadShipped("cue_delay_response"), quadratic(o), 10);
  MetaConfig c = config(5, 2, 2, 1);
  c.onDivergence = DivergencePolicy::Stop;
  MetaLearner learner(rig.runner, c);
  TrainingState s = learner.initialState({0, 0});
  Recorder rec;
  std::string why;
  ASSERT_EQ(learner.train(s, rec, why), MetaLearner::Status::Stopped);
  EXPECT_EQ(s.iteration, 1);
  EXPECT_EQ(s.history.size(), 1u);
  ASSERT_EQ(rec.failures.size(), 1u);
  EXPECT_FALSE(rec.skipped[0]);
  EXPECT_NE(why.find("meta-iteration 2, network 0"), std::string::npos) << why;
  EXPECT_NE(why.find("trial 1: W[0] = 1e+06 exceeds the weight bound 1000 (--weight-bound)"),
            std::string::npos)
      << why;
}

TEST(ModelBinding, TaskThatDoesNotFitTheModelIsALocatedError) {
  std::string err;
  auto task = tasks::parseTask(R"(dt = 1
inputs = 3
outputs = 1
[[epoch]]
name = "a"
duration = 2
scored = true
)",
                               "wide.toml", err);
  ASSERT_TRUE(task) << err;
  QuadraticBackend fake;
  EXPECT_FALSE(ModelBinding::make(fake.info(), *task, err));
  EXPECT_NE(err.find("wide.toml:2:10: error: task has inputs = 3 but model 'quadratic' declares "
                     "input 'u' with shape [2] (2 elements)"),
            std::string::npos)
      << err;

  runtime::ModelInfo info = fake.info();
  info.quantities.push_back({"extra", "input", {}, 4, -1});
  tasks::Task ok = loadShipped("cue_delay_response");
  EXPECT_FALSE(ModelBinding::make(info, ok, err));
  EXPECT_NE(err.find("model 'quadratic' has input 'extra' that task 'cue_delay_response' does not "
                     "provide"),
            std::string::npos)
      << err;

  info = fake.info();
  info.quantities.pop_back();
  info.quantities.pop_back(); // drop z
  info.quantities.push_back({"trials", "baseline", {}, 384, -1});
  EXPECT_FALSE(ModelBinding::make(info, ok, err));
  EXPECT_NE(err.find("has no output 'z'"), std::string::npos) << err;
}

TEST(ModelBinding, NamesMetaScalarsRowMajor) {
  ReferenceBackend ref(4, 4);
  tasks::Task task = loadShipped("cue_delay_response");
  std::string err;
  auto b = ModelBinding::make(ref.info(), task, err);
  ASSERT_TRUE(b) << err;
  EXPECT_EQ(b->metaScalars(), 16);
  EXPECT_EQ(b->metaScalarName(0), "theta[0,0]");
  EXPECT_EQ(b->metaScalarName(7), "theta[1,3]");
  EXPECT_EQ(b->metaIndex("theta[3,3]"), 15);
  EXPECT_EQ(b->metaIndex("theta[4,0]"), -1);
  EXPECT_EQ(elementName("W", {3, 5}, 7), "W[1,2]");
  EXPECT_EQ(elementName("R", {}, 0), "R");
}

TEST(Checkpoint, RoundTripsExactlyAndRejectsOtherRuns) {
  std::string dir = tempDir("checkpoint"), err;
  Checkpoint cp;
  cp.identity = {"m", "hash1", "t", "th", 4, 20, 50, 7, {0.01, 0.9, 0.999, 1e-8, 0}, 1e3, "skip", "", "pathwise", "model", "batch", 0, false, 0, std::numeric_limits<double>::quiet_NaN(), 0, ""};
  cp.totalIterations = 10;
  cp.state.iteration = 1;
  cp.state.meta = {0.1, 1.0 / 3.0, -2e-300};
  cp.state.adam = {{1e-17, 2, 3}, {4, 5, 6.000000000000001}, 1};
  IterationRecord r;
  r.iteration = 1;
  r.J = NAN; // survives as null
  r.meta = cp.state.meta;
  r.grad = {1, 2, 3};
  cp.state.history = {r};
  ASSERT_TRUE(writeCheckpoint(dir + "/c.json", cp, err)) << err;
  auto back = readCheckpoint(dir + "/c.json", err);
  ASSERT_TRUE(back) << err;
  EXPECT_EQ(back->state.meta, cp.state.meta);
  EXPECT_EQ(back->state.adam.m, cp.state.adam.m);
  EXPECT_EQ(back->state.adam.v, cp.state.adam.v);
  EXPECT_TRUE(std::isnan(back->state.history[0].J));
  EXPECT_EQ(back->identity.mismatch(cp.identity), "");

  RunIdentity other = cp.identity;
  other.batch = 8;
  EXPECT_EQ(cp.identity.mismatch(other), "--batch is 8 but the checkpoint was made with 4");
  other = cp.identity;
  other.modelHash = "hash2";
  EXPECT_NE(cp.identity.mismatch(other).find("the model (m: its source, the C++ files it imports or its -D values) differs"), std::string::npos);

  std::ofstream(dir + "/bad.json") << "{ not json";
  EXPECT_FALSE(readCheckpoint(dir + "/bad.json", err));
  EXPECT_NE(err.find("is malformed"), std::string::npos) << err;
  EXPECT_FALSE(readCheckpoint(dir + "/none.json", err));
  EXPECT_NE(err.find("cannot read checkpoint"), std::string::npos) << err;
  EXPECT_NE(err.find("no such file"), std::string::npos) << err;
  // Well-formed JSON with values no run writes: refused by meaning.
  Checkpoint negative = cp;
  negative.state.adam.v[0] = -1;
  ASSERT_TRUE(writeCheckpoint(dir + "/negative.json", negative, err)) << err;
  EXPECT_FALSE(readCheckpoint(dir + "/negative.json", err));
  EXPECT_NE(err.find("Adam's moments must be finite, the second one >= 0"), std::string::npos) << err;
  Checkpoint ahead = cp;
  ahead.state.adam.t = cp.state.iteration + 1;
  ASSERT_TRUE(writeCheckpoint(dir + "/ahead.json", ahead, err)) << err;
  EXPECT_FALSE(readCheckpoint(dir + "/ahead.json", err));
  EXPECT_NE(err.find("Adam's step count"), std::string::npos) << err;
  std::filesystem::remove_all(dir);
}

TEST(Logs, CsvAndRuleJson) {
  std::string dir = tempDir("logs"), err;
  ReferenceBackend ref(4, 2);
  tasks::Task task = loadShipped("cue_delay_response");
  auto b = ModelBinding::make(ref.info(), task, err);
  ASSERT_TRUE(b) << err;
  EXPECT_EQ(csvHeader(*b), "iteration,J,task_reward,grad_norm,networks,skipped,seconds,trials,penalty,"
                           "diverged,divergence_penalty,"
                           "\"theta[0,0]\",\"theta[0,1]\",\"theta[1,0]\",\"theta[1,1]\","
                           "\"dJ/dtheta[0,0]\",\"dJ/dtheta[0,1]\",\"dJ/dtheta[1,0]\","
                           "\"dJ/dtheta[1,1]\"");
  IterationRecord r;
  r.iteration = 1;
  r.J = -0.5;
  r.meta = {1, 2, 3, 4};
  r.grad = {0.5, 0, 0, -1};
  TrainingState s;
  s.iteration = 1;
  s.history = {r};
  {
    CsvLog log;
    ASSERT_TRUE(log.open(dir + "/log.csv", *b, s.history, err)) << err;
    r.iteration = 2;
    ASSERT_TRUE(log.append(r, err)) << err;
  }
  std::ifstream in(dir + "/log.csv");
  std::string line;
  int lines = 0;
  while (std::getline(in, line))
    ++lines;
  EXPECT_EQ(lines, 3);
  EXPECT_EQ(csvRow(r).substr(0, 8), "2,-0.5,0");

  Provenance prov;
  prov.run.taskName = "cue_delay_response";
  prov.run.seed = 7;
  prov.iterations = 1;
  prov.out = "/runs/a";
  ASSERT_TRUE(writeRuleJson(dir + "/rule.json", *b, {1, 2, 3, 4}, s, prov, err)) << err;
  std::ifstream rj(dir + "/rule.json");
  nlohmann::json j = nlohmann::json::parse(rj);
  EXPECT_EQ(j["meta"][0]["name"], "theta");
  EXPECT_EQ(j["meta"][0]["shape"], nlohmann::json::array({2, 2}));
  EXPECT_EQ(j["meta"][0]["values"], nlohmann::json::parse("[[1.0, 2.0], [3.0, 4.0]]"));
  EXPECT_EQ(j["scalars"]["theta[1,0]"], 3.0);
  EXPECT_EQ(j["provenance"]["seed"], 7);
  EXPECT_EQ(j["provenance"]["out"], "/runs/a");
  EXPECT_EQ(j["provenance"]["task"], "cue_delay_response");
  std::filesystem::remove_all(dir);
}

TEST(Progress, RendersIterationJGradientAndEta) {
  EXPECT_EQ(Progress::render(5, 10, -0.41234, 0.0123, 83),
            "[############............]    5/10  J -0.4123  |g| 1.23e-02  ETA 1m23s");
  EXPECT_EQ(Progress::render(0, 10, NAN, NAN, -1).substr(27), "   0/10  J --  |g| --  ETA --");
  EXPECT_EQ(Progress::render(3, 10, 0, 0, 1).substr(27), "   3/10  J 0  |g| 0.00e+00  ETA 0m01s");
  EXPECT_NE(Progress::render(1, 100, 0, 0, 7300).find("ETA 2h01m"), std::string::npos);
}

TEST(ParallelFor, RunsEveryIndexOnceAndPassesExceptionsOn) {
  std::vector<std::atomic<int>> hits(50);
  parallelFor(3, 50, [&](int64_t i, int worker) {
    EXPECT_LT(worker, 3);
    ++hits[i];
  });
  for (auto &h : hits)
    EXPECT_EQ(h.load(), 1);
  EXPECT_THROW(parallelFor(2, 10,
                           [](int64_t i, int) {
                             if (i == 7)
                               throw std::runtime_error("boom");
                           }),
               std::runtime_error);
}

TEST(BackendPool, OneBackendPerWorker) {
  int made = 0;
  BackendPool pool([&made]() -> std::unique_ptr<runtime::Backend> {
    ++made;
    return std::make_unique<QuadraticBackend>();
  });
  EXPECT_EQ(made, 1);
  EXPECT_EQ(&pool.forWorker(0), &pool.forWorker(0));
  EXPECT_NE(&pool.forWorker(0), &pool.forWorker(2));
  EXPECT_EQ(made, 3);
  EXPECT_EQ(pool.info().name, "quadratic");
}

TEST(ModelBinding, FeedsTheTrialTypeOneHotAndTheTrialIndex) {
  std::string err;
  auto task = tasks::parseTask(R"(dt = 1
inputs = 2
outputs = 1
order = "cycle"
[conditions]
sample = [0, 1]
test = [0, 1]
[[epoch]]
name = "a"
duration = 2
input = ["sample", "test"]
scored = true
)",
                               "dnms.toml", err);
  ASSERT_TRUE(task) << err;
  QuadraticBackend fake;
  runtime::ModelInfo info = fake.info();
  const int64_t at = info.inputLength;
  info.quantities.push_back({"condition", "input", {4}, at, -1});
  info.quantities.push_back({"trial", "input", {}, at + 4, -1});
  info.inputLength += 5;
  auto b = ModelBinding::make(info, *task, err);
  ASSERT_TRUE(b) << err;
  tasks::TaskGenerator gen(*task);
  tasks::Trial trial;
  std::vector<double> in(static_cast<size_t>(info.inputLength));
  for (uint64_t k = 0; k < 6; ++k) {
    gen.generate(9, k, trial);
    b->fillInputs(trial, 1, in.data());
    for (int64_t c = 0; c < 4; ++c)
      EXPECT_EQ(in[static_cast<size_t>(at + c)], c == static_cast<int64_t>(k % 4) ? 1.0 : 0.0)
          << "trial " << k << ", type " << c;
    EXPECT_EQ(in[static_cast<size_t>(at + 4)], static_cast<double>(k));
  }

  info.quantities[info.quantities.size() - 2].shape = {3};
  EXPECT_FALSE(ModelBinding::make(info, *task, err));
  EXPECT_NE(err.find("dnms.toml:6:1: error: task has 4 trial types: sample (2) x test (2) but "
                     "model 'quadratic' declares input 'condition' with shape [3] (3 elements)"),
            std::string::npos)
      << err;
}

//===- tests/unit/NeuroGymTaskTest.cpp - the NeuroGym tasks as defined ----===//
//
// examples/tasks/neurogym/*.toml against the definitions they follow
// (neurogym/envs/native/*.py and neurogym/core.py), written out here by
// hand: over many seeded trials, the period lengths and their
// distributions, the channel values, the input noise's standard deviation,
// the share of each condition, and the reward of each kind of response.
// Statistical checks allow 5 standard errors (fixed seeds: a failure is a
// real difference, not bad luck, at about 1 in 10^6 per check).
//
//===----------------------------------------------------------------------===//
#include "runtime/tasks/Scoring.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

using namespace plasticc::tasks;

namespace {

const std::string kDir = std::string(PLASTICC_SOURCE_DIR) + "/examples/tasks/neurogym/";
constexpr uint64_t kSeed = 20261206;
constexpr int kTrials = 20000;

Task load(const std::string &name) {
  std::string err;
  auto t = loadTask(kDir + name + ".toml", err);
  EXPECT_TRUE(t) << err;
  return t ? std::move(*t) : Task{};
}

/// Running mean and standard deviation of a sample.
struct Moments {
  double n = 0, sum = 0, sq = 0;
  void add(double x) { n += 1, sum += x, sq += x * x; }
  double mean() const { return sum / n; }
  double sd() const { return std::sqrt(std::max(0.0, sq / n - mean() * mean())); }
};

/// A fraction p estimated from n draws is within 5 standard errors of `want`.
void expectShare(double count, double n, double want, const std::string &what) {
  double se = std::sqrt(want * (1 - want) / n);
  EXPECT_NEAR(count / n, want, 5 * se) << what;
}

/// Noise of sd `sd` measured from `m` (residuals around the noise-free
/// value): its mean is 0 and its sd `sd`, each within 5 standard errors.
void expectNoise(const Moments &m, double sd, const std::string &what) {
  ASSERT_GT(m.n, 1000) << what;
  EXPECT_NEAR(m.mean(), 0.0, 5 * sd / std::sqrt(m.n)) << what;
  EXPECT_NEAR(m.sd(), sd, 5 * sd / std::sqrt(2 * m.n)) << what;
}

/// Outputs [T, O] that fixate everywhere (output 0 largest) but choose
/// `action` at step `at` (-1: never).
std::vector<double> respond(const Trial &trial, int64_t O, int64_t at, int action) {
  std::vector<double> z(static_cast<size_t>(trial.steps * O), 0.0);
  for (int64_t t = 0; t < trial.steps; ++t)
    z[t * O + (t == at ? action : 0)] = 1.0;
  return z;
}

double cond(const Task &task, const Trial &trial, const std::string &name) {
  for (size_t c = 0; c < task.conditions.size(); ++c)
    if (task.conditions[c].name == name)
      return trial.conditions[c];
  ADD_FAILURE() << "no condition " << name;
  return 0;
}

} // namespace

// PerceptualDecisionMaking: fixation 100, stimulus 2000, decision 100 ms at
// dt = 100; stimulus cos(theta_i - theta_gt) coh / 200 + 0.5 plus noise of
// sd 1 / sqrt(100); fixation cue in the fixation period only.
TEST(NeuroGymTasks, PerceptualDecisionMakingAsDefined) {
  Task task = load("perceptual_decision_making");
  TaskGenerator gen(task);
  ASSERT_EQ(gen.steps(), 22);
  Trial tr;
  Moments noise;
  std::map<double, double> cohCount;
  double gt1 = 0;
  for (int k = 0; k < kTrials; ++k) {
    gen.generate(kSeed, k, tr);
    ASSERT_EQ(tr.bounds, (std::vector<int64_t>{0, 1, 21, 22}));
    int gt = static_cast<int>(cond(task, tr, "gt"));
    double coh = cond(task, tr, "coh");
    gt1 += gt;
    cohCount[coh] += 1;
    for (int64_t t = 0; t < 22; ++t) {
      EXPECT_EQ(tr.u[t * 3], t == 0 ? 1.0 : 0.0);
      for (int i = 1; i <= 2; ++i) {
        double clean = t >= 1 && t < 21 ? 0.5 + (i - 1 == gt ? 1 : -1) * coh / 200 : 0.0;
        if (t >= 1 && t < 21)
          noise.add(tr.u[t * 3 + i] - clean);
        else
          EXPECT_EQ(tr.u[t * 3 + i], 0.0);
      }
      EXPECT_EQ(tr.answer[t], t == 21 ? 1 + gt : 0);
      EXPECT_EQ(tr.y[t * 3 + (t == 21 ? 1 + gt : 0)], 1.0);
    }
    EXPECT_EQ(tr.choice, 1 + gt);
  }
  expectNoise(noise, 0.1, "stimulus noise sd sigma / sqrt(dt)");
  expectShare(gt1, kTrials, 0.5, "gt = 1");
  ASSERT_EQ(cohCount.size(), 5u);
  for (const auto &[coh, n] : cohCount)
    expectShare(n, kTrials, 0.2, "coh = " + std::to_string(coh));

  gen.generate(kSeed, 0, tr);
  const int gt = 1 + static_cast<int>(cond(task, tr, "gt"));
  auto score = [&](int64_t at, int action) {
    return scoreTrial(task, tr, respond(tr, 3, at, action).data());
  };
  TrialScore s = score(21, gt);
  EXPECT_DOUBLE_EQ(s.reward, 1.0); // correct
  EXPECT_TRUE(s.correct);
  EXPECT_EQ(s.choice, gt);
  s = score(21, 3 - gt);
  EXPECT_DOUBLE_EQ(s.reward, 0.0); // fail
  EXPECT_FALSE(s.correct);
  s = score(-1, 0);
  EXPECT_DOUBLE_EQ(s.reward, 0.0); // no response: nothing (miss = 0)
  EXPECT_FALSE(s.correct);
  EXPECT_EQ(s.choice, 0);
  s = score(0, gt);
  EXPECT_DOUBLE_EQ(s.reward, -0.1); // a break of fixation, then no response
  s = score(5, gt);
  EXPECT_DOUBLE_EQ(s.reward, 0.0); // responding in the stimulus period neither costs nor counts
  EXPECT_FALSE(s.correct);
  // Breaking fixation costs 0.1 and the trial goes on (abort = False).
  std::vector<double> z = respond(tr, 3, 21, gt);
  z[0] = 0, z[gt] = 1;
  s = scoreTrial(task, tr, z.data());
  EXPECT_DOUBLE_EQ(s.reward, 0.9);
  EXPECT_TRUE(s.correct);
}

// DelayMatchSample: fixation 300, sample 500, delay 1000, test 500,
// decision 900 ms; fixation cue until the decision; sample and test
// cos(theta_i - theta) 0.5 + 0.5 with noise; answer 1 match, 2 non-match.
TEST(NeuroGymTasks, DelayMatchSampleAsDefined) {
  Task task = load("delay_match_sample");
  TaskGenerator gen(task);
  ASSERT_EQ(gen.steps(), 32);
  Trial tr;
  Moments noise;
  double match = 0, sample1 = 0;
  for (int k = 0; k < kTrials / 4; ++k) {
    gen.generate(kSeed, k, tr);
    ASSERT_EQ(tr.bounds, (std::vector<int64_t>{0, 3, 8, 18, 23, 32}));
    int gt = static_cast<int>(cond(task, tr, "gt"));
    int sample = static_cast<int>(cond(task, tr, "sample"));
    int test = gt == 1 ? sample : 1 - sample;
    match += gt == 1;
    sample1 += sample;
    for (int64_t t = 0; t < 32; ++t) {
      EXPECT_EQ(tr.u[t * 3], t < 23 ? 1.0 : 0.0);
      bool inSample = t >= 3 && t < 8, inTest = t >= 18 && t < 23;
      for (int i = 1; i <= 2; ++i) {
        if (inSample || inTest) {
          int dir = inSample ? sample : test;
          noise.add(tr.u[t * 3 + i] - (i - 1 == dir ? 1.0 : 0.0));
        } else {
          EXPECT_EQ(tr.u[t * 3 + i], 0.0);
        }
      }
      EXPECT_EQ(tr.answer[t], t >= 23 ? gt : 0);
    }
  }
  expectNoise(noise, 0.1, "sample and test noise");
  expectShare(match, kTrials / 4, 0.5, "match trials");
  expectShare(sample1, kTrials / 4, 0.5, "sample direction pi");

  gen.generate(kSeed, 1, tr);
  const int gt = static_cast<int>(cond(task, tr, "gt"));
  EXPECT_DOUBLE_EQ(scoreTrial(task, tr, respond(tr, 3, 30, gt).data()).reward, 1.0);
  EXPECT_DOUBLE_EQ(scoreTrial(task, tr, respond(tr, 3, 23, 3 - gt).data()).reward, 0.0);
  EXPECT_DOUBLE_EQ(scoreTrial(task, tr, respond(tr, 3, 2, gt).data()).reward, -0.1);
}

// GoNogo: stimulus 500, delay 500, decision 500 ms; no-go / go cue on
// channels 1 / 2; rewards correct +1, fail -0.5, miss -0.5 on go trials,
// and a withheld no-go trial earns 0 but is correct.
TEST(NeuroGymTasks, GoNogoAsDefined) {
  Task task = load("go_nogo");
  TaskGenerator gen(task);
  ASSERT_EQ(gen.steps(), 15);
  Trial tr;
  double go = 0;
  std::map<int, bool> seen;
  for (int k = 0; k < kTrials / 4; ++k) {
    gen.generate(kSeed, k, tr);
    int gt = static_cast<int>(cond(task, tr, "gt"));
    go += gt;
    for (int64_t t = 0; t < 15; ++t) {
      EXPECT_EQ(tr.u[t * 3], t < 10 ? 1.0 : 0.0);
      EXPECT_EQ(tr.u[t * 3 + 1], t < 5 && gt == 0 ? 1.0 : 0.0);
      EXPECT_EQ(tr.u[t * 3 + 2], t < 5 && gt == 1 ? 1.0 : 0.0);
    }
    if (seen[gt])
      continue;
    seen[gt] = true;
    TrialScore respond12 = scoreTrial(task, tr, respond(tr, 2, 12, 1).data());
    TrialScore withhold = scoreTrial(task, tr, respond(tr, 2, -1, 0).data());
    TrialScore early = scoreTrial(task, tr, respond(tr, 2, 3, 1).data());
    EXPECT_DOUBLE_EQ(respond12.reward, gt ? 1.0 : -0.5);
    EXPECT_EQ(respond12.correct, gt == 1);
    EXPECT_DOUBLE_EQ(withhold.reward, gt ? -0.5 : 0.0);
    EXPECT_EQ(withhold.correct, gt == 0);
    EXPECT_DOUBLE_EQ(early.reward, withhold.reward); // no fixation period: nothing aborts
  }
  EXPECT_EQ(seen.size(), 2u);
  expectShare(go, kTrials / 4, 0.5, "go trials");
}

// ContextDecisionMaking (explicit context): the delay is an exponential of
// mean 600 ms truncated to [300, 3000) and rounded down to dt = 100 ms; its
// distribution over whole steps is written out here from the definition.
TEST(NeuroGymTasks, ContextDecisionMakingDelayAndChannels) {
  Task task = load("context_decision_making");
  TaskGenerator gen(task);
  EXPECT_EQ(gen.steps(), 0); // drawn per trial
  Trial tr;
  std::map<int64_t, double> delay;
  Moments noise;
  double context1 = 0;
  for (int k = 0; k < kTrials; ++k) {
    gen.generate(kSeed, k, tr);
    int64_t d = tr.bounds[3] - tr.bounds[2];
    delay[d] += 1;
    ASSERT_EQ(tr.bounds[2], 10);
    ASSERT_EQ(tr.steps, 10 + d + 1);
    EXPECT_EQ(tr.vars[task.timeVar() + 3], d * 100.0); // dur_delay
    int gt = static_cast<int>(cond(task, tr, "gt")), other = static_cast<int>(cond(task, tr, "other"));
    int ctx = static_cast<int>(cond(task, tr, "context"));
    double coh1 = cond(task, tr, "coh_1"), coh2 = cond(task, tr, "coh_2");
    context1 += ctx;
    int dir1 = ctx == 0 ? gt : other, dir2 = ctx == 0 ? other : gt; // directions 1, 2
    for (int64_t t = 0; t < tr.steps; ++t) {
      const double *u = &tr.u[t * 7];
      EXPECT_EQ(u[0], t < 3 ? 1.0 : 0.0);
      EXPECT_EQ(u[5], ctx == 0 ? 1.0 : 0.0);
      EXPECT_EQ(u[6], ctx == 1 ? 1.0 : 0.0);
      for (int i = 0; i < 4; ++i) {
        if (t < 3 || t >= 10) {
          EXPECT_EQ(u[1 + i], 0.0);
          continue;
        }
        int dir = i < 2 ? dir1 : dir2;
        double coh = i < 2 ? coh1 : coh2;
        noise.add(u[1 + i] - (0.5 + ((i % 2) + 1 == dir ? 1 : -1) * coh / 200));
      }
      EXPECT_EQ(tr.answer[t], t == tr.steps - 1 ? gt : 0);
    }
  }
  expectNoise(noise, 0.1, "stimulus noise");
  expectShare(context1, kTrials, 0.5, "context 2");
  // P(k steps) = P(100 k <= X < 100 (k + 1)) for X exponential of mean 600
  // conditioned on [300, 3000).
  const double z = std::exp(-300.0 / 600) - std::exp(-3000.0 / 600);
  double mean = 0, second = 0;
  for (int64_t k = 3; k < 30; ++k) {
    double p = (std::exp(-100.0 * k / 600) - std::exp(-100.0 * (k + 1) / 600)) / z;
    mean += k * p;
    second += k * k * p;
    expectShare(delay[k], kTrials, p, "delay of " + std::to_string(k) + " steps");
  }
  EXPECT_EQ(delay.begin()->first, 3);
  EXPECT_LE(delay.rbegin()->first, 29);
  double got = 0;
  for (const auto &[k, n] : delay)
    got += static_cast<double>(k) * n / kTrials;
  EXPECT_NEAR(got, mean, 5 * std::sqrt((second - mean * mean) / kTrials));
}

// DelayComparison: fixation 500, stimulus1 500, delay 1000, stimulus2 500,
// decision 100 ms; represent(v) = (1 + (v - 10) / 24) / 2; noise on every
// channel in the stimulus periods.
TEST(NeuroGymTasks, DelayComparisonAsDefined) {
  Task task = load("delay_comparison");
  TaskGenerator gen(task);
  ASSERT_EQ(gen.steps(), 26);
  Trial tr;
  Moments noise;
  std::map<int, double> pairs;
  for (int k = 0; k < kTrials / 4; ++k) {
    gen.generate(kSeed, k, tr);
    int gt = static_cast<int>(cond(task, tr, "gt")), pair = static_cast<int>(cond(task, tr, "pair"));
    pairs[pair] += 1;
    double f1 = 18 + 4 * pair, f2 = 10 + 4 * pair;
    double v1 = gt == 1 ? f1 : f2, v2 = gt == 1 ? f2 : f1;
    auto represent = [](double v) { return (1 + (v - 10) / 24) / 2; };
    for (int64_t t = 0; t < 26; ++t) {
      bool s1 = t >= 5 && t < 10, s2 = t >= 20 && t < 25;
      double fix = t < 25 ? 1.0 : 0.0;
      double stim = s1 ? represent(v1) : s2 ? represent(v2) : 0.0;
      if (s1 || s2) {
        noise.add(tr.u[t * 2] - fix);
        noise.add(tr.u[t * 2 + 1] - stim);
      } else {
        EXPECT_EQ(tr.u[t * 2], fix);
        EXPECT_EQ(tr.u[t * 2 + 1], 0.0);
      }
    }
    EXPECT_EQ(tr.answer[25], gt);
  }
  expectNoise(noise, 0.1, "noise on both channels");
  ASSERT_EQ(pairs.size(), 5u);
  for (const auto &[p, n] : pairs)
    expectShare(n, kTrials / 4, 0.2, "pair " + std::to_string(p));
}

// ReadySetGo at dt = 80: M = uniform[800, 1500) rounded down to 80 ms, the
// set cue M after the fixation period, production 2 M; a go eps = |t_prod -
// M| from the set cue's onset earns max(0.1, (1 - eps / (0.2 M + 25))^1.5)
// within the margin, 0 beyond it.
TEST(NeuroGymTasks, ReadySetGoTimingAndGradedReward) {
  Task task = load("ready_set_go");
  TaskGenerator gen(task);
  Trial tr;
  std::map<int64_t, double> measure;
  for (int k = 0; k < kTrials; ++k) {
    gen.generate(kSeed, k, tr);
    int64_t M = (tr.bounds[3] - tr.bounds[1]) * 80; // ready + measure epochs
    measure[M] += 1;
    ASSERT_EQ(tr.bounds[1], 1);
    ASSERT_EQ(tr.bounds[2], 2);
    ASSERT_EQ(tr.bounds[4] - tr.bounds[3], 1);
    ASSERT_EQ(tr.steps, 2 + 3 * M / 80); // NeuroGym: production ends at 160 + 3 M ms
    EXPECT_EQ(M, static_cast<int64_t>(std::floor(cond(task, tr, "measure") / 80)) * 80);
    // NeuroGym's ground truth: go at the one step M into production.
    for (int64_t t = tr.bounds[4]; t < tr.steps; ++t)
      EXPECT_EQ(tr.y[t * 2 + 1], (t - tr.bounds[4]) * 80 == M ? 1.0 : 0.0);
  }
  for (int64_t j = 10; j <= 18; ++j) {
    double width = std::min<double>(1500, 80.0 * (j + 1)) - 80.0 * j;
    expectShare(measure[80 * j], kTrials, width / 700, "M = " + std::to_string(80 * j));
  }
  EXPECT_EQ(measure.size(), 9u);

  gen.generate(kSeed, 3, tr);
  const int64_t M = (tr.bounds[3] - tr.bounds[1]) * 80, start = tr.bounds[4];
  const double margin = 0.2 * M + 25;
  for (int64_t i = 0; start + i < tr.steps; ++i) {
    double eps = std::fabs(80.0 * i + 80 - M);
    double want = eps > margin ? 0.0 : std::max(0.1, std::pow(1 - eps / margin, 1.5));
    TrialScore s = scoreTrial(task, tr, respond(tr, 2, start + i, 1).data());
    EXPECT_DOUBLE_EQ(s.reward, want) << "go " << i << " steps into production";
    EXPECT_EQ(s.correct, eps <= margin);
  }
  EXPECT_DOUBLE_EQ(scoreTrial(task, tr, respond(tr, 2, 0, 1).data()).reward, -0.1);
}

// The threshold read: the largest response output if it passes the
// threshold, else fixation.
TEST(NeuroGymTasks, ActionsAreReadByArgmaxOrThreshold) {
  ActionSpec a;
  a.names = {"fixate", "left", "right"};
  const double z1[] = {0.9, 0.2, 0.7}, z2[] = {0.1, 0.3, 0.3}, z3[] = {5, 0.4, 0.6};
  EXPECT_EQ(readAction(a, z1), 0);
  EXPECT_EQ(readAction(a, z2), 1); // ties go to the lower action
  a.read = ActionSpec::Read::Threshold;
  a.threshold = 0.5;
  EXPECT_EQ(readAction(a, z1), 2);
  EXPECT_EQ(readAction(a, z2), 0);
  EXPECT_EQ(readAction(a, z3), 2); // the fixation output is not read
}

// abort_ends_trial: the first break of fixation costs `abort` and ends the
// scoring (a later correct response earns nothing); without it, each step
// of broken fixation costs `abort` and the trial goes on.
TEST(NeuroGymTasks, AbortEndsTheTrialOnlyWhenAsked) {
  auto make = [](bool ends) {
    std::string err;
    auto t = parseTask(std::string(R"(dt = 100
inputs = 1
outputs = 2
[actions]
names = ["fixate", "go"]
abort_ends_trial = )") + (ends ? "true" : "false") + R"(
[[epoch]]
name = "fixation"
duration = 300
fixate = true
[[epoch]]
name = "decision"
duration = 200
answer = 1
scored = true
)",
                       "abort.toml", err);
    EXPECT_TRUE(t) << err;
    return std::move(*t);
  };
  for (bool ends : {false, true}) {
    Task task = make(ends);
    TaskGenerator gen(task);
    Trial tr;
    gen.generate(1, 0, tr);
    std::vector<double> z = respond(tr, 2, 3, 1); // the correct go at the decision
    z[0] = 0, z[1] = 1;                           // breaks fixation at steps 0 and 1
    z[2] = 0, z[3] = 1;
    TrialScore s = scoreTrial(task, tr, z.data());
    EXPECT_DOUBLE_EQ(s.reward, ends ? -0.1 : -0.2 + 1.0) << "abort_ends_trial = " << ends;
    EXPECT_EQ(s.correct, !ends);
  }
}

// A trial without a response is correct only where fixation is the answer
// throughout (GoNogo's no-go); in ReadySetGo a go was due, so silence is
// wrong, as NeuroGym's performance stays 0 (found by a review).
TEST(NeuroGymTasks, SilenceIsCorrectOnlyWhereFixationIsTheAnswer) {
  Task rsg = load("ready_set_go");
  TaskGenerator gen(rsg);
  Trial tr;
  for (int k = 0; k < 20; ++k) {
    gen.generate(kSeed, k, tr);
    TrialScore s = scoreTrial(rsg, tr, respond(tr, 2, -1, 0).data());
    EXPECT_FALSE(s.correct) << "trial " << k;
    EXPECT_DOUBLE_EQ(s.reward, 0.0);
  }
}

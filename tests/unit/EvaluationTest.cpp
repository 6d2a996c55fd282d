//===- tests/unit/EvaluationTest.cpp - judging rules on held-out networks -===//
//
// The evaluation of docs/runtime.md "Evaluation", on the fake backends of
// MetaFakes.h and the reference model with small N. Each figure is checked
// against an independent computation: statistics against hand-computed
// values, the learning-rate search against a function whose optimum is
// known, held-out aggregates against networks run one by one here, the
// divergence penalty against the trial rewards it replaces, and the
// verdict against paired differences computed in the test.
//
//===----------------------------------------------------------------------===//
#include "MetaRig.h"

#include "runtime/meta/Evaluation.h"
#include "runtime/meta/Report.h"
#include "runtime/meta/Seeds.h"
#include "runtime/meta/Statistics.h"
#include "runtime/meta/Tuning.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace plasticc;
using namespace plasticc::meta;
using namespace plasticc::testing;

namespace {

/// A task whose target is 0.3 throughout: with the quadratic fake's
/// rewardFromEta, the task reward is -(eta * sum(theta) - 0.3)^2 per trial.
tasks::Task constantTarget() {
  std::string err;
  auto task = tasks::parseTask(R"(dt = 1
inputs = 2
outputs = 1
[[epoch]]
name = "hold"
duration = 5
target = [0.3]
scored = true
)",
                               "const.toml", err);
  EXPECT_TRUE(task) << err;
  return std::move(*task);
}

RuleResult withPerNetwork(const char *name, std::vector<double> perNetwork, bool candidate) {
  RuleResult r;
  r.rule.name = name;
  r.rule.candidate = candidate;
  r.perNetwork = perNetwork;
  r.meanReward = meanSem(perNetwork);
  return r;
}

} // namespace

TEST(Statistics, MeanSemAndPairedDifference) {
  MeanSem m = meanSem({1, 2, 3, 6});
  EXPECT_DOUBLE_EQ(m.mean, 3);
  // Sample variance (4 + 1 + 0 + 9) / 3 = 14/3; standard error sqrt(14/3/4).
  EXPECT_NEAR(m.sem, std::sqrt(14.0 / 12.0), 1e-15);
  EXPECT_TRUE(std::isnan(meanSem({1}).sem));
  EXPECT_TRUE(std::isnan(meanSem({}).mean));
  MeanSem d = pairedDifference({1, 2, 3}, {0, 2, 1});
  EXPECT_DOUBLE_EQ(d.mean, 1);
  EXPECT_EQ(d.n, 3);
}

TEST(Statistics, TrialsToCriterionIsTheEndOfTheFirstGoodWindow) {
  // Window 4, 75%: needs 3 of 4. Correct at trials 3, 5, 6 (1-based) first
  // gives 3 of the window 3..6, which ends at trial 6.
  std::vector<bool> c = {false, false, true, false, true, true, false, true};
  EXPECT_EQ(trialsToCriterion(c, 4, 0.75), 6);
  EXPECT_EQ(trialsToCriterion(c, 4, 1.0), -1);
  EXPECT_EQ(trialsToCriterion(c, 9, 0.1), -1); // fewer trials than the window
  // 95% of 100 is 95, not 96 (floating point: 0.95 * 100 = 95.00000000000001).
  std::vector<bool> ninetyFive(100, true);
  for (int k = 0; k < 5; ++k)
    ninetyFive[k * 20] = false;
  EXPECT_EQ(trialsToCriterion(ninetyFive, 100, 0.95), 100);
}

TEST(Statistics, QuartilesCountNetworksThatNeverReachTheCriterionAsLargest) {
  Quartiles q = criterionQuartiles({40, -1, 10, 30, 20, -1, -1, 50});
  // Sorted: 10 20 30 40 50 inf inf inf; lower order statistics at ceil(q n).
  EXPECT_EQ(q.q1, 20);
  EXPECT_EQ(q.median, 40);
  EXPECT_EQ(q.q3, -1);
  EXPECT_EQ(q.reached, 5);
  EXPECT_EQ(q.n, 8);
}

TEST(Tuning, GoldenSectionFindsTheOptimumBetweenGridPoints) {
  // A smooth objective in log(scale) with its maximum at 7, between the
  // grid points 3 and 10.
  int calls = 0;
  auto score = [&](double s) {
    ++calls;
    double u = std::log(s) - std::log(7.0);
    return -u * u;
  };
  TuneConfig c;
  c.refine = 12;
  TuneResult r = tuneScale(score, c);
  EXPECT_EQ(calls, 9 + 12);
  EXPECT_EQ(r.tried.size(), 21u);
  // The bracket [3, 30] shrinks by 0.618^11 in log scale: log(10) * 0.0050.
  EXPECT_NEAR(std::log(r.scale), std::log(7.0), 0.02);
  EXPECT_NEAR(r.score, 0, 4e-4);

  c.refine = 0; // the grid alone picks 10
  EXPECT_DOUBLE_EQ(tuneScale(score, c).scale, 10);
}

TEST(Tuning, ExtendsTheGridPastAnEdgeAndTreatsNaNAsWorst) {
  auto score = [](double s) { return s > 5000 ? std::nan("") : -std::fabs(std::log(s / 2000)); };
  TuneConfig c;
  c.grid = {1, 10, 100};
  c.refine = 0;
  c.extend = 3;
  TuneResult r = tuneScale(score, c);
  // 1000 is added (best at the upper edge), then 10000 (NaN: worst), stop.
  ASSERT_EQ(r.tried.size(), 5u);
  EXPECT_DOUBLE_EQ(r.tried[3].scale, 1000);
  EXPECT_DOUBLE_EQ(r.tried[4].scale, 10000);
  EXPECT_TRUE(std::isinf(r.tried[4].score));
  EXPECT_DOUBLE_EQ(r.scale, 1000);
}

TEST(Evaluator, TuningFindsTheLearningRateTheGridMisses) {
  // theta = (1, 0): reward -(eta - 0.3)^2, best at eta = 0.3 = 6 x the
  // model's 0.05, which the x3 grid (0.15, 0.5) misses.
  QuadraticBackend::Options o;
  o.rewardFromEta = true;
  Rig rig(constantTarget(), quadratic(o));
  EvalConfig c;
  c.seeds = 3;
  c.trials = 4;
  c.tuneNetworks = 2;
  c.threads = 2;
  c.tune.refine = 10;
  Evaluator e(rig.runner, c);
  e.setPenalty(-1);
  Rule rule{"rule", "", {1.0, 0.0}};
  rule.tune = true;
  RuleResult r = e.evaluate(rule);
  ASSERT_TRUE(r.tuning);
  EXPECT_NEAR(r.eta, 0.3, 0.01);
  EXPECT_EQ(r.tuneNetworkTrials, static_cast<int64_t>(r.tuning->tried.size()) * 2 * 4);
  EXPECT_EQ(r.tuning->tried.size(), 9u + 10u);
  EXPECT_NEAR(r.meanReward.mean, -(r.eta - 0.3) * (r.eta - 0.3), 1e-12);

  RuleResult fixed = e.evaluate({"learned", "", {1.0, 0.0}}); // not tuned: the model's eta
  EXPECT_DOUBLE_EQ(fixed.eta, 0.05);
  EXPECT_NEAR(fixed.meanReward.mean, -0.0625, 1e-12);
  EXPECT_FALSE(fixed.tuning);
}

TEST(Evaluator, HeldOutAggregatesMatchNetworksRunOneByOne) {
  Rig rig(loadShipped("cue_delay_response"), referenceModel(8, 4));
  EvalConfig c;
  c.seeds = 3;
  c.trials = 20;
  c.threads = 2;
  c.seed = 99;
  c.criterionWindow = 5;
  c.criterionFraction = 0.6;
  Evaluator e(rig.runner, c);
  e.setPenalty(-5);
  std::vector<double> theta(16, 0.0);
  theta[5] = 0.5;
  RuleResult r = e.evaluate({"learned", "", theta});
  // Independently, from the runner on the same held-out seeds.
  std::vector<double> curve(20, 0.0), correct(20, 0.0);
  std::vector<int64_t> toCriterion;
  auto ws = rig.runner.workspace(0);
  NetworkOptions opt;
  opt.trials = 20;
  opt.tangents = false;
  for (int i = 0; i < 3; ++i) {
    NetworkResult n = rig.runner.run(networkSeed(99, SeedDomain::HeldOut, 0, i), theta.data(),
                                     opt, *ws);
    ASSERT_FALSE(n.divergence);
    int64_t first = -1, inWindow = 0;
    for (int k = 0; k < 20; ++k) {
      curve[k] += n.trials[k].score.reward / 3;
      correct[k] += n.trials[k].score.correct / 3.0;
      inWindow += n.trials[k].score.correct - (k >= 5 ? n.trials[k - 5].score.correct : 0);
      if (first < 0 && k >= 4 && inWindow >= 3)
        first = k + 1;
    }
    EXPECT_EQ(r.networks[i].toCriterion, first);
  }
  ASSERT_EQ(r.curve.size(), 20u);
  double mean = 0;
  for (int k = 0; k < 20; ++k) {
    EXPECT_NEAR(r.curve[k], curve[k], 1e-12);
    EXPECT_NEAR(r.correct[k], correct[k], 1e-12);
    mean += curve[k] / 20;
  }
  EXPECT_NEAR(r.meanReward.mean, mean, 1e-12);
  EXPECT_NEAR(r.finalReward, (curve[18] + curve[19]) / 2, 1e-12);
  EXPECT_NEAR(r.fractionCorrect, (correct[18] + correct[19]) / 2, 1e-12);

  std::string table = formatTable({r}, rig.task, c, -5, {"a note"});
  EXPECT_NE(table.find("Evaluation on 3 held-out networks x 20 trials of cue_delay_response"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  a note"), std::string::npos);
  EXPECT_NE(table.find("each trial scores -5"), std::string::npos) << table;
}

TEST(Evaluator, NoPlasticityKeepsTheWeightsAndFixesThePenalty) {
  // The quadratic fake moves W by eta * theta at every reward event; without
  // plasticity its output (W . u) must be that of the initial weights.
  Rig rig(loadShipped("cue_delay_response"), quadratic());
  EvalConfig c;
  c.seeds = 4;
  c.trials = 3;
  Evaluator e(rig.runner, c);
  std::vector<RuleResult> rs = e.evaluateAll({noPlasticity({0.5, 0.5})});
  auto ws = rig.runner.workspace(0);
  NetworkOptions opt;
  opt.trials = 3;
  opt.tangents = false;
  double worst = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t seed = networkSeed(1, SeedDomain::HeldOut, 0, i);
    NetworkResult fixed = rig.runner.run(seed, std::vector<double>{0, 0}.data(), opt, *ws);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(rs[0].networks[i].reward[k], fixed.trials[k].score.reward, 1e-15);
      worst = std::min(worst, fixed.trials[k].score.reward);
    }
  }
  EXPECT_DOUBLE_EQ(e.penalty(), worst);
}

TEST(Evaluator, ARuleThatDivergesRanksBelowOneThatDoesNot) {
  // Rule A (theta[1] = 0.5) diverges after its first trial on every network
  // with an odd seed; where it does not, it scores better than rule B
  // (theta[1] = 0.3): -(0.03 - 0.3)^2 = -0.0729 against -(0.02 - 0.3)^2 =
  // -0.0784. Without plasticity the reward is -(0 - 0.3)^2 = -0.09, the
  // penalty. Leaving diverged networks out would rank A first.
  QuadraticBackend::Options o;
  o.rewardFromEta = true;
  o.divergeAbove = 0.4;
  o.badTrial = 0;
  Rig rig(constantTarget(), quadratic(o));
  EvalConfig c;
  c.seeds = 8;
  c.trials = 4;
  c.threads = 2;
  Evaluator e(rig.runner, c);
  Rule a{"A", "", {0.1, 0.5}}, b{"B", "", {0.1, 0.3}};
  a.candidate = true;
  std::vector<RuleResult> rs = e.evaluateAll({a, noPlasticity({0, 0}), b});
  // The penalty is the worst completed trial of all three rules: no plasticity's.
  EXPECT_NEAR(e.penalty(), -0.09, 1e-15);
  EXPECT_EQ(e.penalty(), e.worstCompleted());
  const RuleResult &ra = rs[0], &rb = rs[2];
  int odd = 0;
  double expected = 0;
  for (int i = 0; i < 8; ++i) {
    bool diverges = networkSeed(1, SeedDomain::HeldOut, 0, i) & 1;
    odd += diverges;
    // Trial 1 is the one whose end finds the divergence: every trial scores the penalty.
    double own = diverges ? -0.09 : -0.0729;
    EXPECT_NEAR(ra.perNetwork[i], own, 1e-12) << i;
    EXPECT_EQ(ra.networks[i].divergedAt, diverges ? 0 : -1);
    expected += own / 8;
  }
  ASSERT_GT(odd, 1);
  ASSERT_LT(odd, 7);
  EXPECT_EQ(ra.diverged, odd);
  EXPECT_EQ(ra.networks.size(), 8u);
  EXPECT_NEAR(ra.meanReward.mean, expected, 1e-12);
  EXPECT_NEAR(rb.meanReward.mean, -0.0784, 1e-12);
  EXPECT_LT(ra.meanReward.mean, rb.meanReward.mean);
  EXPECT_EQ(verdict(rs).find("verdict: A beats"), std::string::npos) << verdict(rs);
  EXPECT_NE(verdict(rs).find("A diverged on " + std::to_string(odd) + " of 8 held-out networks"),
            std::string::npos)
      << verdict(rs);
  EXPECT_NE(ra.notes.back().find("trial 1: W[0] = 1e+06 exceeds the weight bound"),
            std::string::npos);
}

TEST(Report, VerdictIsPairedOverAllNetworks) {
  // Differences to B: 0.1, 0.1, 0.1, 0.2: mean 0.125, sample variance
  // 0.0075 / 3 = 0.0025, standard error sqrt(0.0025 / 4) = 0.025.
  EXPECT_EQ(verdict({withPerNetwork("learned", {-0.4, -0.5, -0.6, -0.5}, true),
                     withPerNetwork("no plasticity", {-0.9, -0.9, -0.9, -0.9}, false),
                     withPerNetwork("B", {-0.5, -0.6, -0.7, -0.7}, false)}),
            "verdict: learned beats every baseline (by more than 2 standard errors); mean "
            "reward during learning -0.5 vs -0.625 for the best baseline, B: difference 0.125, "
            "standard error 0.025 over 4 held-out networks\n");
  // +0.3, -0.2, +0.3, -0.2: mean 0.05, standard error sqrt(0.25 / 12) = 0.1443.
  EXPECT_NE(verdict({withPerNetwork("learned", {-0.3, -0.8, -0.3, -0.8}, true),
                     withPerNetwork("B", {-0.6, -0.6, -0.6, -0.6}, false)})
                .find("verdict: learned ties with B (-0.6) (difference within 2 standard "
                      "errors); mean reward during learning -0.55 vs -0.6 for the best "
                      "baseline, B: difference 0.05, standard error 0.1443 over 4"),
            std::string::npos);
  EXPECT_EQ(verdict({withPerNetwork("learned", {-0.7, -0.7, -0.75}, true),
                     withPerNetwork("B", {-0.6, -0.6, -0.6}, false)})
                .rfind("verdict: learned does not beat B (-0.6) (worse by more than 2 "
                       "standard errors)",
                       0),
            0u);
  // Worse than B, tied with C whose mean is higher but noisy: the figures
  // are those of B, the comparison the verdict leads with (a review found
  // "worse by more than 2 standard errors" followed by C's 1.4 s.e.).
  std::string mixed = verdict({withPerNetwork("learned", {-0.7, -0.7, -0.75}, true),
                               withPerNetwork("B", {-0.6, -0.6, -0.6}, false),
                               withPerNetwork("C", {0.0, -1.2, -0.2}, false)});
  EXPECT_EQ(mixed.rfind("verdict: learned does not beat B (-0.6) (worse by more than 2 standard "
                        "errors) and ties with C (-0.4667); mean reward during learning -0.7167 "
                        "vs -0.6 for the best baseline it loses to, B: difference -0.1167",
                        0),
            0u)
      << mixed;
  // Two candidates, one line each; no baseline: no verdict.
  std::string two = verdict({withPerNetwork("learned", {-0.4, -0.5}, true),
                             withPerNetwork("learned, eta tuned", {-0.4, -0.5}, true),
                             withPerNetwork("B", {-0.9, -0.9}, false)});
  EXPECT_EQ(std::count(two.begin(), two.end(), '\n'), 2);
  EXPECT_EQ(verdict({withPerNetwork("learned", {-0.7}, true)}), "");
}

TEST(Report, AblationGivesThePairedChange) {
  RuleResult full = withPerNetwork("learned", {-0.5, -0.6, -0.7}, true);
  std::string text = formatAblation(full,
                                    {withPerNetwork("theta[1,1]", {-0.9, -1.0, -1.2}, false),
                                     withPerNetwork("theta[3,3]", {-0.5, -0.6, -0.7}, false)},
                                    "eta 0.05");
  EXPECT_NE(text.find("at eta 0.05"), std::string::npos) << text;
  EXPECT_NE(formatAblation(full, {}, "eta 0.05").find("nothing to ablate"), std::string::npos);
  EXPECT_NE(text.find("theta[1,1]"), std::string::npos);
  // Changes -0.4, -0.4, -0.5: mean -0.4333, standard error 0.0333.
  EXPECT_NE(text.find("-0.433 +- 0.033"), std::string::npos) << text;
  EXPECT_NE(text.find("on the same 3 held-out networks"), std::string::npos) << text;
  EXPECT_NE(text.find("the rule needs it"), std::string::npos) << text;
  EXPECT_NE(text.find("no effect beyond 2 s.e."), std::string::npos) << text;
}

//===- tests/unit/TaskTest.cpp - task files, formulas, trials, scoring ----===//
//
// The task loader against the shipped files and against files with one
// mistake each (the message must name the file, the line and the reason);
// the formula language; the trials a generator makes (checked against
// docs/model.md's cue-delay-response written out by hand); and the scoring.
//
//===----------------------------------------------------------------------===//
#include "runtime/tasks/Scoring.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

using namespace plasticc::tasks;

namespace {

const std::string kTasks = std::string(PLASTICC_SOURCE_DIR) + "/examples/tasks/";

Task load(const std::string &name) {
  std::string err;
  auto t = loadTask(kTasks + name + ".toml", err);
  EXPECT_TRUE(t) << err;
  return t ? std::move(*t) : Task{};
}

/// Parses `text` expecting failure; returns the rendered diagnostics.
std::string errorsOf(const std::string &text) {
  std::string err;
  auto t = parseTask(text, "bad.toml", err);
  EXPECT_FALSE(t) << "accepted:\n" << text;
  return err;
}

const char *kMinimal = R"(dt = 1
inputs = 1
outputs = 1
[[epoch]]
name = "a"
duration = 3
scored = true
)";

} // namespace

TEST(TaskExpr, PrecedenceAndFunctions) {
  std::vector<std::string> vars{"c", "coh"};
  std::string why;
  size_t pos = 0;
  auto eval = [&](const char *text, std::vector<double> v) {
    auto e = TaskExpr::parse(text, vars, why, pos);
    EXPECT_TRUE(e) << text << ": " << why;
    return e ? e->eval(v) : NAN;
  };
  EXPECT_EQ(eval("1 + 2 * 3", {0, 0}), 7);
  EXPECT_EQ(eval("-2^2", {0, 0}), -4); // -(2^2), as in .plast
  EXPECT_EQ(eval("2^3^2", {0, 0}), 512); // right associative
  EXPECT_EQ(eval("c == 0", {0, 0}), 1);
  EXPECT_EQ(eval("c == 0", {1, 0}), 0);
  EXPECT_EQ(eval("select(c == 0, 1, -1)", {1, 0}), -1);
  EXPECT_DOUBLE_EQ(eval("0.5 * (1 + coh * c)", {-1, 0.256}), 0.372);
  EXPECT_EQ(eval("max(c, 2) - min(c, 2) + abs(-3) + sign(-0.1)", {5, 0}), 5);
  EXPECT_EQ(eval("1e-3 * 1000", {0, 0}), 1);
  auto k = TaskExpr::parse("3", vars, why, pos);
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->isConstant());
}

TEST(TaskExpr, ErrorsSayWhereAndWhy) {
  std::vector<std::string> vars{"c"};
  std::string why;
  size_t pos = 0;
  EXPECT_FALSE(TaskExpr::parse("c == cue", vars, why, pos));
  EXPECT_EQ(why, "unknown variable 'cue' (known: c)");
  EXPECT_EQ(pos, 5u);
  EXPECT_FALSE(TaskExpr::parse("select(c, 1)", vars, why, pos));
  EXPECT_EQ(why, "select takes 3 argument(s), got 2");
  EXPECT_FALSE(TaskExpr::parse("foo(c)", vars, why, pos));
  EXPECT_NE(why.find("unknown function 'foo'"), std::string::npos);
  EXPECT_FALSE(TaskExpr::parse("(c + 1", vars, why, pos));
  EXPECT_EQ(why, "expected ')'");
  EXPECT_FALSE(TaskExpr::parse("1 < c < 2", vars, why, pos)); // comparisons do not chain
  EXPECT_FALSE(TaskExpr::parse("", vars, why, pos));
}

TEST(TaskExpr, NestingAndChainsAreBoundedNotACrash) {
  // Parser and evaluator recurse: 20,000 parentheses or minus signs, or a
  // chain of 300 additions, are errors (256 levels), not a stack overflow.
  std::vector<std::string> vars{"c"};
  std::string why;
  size_t pos = 0;
  EXPECT_FALSE(TaskExpr::parse(std::string(20000, '(') + "c" + std::string(20000, ')'), vars, why, pos));
  EXPECT_EQ(why, "the formula nests more than 256 levels deep");
  EXPECT_FALSE(TaskExpr::parse(std::string(20000, '-') + "c", vars, why, pos));
  EXPECT_EQ(why, "the formula nests more than 256 levels deep");
  std::string chain = "c";
  for (int k = 0; k < 300; ++k)
    chain += " + 1";
  EXPECT_FALSE(TaskExpr::parse(chain, vars, why, pos));
  EXPECT_EQ(why, "the formula is more than 256 operations deep; split it or simplify it");
  // Within the bound, the chain evaluates as written.
  std::string ok = "c";
  for (int k = 0; k < 200; ++k)
    ok += " + 1";
  auto e = TaskExpr::parse(ok, vars, why, pos);
  ASSERT_TRUE(e) << why;
  EXPECT_EQ(e->eval({0.5}), 200.5);
}

TEST(Task, CueDelayResponseIsMODELmdDefaultTask) {
  Task t = load("cue_delay_response");
  ASSERT_EQ(t.epochs.size(), 3u);
  EXPECT_EQ(t.steps(), 50);
  EXPECT_EQ(t.inputs, 2);
  EXPECT_EQ(t.outputs, 1);
  EXPECT_TRUE(t.discrete());
  TaskGenerator gen(t);
  Trial trial;
  std::set<int> cues;
  for (uint64_t k = 0; k < 40; ++k) {
    gen.generate(7, k, trial);
    ASSERT_EQ(trial.steps, 50);
    int c = static_cast<int>(trial.conditions[0]);
    cues.insert(c);
    // docs/model.md: u = one-hot(c) for t < 10, zero after; y = +1 if c = 0
    // else -1; m = 1 for t >= 40.
    for (int t2 = 0; t2 < 50; ++t2) {
      EXPECT_EQ(trial.u[t2 * 2 + 0], t2 < 10 && c == 0 ? 1.0 : 0.0);
      EXPECT_EQ(trial.u[t2 * 2 + 1], t2 < 10 && c == 1 ? 1.0 : 0.0);
      EXPECT_EQ(trial.m[t2], t2 >= 40 ? 1.0 : 0.0) << t2;
      if (t2 >= 40) {
        EXPECT_EQ(trial.y[t2], c == 0 ? 1.0 : -1.0);
      }
    }
    EXPECT_EQ(trial.choice, c); // choices = [1, -1]
  }
  EXPECT_EQ(cues, (std::set<int>{0, 1}));
}

TEST(Task, EveryShippedTaskLoadsAndMakesScoredTrials) {
  for (const char *name : {"cue_delay_response", "perceptual_decision_making",
                           "delayed_match_to_sample", "go_no_go", "context_decision_making"}) {
    SCOPED_TRACE(name);
    Task t = load(name);
    EXPECT_EQ(t.name, name);
    EXPECT_EQ(t.inputs, 2);
    EXPECT_EQ(t.outputs, 1);
    TaskGenerator gen(t);
    Trial trial;
    std::set<int> seen;
    for (uint64_t k = 0; k < 64; ++k) {
      gen.generate(3, k, trial);
      double scored = 0;
      for (double m : trial.m)
        scored += m;
      EXPECT_GT(scored, 0);
      ASSERT_GE(trial.choice, 0);
      seen.insert(trial.choice);
      for (double u : trial.u)
        ASSERT_TRUE(std::isfinite(u));
    }
    EXPECT_EQ(seen.size(), t.choices.size()) << "every response is the correct one sometimes";
  }
}

TEST(Task, ContextSelectsTheFeatureThatCounts) {
  Task t = load("context_decision_making");
  TaskGenerator gen(t);
  Trial trial;
  auto var = [&](const char *n) {
    for (size_t i = 0; i < t.conditions.size(); ++i)
      if (t.conditions[i].name == n)
        return trial.conditions[i];
    ADD_FAILURE() << n;
    return 0.0;
  };
  for (uint64_t k = 0; k < 32; ++k) {
    gen.generate(11, k, trial);
    double want = var("context") == 0 ? var("s1") : var("s2");
    EXPECT_EQ(trial.y.back(), want);
  }
}

TEST(Task, DelayedMatchToSampleTargetsTheMatch) {
  Task t = load("delayed_match_to_sample");
  TaskGenerator gen(t);
  Trial trial;
  for (uint64_t k = 0; k < 32; ++k) {
    gen.generate(5, k, trial);
    bool match = trial.conditions[0] == trial.conditions[1];
    EXPECT_EQ(trial.y.back(), match ? 1.0 : -1.0);
  }
}

TEST(TaskGenerator, TrialsArePureFunctionsOfSeedAndIndex) {
  Task t = load("perceptual_decision_making");
  TaskGenerator gen(t);
  Trial a, b, c;
  gen.generate(42, 9, a);
  gen.generate(1, 0, c); // something in between
  gen.generate(42, 9, b);
  EXPECT_EQ(a.u, b.u); // bitwise, noise included
  EXPECT_EQ(a.conditions, b.conditions);
  gen.generate(42, 10, c);
  EXPECT_NE(a.u, c.u);
}

TEST(TaskGenerator, ConditionDrawsFollowTheirWeights) {
  std::string err;
  auto t = parseTask(std::string(kMinimal) + "[conditions]\nc = { values = [0, 1], weights = [3, 1] }\n",
                     "w.toml", err);
  ASSERT_TRUE(t) << err;
  TaskGenerator gen(*t);
  Trial trial;
  int ones = 0;
  const int n = 4000;
  for (int k = 0; k < n; ++k) {
    gen.generate(1, k, trial);
    ones += trial.conditions[0] == 1;
  }
  // Binomial(4000, 0.25): sd = 27; 5 sd either side.
  EXPECT_NEAR(ones, 1000, 140);
}

TEST(TaskGenerator, StepsRescaleEpochsProportionally) {
  Task t = load("cue_delay_response");
  TaskGenerator gen(t, 100);
  EXPECT_EQ(gen.steps(), 100);
  EXPECT_EQ(gen.epochStart(1), 20);
  EXPECT_EQ(gen.epochStart(2), 80);
  EXPECT_EQ(gen.epochStart(3), 100);
  Trial trial;
  gen.generate(1, 0, trial);
  EXPECT_EQ(trial.m[79], 0.0);
  EXPECT_EQ(trial.m[80], 1.0);
}

TEST(TaskGenerator, ScoredStepsCountTheRescaledScoredWindow) {
  Task t = load("cue_delay_response");
  EXPECT_EQ(TaskGenerator(t).scoredSteps(), 10);       // t >= 40 of 50
  EXPECT_EQ(TaskGenerator(t, 100).scoredSteps(), 20);  // t >= 80 of 100
  EXPECT_EQ(TaskGenerator(t, 2).scoredSteps(), 0);     // the response epoch rounds to nothing
  EXPECT_EQ(TaskGenerator(t, 2).naturalScoredStart(), 40);
  // Independently: the mask of the generated trial.
  for (int64_t steps : {2, 5, 7, 100}) {
    TaskGenerator gen(t, steps);
    Trial trial;
    gen.generate(3, 0, trial);
    int64_t scored = 0;
    for (double m : trial.m)
      scored += m != 0;
    EXPECT_EQ(gen.scoredSteps(), scored) << "steps " << steps;
  }
}

TEST(TaskGenerator, InputNoiseHasItsStandardDeviation) {
  std::string err;
  auto t = parseTask(R"(dt = 1
inputs = 1
outputs = 1
[[epoch]]
name = "a"
duration = 2000
input = [0.5]
input_noise = 0.3
scored = true
)",
                     "n.toml", err);
  ASSERT_TRUE(t) << err;
  TaskGenerator gen(*t);
  Trial trial;
  gen.generate(9, 0, trial);
  double s = 0, s2 = 0;
  for (double u : trial.u) {
    s += u;
    s2 += u * u;
  }
  double n = static_cast<double>(trial.u.size());
  double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.5, 0.03);
  EXPECT_NEAR(sd, 0.3, 0.02);
}

TEST(Scoring, NegativeMeanSquaredErrorOverTheScoredWindow) {
  Task t = load("cue_delay_response");
  TaskGenerator gen(t);
  Trial trial;
  gen.generate(2, 0, trial);
  std::vector<double> z(50);
  double err = 0;
  for (int s = 0; s < 50; ++s) {
    z[s] = 0.1 * s - 2; // anything
    if (s >= 40)
      err += (z[s] - trial.y[s]) * (z[s] - trial.y[s]);
  }
  TrialScore sc = scoreTrial(t, trial, z.data());
  EXPECT_DOUBLE_EQ(sc.reward, -err / 10); // docs/model.md: R = -err / max(1, sum m)
  EXPECT_DOUBLE_EQ(sc.mse, err / 10);
}

TEST(Scoring, ChoiceIsTheResponseNearestTheMeanOutput) {
  Task t = load("go_no_go"); // choices [1, 0]
  TaskGenerator gen(t);
  Trial trial;
  for (uint64_t k = 0;; ++k) {
    gen.generate(4, k, trial);
    if (trial.y.back() == 1.0)
      break;
  }
  std::vector<double> z(trial.steps, 0.0);
  for (int64_t s = trial.steps - 10; s < trial.steps; ++s)
    z[s] = 0.6; // nearer 1 than 0: "go"
  TrialScore sc = scoreTrial(t, trial, z.data());
  EXPECT_EQ(sc.choice, 0);
  EXPECT_TRUE(sc.correct);
  for (int64_t s = trial.steps - 10; s < trial.steps; ++s)
    z[s] = 0.4;
  sc = scoreTrial(t, trial, z.data());
  EXPECT_EQ(sc.choice, 1);
  EXPECT_FALSE(sc.correct);
  z[trial.steps - 1] = NAN; // a NaN output is never correct
  EXPECT_FALSE(scoreTrial(t, trial, z.data()).correct);
}

TEST(TaskErrors, UnknownKeyNamesFileLineAndSuggestion) {
  std::string err = errorsOf(R"(dt = 1
inputs = 1
outputs = 1
[[epoch]]
name = "a"
durration = 3
scored = true
)");
  EXPECT_NE(err.find("bad.toml:6:1: error: unknown key 'durration' in [[epoch]]; did you mean "
                     "'duration'?"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:4:1: error: epoch 'a' has no 'duration'"), std::string::npos) << err;
}

TEST(TaskErrors, NegativeDurationIsRejectedAtItsLine) {
  std::string err = errorsOf(R"(dt = 1
inputs = 1
outputs = 1
[[epoch]]
name = "a"
duration = -5
scored = true
)");
  EXPECT_NE(err.find("bad.toml:6:12: error: duration of epoch 'a' must be positive (got -5 ms)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(" 6 | duration = -5"), std::string::npos) << err; // the source line
}

TEST(TaskErrors, DurationMustBeAMultipleOfDt) {
  std::string err = errorsOf(R"(dt = 2
inputs = 1
outputs = 1
[[epoch]]
name = "a"
duration = 5
scored = true
)");
  EXPECT_NE(err.find("bad.toml:6:12: error: duration 5 ms of epoch 'a' is not a multiple of dt = "
                     "2 ms"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, InputWidthMustMatchTheTasksInputs) {
  std::string err = errorsOf(R"(dt = 1
inputs = 2
outputs = 1
[[epoch]]
name = "cue"
duration = 3
input = [1, 0, 0]
scored = true
)");
  EXPECT_NE(err.find("bad.toml:7:9: error: 'input' of epoch 'cue' has 3 entries but the task has "
                     "inputs = 2"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, FormulaErrorPointsIntoTheString) {
  std::string err = errorsOf(R"(dt = 1
inputs = 1
outputs = 1
[conditions]
c = [0, 1]
[[epoch]]
name = "a"
duration = 3
input = ["c == cue"]
scored = true
)");
  // Column of 'cue': `input = ["` is 10 characters, then "c == " is 5.
  EXPECT_NE(err.find("bad.toml:9:16: error: in formula \"c == cue\": unknown variable 'cue' "
                     "(known: c, dt, t, dur_a)"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, NonFiniteFormulaIsALocatedError) {
  // 0/0 anywhere, 1/(1 - c) at c = 1, and 1/u at the lower end of a
  // continuous condition: each located at its string, with where it fails.
  std::string err = errorsOf(R"toml(dt = 1
inputs = 3
outputs = 1
[conditions]
c = [0, 1]
u = { uniform = [0, 1] }
[[epoch]]
name = "a"
duration = 3
input = ["0/0", "1 / (1 - c)", "1 / u"]
scored = true
)toml");
  EXPECT_NE(err.find("bad.toml:10:10: error: formula \"0/0\" is not a finite number (nan for c = 0, u = 0)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("error: formula \"1 / (1 - c)\" is not a finite number (inf for c = 1, u = 0)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("error: formula \"1 / u\" is not a finite number (inf for c = 0, u = 0)"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, TrialTypesAreBoundedWhereTheyMultiply) {
  // 63 two-valued conditions made 2^63 types: a signed overflow (UBSan), then
  // -2^63 or 0 types, and "cycle" ran combination 0 on every trial.
  std::string conditions;
  for (int i = 0; i < 63; ++i)
    conditions += "c" + std::to_string(i) + " = [0, 1]\n";
  std::string err = errorsOf("dt = 1\ninputs = 1\noutputs = 1\n[conditions]\n" + conditions +
                             "[[epoch]]\nname = \"a\"\nduration = 3\ninput = [\"c0\"]\nscored = true\n");
  // 2^20 > 10^6 at the 20th condition in the table's (sorted) order: c0, c1,
  // c10..c19, c2, c20..c26; c26 is on line 31.
  EXPECT_NE(err.find("bad.toml:31:1: error: the conditions combine into more than 10^6 trial "
                     "types by condition 'c26'"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, DrawsThatOverflowAreRefused) {
  // hi - lo = inf made every draw inf or nan; a weight sum of inf made every
  // trial draw the last value.
  std::string err = errorsOf(R"toml(dt = 1
inputs = 1
outputs = 1
[conditions]
u = { uniform = [-1e308, 1e308] }
c = { values = [0, 1], weights = [1e308, 1e308] }
[[epoch]]
name = "a"
duration = 3
input = ["c"]
scored = true
)toml");
  EXPECT_NE(err.find("bad.toml:5:17: error: 'uniform' must be [lo, hi] with lo < hi and hi - lo finite"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:6:34: error: 'weights' must be as many non-negative numbers as "
                     "'values', not all zero, with a finite sum"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, SeveralMistakesAreAllReported) {
  std::string err = errorsOf(R"(dt = 0
inputs = -1
outputs = 1
colour = "red"
reward = "correct"
[[epoch]]
name = "a"
duration = 3
input_noise = -1
)");
  EXPECT_NE(err.find("bad.toml:1:6: error: dt must be a positive"), std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:2:10: error: 'inputs' must be an integer >= 0"), std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:4:1: error: unknown key 'colour' in the task file"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:5:10: error: reward \"correct\" needs 'choices'"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:9:15: error: input_noise must be >= 0"), std::string::npos) << err;
  EXPECT_NE(err.find("error: no epoch is scored"), std::string::npos) << err;
}

TEST(TaskErrors, TomlSyntaxErrorHasALocation) {
  std::string err = errorsOf("dt = 1\ninputs = [1,\n");
  EXPECT_NE(err.find("bad.toml:"), std::string::npos) << err;
  EXPECT_NE(err.find("error:"), std::string::npos) << err;
}

TEST(TaskErrors, MissingKeysAreErrorsOfTheWholeFile) {
  std::string err = errorsOf("dt = 1\n");
  EXPECT_NE(err.find("bad.toml: error: missing required key 'inputs'"), std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml: error: the task has no epochs"), std::string::npos) << err;
}

TEST(TaskErrors, MissingFileIsAnError) {
  std::string err;
  EXPECT_FALSE(loadTask("/nonexistent/task.toml", err));
  EXPECT_EQ(err, "cannot open '/nonexistent/task.toml': no such file");
}

TEST(TaskErrors, ConditionSpecsAreChecked) {
  std::string err = errorsOf(std::string(kMinimal) + R"([conditions]
a = { uniform = [1, 0] }
b = { values = [1, 2], weights = [1] }
c = []
d = "x"
)");
  EXPECT_NE(err.find("bad.toml:9:17: error: 'uniform' must be [lo, hi] with lo < hi"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:10:34: error: 'weights' must be as many"), std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:11:1: error: condition 'c' has no values"), std::string::npos) << err;
  EXPECT_EQ(err.find("condition 'a' has no values"), std::string::npos) << "no cascade:\n" << err;
  EXPECT_NE(err.find("bad.toml:12:5: error: condition 'd' must be a list of values or a table"),
            std::string::npos)
      << err;
}

namespace {
const char *kTwoByTwo = R"T(dt = 1
inputs = 2
outputs = 1
order = "cycle"
reward = "neg_mae"
correct_below = 1.0
[conditions]
sample = [0, 1]
test = [0, 1]
[[epoch]]
name = "a"
duration = 2
input = ["sample", "test"]
target = ["select(sample == test, -1, 1)"]
scored = true
)T";
} // namespace

TEST(TaskGenerator, CycleTakesEveryCombinationInTurnTheLastFastest) {
  std::string err;
  auto t = parseTask(kTwoByTwo, "cycle.toml", err);
  ASSERT_TRUE(t) << err;
  EXPECT_EQ(t->trialTypes(), 4);
  TaskGenerator gen(*t);
  Trial trial;
  for (uint64_t k = 0; k < 9; ++k) {
    gen.generate(k * 7 + 3, k, trial); // the seed does not matter
    EXPECT_EQ(trial.index, static_cast<int64_t>(k));
    EXPECT_EQ(trial.type, static_cast<int64_t>(k % 4));
    EXPECT_EQ(trial.conditions[0], static_cast<double>((k % 4) / 2)) << "sample, k = " << k;
    EXPECT_EQ(trial.conditions[1], static_cast<double>(k % 2)) << "test, k = " << k;
  }
}

TEST(TaskGenerator, RandomTrialsKnowTheirTypeToo) {
  Task t = load("delayed_match_to_sample");
  TaskGenerator gen(t);
  Trial trial;
  std::set<int64_t> seen;
  for (uint64_t k = 0; k < 64; ++k) {
    gen.generate(5, k, trial);
    EXPECT_EQ(trial.type, static_cast<int64_t>(2 * trial.conditions[0] + trial.conditions[1]));
    seen.insert(trial.type);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(Scoring, MeanAbsoluteErrorAndAThresholdForCorrect) {
  std::string err;
  auto t = parseTask(kTwoByTwo, "cycle.toml", err);
  ASSERT_TRUE(t) << err;
  EXPECT_TRUE(t->judged());
  TaskGenerator gen(*t);
  Trial trial;
  gen.generate(1, 1, trial); // sample 0, test 1: target +1
  ASSERT_EQ(trial.y[0], 1.0);
  std::vector<double> z{0.5, -0.8}; // |errors| 0.5 and 1.8: mean 1.15
  TrialScore sc = scoreTrial(*t, trial, z.data());
  EXPECT_DOUBLE_EQ(sc.mae, 1.15);
  EXPECT_DOUBLE_EQ(sc.reward, -1.15);
  EXPECT_FALSE(sc.correct); // 1.15 is not below 1
  z = {0.5, 0.2};           // mean 0.65
  sc = scoreTrial(*t, trial, z.data());
  EXPECT_TRUE(sc.correct);
  EXPECT_DOUBLE_EQ(sc.mse, (0.25 + 0.64) / 2);
}

TEST(TaskErrors, CycleOrderAndThresholdAreChecked) {
  std::string err = errorsOf(R"(order = "cycles"
)" + std::string(kMinimal));
  EXPECT_NE(err.find("bad.toml:1:9: error: unknown order (known: \"random\", \"cycle\")"),
            std::string::npos)
      << err;
  err = errorsOf(R"(dt = 1
inputs = 1
outputs = 1
order = "cycle"
correct_below = -1
[conditions]
coh = { uniform = [0, 1] }
[[epoch]]
name = "a"
duration = 3
scored = true
)");
  EXPECT_NE(err.find("bad.toml:4:9: error: order \"cycle\" takes every combination of the "
                     "conditions in turn, so each must be a list of values without weights "
                     "('coh' is not)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:5:17: error: correct_below must be a positive number"),
            std::string::npos)
      << err;
}

TEST(TaskErrors, ModelRolesNeedTheirOwnQuantities) {
  std::string err = errorsOf(std::string(kMinimal) + R"([model]
trial = "m"
)");
  EXPECT_NE(err.find("bad.toml:8:1: error: [model] gives 'mask' and 'trial' the same quantity 'm'; "
                     "each role needs its own"),
            std::string::npos)
      << err;
}

TEST(TaskGenerator, TrialTypeCountsRepeatedValuesApart) {
  // c = [1, 1, -1] weighs 1 twice: three types, told apart by position.
  std::string err;
  auto t = parseTask(R"(dt = 1
inputs = 1
outputs = 1
order = "cycle"
[conditions]
c = [1, 1, -1]
[[epoch]]
name = "a"
duration = 2
input = ["c"]
scored = true
)",
                     "repeat.toml", err);
  ASSERT_TRUE(t) << err;
  TaskGenerator gen(*t);
  Trial trial;
  const double values[] = {1, 1, -1};
  for (uint64_t k = 0; k < 6; ++k) {
    gen.generate(1, k, trial);
    EXPECT_EQ(trial.type, static_cast<int64_t>(k % 3)) << "trial " << k;
    EXPECT_EQ(trial.conditions[0], values[k % 3]);
  }
}

// The functions NeuroGym's channel formulas need, against <cmath>.
TEST(TaskExpr, MathFunctionsAndPi) {
  std::vector<std::string> vars{"x"};
  std::string why;
  size_t pos = 0;
  auto eval = [&](const char *text, double x) {
    auto e = TaskExpr::parse(text, vars, why, pos);
    EXPECT_TRUE(e) << text << ": " << why;
    return e ? e->eval({x}) : NAN;
  };
  EXPECT_EQ(eval("sqrt(x)", 2.25), 1.5);
  EXPECT_EQ(eval("floor(x)", -1.5), -2);
  EXPECT_EQ(eval("exp(x)", 0.3), std::exp(0.3));
  EXPECT_EQ(eval("log(x)", 7), std::log(7.0));
  EXPECT_EQ(eval("cos(x * pi)", 1), -1);
  EXPECT_EQ(eval("sin(x)", 0.25), std::sin(0.25));
  std::vector<std::string> shadow{"pi"};
  auto e = TaskExpr::parse("pi", shadow, why, pos);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->eval({3}), 3); // a variable named pi wins
}

// Formulas read dt, t (ms since the epoch's start) and earlier epochs'
// durations; per-channel noise; a duration drawn from a choice.
TEST(TaskGenerator, FormulasReadTimeAndDurations) {
  std::string err;
  auto task = parseTask(R"(dt = 10
inputs = 2
outputs = 1
[[epoch]]
name = "a"
duration = { choice = [20, 40] }
[[epoch]]
name = "b"
duration = "dur_a + 10"
input = ["t / dt", "dur_a"]
input_noise = [0, 0.5]
scored = true
)",
                        "t.toml", err);
  ASSERT_TRUE(task) << err;
  EXPECT_TRUE(task->randomTiming());
  TaskGenerator gen(*task);
  Trial tr;
  std::map<int64_t, int> lengths;
  double noiseSq = 0, n = 0;
  for (int k = 0; k < 2000; ++k) {
    gen.generate(3, k, tr);
    int64_t a = tr.bounds[1];
    ASSERT_TRUE(a == 2 || a == 4) << a;
    ASSERT_EQ(tr.steps, a + a + 1); // dur_b = dur_a + 10 ms
    lengths[a] += 1;
    for (int64_t t = 0; t < tr.steps; ++t) {
      if (t < a) {
        EXPECT_EQ(tr.u[t * 2], 0.0);
        EXPECT_EQ(tr.u[t * 2 + 1], 0.0); // no noise outside epoch b
        continue;
      }
      EXPECT_EQ(tr.u[t * 2], static_cast<double>(t - a)); // t / dt within b
      double d = tr.u[t * 2 + 1] - 10.0 * a;               // dur_a plus noise
      noiseSq += d * d;
      n += 1;
    }
  }
  EXPECT_NEAR(lengths[2] / 2000.0, 0.5, 5 * std::sqrt(0.25 / 2000));
  EXPECT_NEAR(std::sqrt(noiseSq / n), 0.5, 5 * 0.5 / std::sqrt(2 * n));
}

// What an actions task needs, each a located error.
TEST(TaskErrors, ActionKeysNeedActions) {
  std::string err = errorsOf(R"(dt = 1
inputs = 1
outputs = 2
reward = "actions"
[rewards]
correct = 2
[[epoch]]
name = "a"
duration = 3
fixate = true
scored = true
)");
  EXPECT_NE(err.find("bad.toml:4:10: error: reward \"actions\" needs an [actions] table"),
            std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:5:1: error: [rewards] is the reward table of actions; it needs an "
                     "[actions] table"),
            std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:10:10: error: 'fixate' needs an [actions] table"), std::string::npos)
      << err;
  err = errorsOf(R"(dt = 1
inputs = 1
outputs = 2
[actions]
names = ["fixate", "go"]
[[epoch]]
name = "a"
duration = 3
scored = true
)");
  EXPECT_NE(err.find("bad.toml:4:1: error: an [actions] task needs a response epoch"),
            std::string::npos) << err;
}

// Found by a review: duplicate action names, an epoch name formulas cannot
// spell, and correct_below beside [actions] were accepted.
TEST(TaskErrors, ActionNamesEpochNamesAndJudgesAreChecked) {
  std::string err = errorsOf(R"(dt = 1
inputs = 1
outputs = 3
correct_below = 1
[actions]
names = ["fixate", "a", "a"]
[[epoch]]
name = "the decision"
duration = 3
answer = 1
scored = true
)");
  EXPECT_NE(err.find("bad.toml:6:9: error: [actions] names an action twice"), std::string::npos)
      << err;
  EXPECT_NE(err.find("bad.toml:4:17: error: give either 'correct_below'"), std::string::npos) << err;
  EXPECT_NE(err.find("bad.toml:7:1: error: epoch name 'the decision' is not an identifier"),
            std::string::npos)
      << err;
}

//===- runtime/meta/Evaluation.h - the learned rule against hand-made ones ===//
//
// After meta-training, the learned rule is compared with the rules a
// modeller would write by hand (docs/model.md "One trial k"): no plasticity
// (theta = 0), node perturbation (theta[1,1] = 1) and Miconi's supralinear
// rule (theta[3,3] = 1). Each baseline gets its best learning rate from a
// small sweep on networks of their own; then every rule learns on held-out
// networks, never used in meta-training or in the sweep, and the table
// reports the mean reward during learning, the final reward (last 10% of
// trials) and, for discrete tasks, the fraction of correct choices in the
// last 10% of trials. Baselines the model cannot express (no theta[3,3] in
// a model with d = 1) are skipped with a note.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Network.h"
#include "runtime/meta/Seeds.h"

#include <string>
#include <vector>

namespace plasticc::meta {

/// A rule: a meta vector, and whether its learning rate is swept.
struct Rule {
  std::string name;   // "learned", "no plasticity", ...
  std::string detail; // "theta[1,1] = 1"
  std::vector<double> meta;
  bool sweep = false;
};

/// Settings of the evaluation.
struct EvalConfig {
  int64_t seeds = 16;       // held-out networks per rule
  int64_t trials = 20;      // learning trials per network
  int64_t sweepSeeds = 4;   // networks per sweep point
  /// Learning rates tried for baselines, as multiples of the model's `eta`
  /// (or of the rule's coefficient when the model has no `eta` param).
  std::vector<double> sweep = {0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};
  int threads = 1;
  uint64_t seed = 1;
  double weightBound = 1e3;
};

/// How one rule did on the held-out networks.
struct RuleResult {
  Rule rule;
  double eta = 0;           // the learning rate used (model's eta; NaN without one)
  double scale = 1;         // the sweep's multiple that was chosen
  double meanReward = 0;    // mean task reward over all trials and networks
  double finalReward = 0;   // mean over the last 10% of trials
  double fractionCorrect = 0; // discrete tasks: correct choices in the last 10% of trials
  std::vector<double> curve, curveSem; // per trial: mean task reward, standard error
  /// Per held-out network (same seeds for every rule, so rules compare
  /// network by network): its mean task reward over the trials; NaN if it
  /// diverged.
  std::vector<double> perNetwork;
  int64_t networks = 0;     // networks that completed
  int64_t diverged = 0;     // networks that diverged (left out of the means)
  std::vector<std::string> notes;
};

/// Runs rules on held-out networks (see file comment).
class Evaluator {
public:
  Evaluator(const NetworkRunner &runner, EvalConfig config);

  /// The hand-made rules this model can express, all-zero except their one
  /// coefficient; a note in `notes` for each one it cannot.
  std::vector<Rule> baselines(std::vector<std::string> &notes) const;

  /// Sweeps the learning rate if rule.sweep, then evaluates on held-out seeds.
  RuleResult evaluate(const Rule &rule) const;

  const EvalConfig &config() const { return config_; }

private:
  std::vector<NetworkResult> runAll(const std::vector<double> &meta, double scale,
                                    SeedDomain domain, int64_t count) const;
  NetworkOptions options(double scale) const;
  std::vector<double> scaled(const std::vector<double> &meta, double scale) const;

  const NetworkRunner &runner_;
  EvalConfig config_;
  const runtime::QuantityInfo *eta_ = nullptr;
  double defaultEta_ = 0;
  std::vector<double> defaultMeta_;
};

/// One line comparing the rule named "learned" with the others by mean
/// reward during learning ("" without a learned rule or baselines). Each
/// comparison is paired over the held-out networks both rules completed
/// (RuleResult::perNetwork): the learned rule beats a baseline only if the
/// mean difference exceeds 2 standard errors of that mean, loses to it if
/// it is below -2 standard errors, and otherwise ties. The line gives the
/// difference to the best baseline and its standard error.
std::string verdict(const std::vector<RuleResult> &results);

/// The evaluation table as text: one row per rule, then the rules' notes,
/// `extraNotes` (e.g. baselines the model cannot express) and the verdict.
std::string formatTable(const std::vector<RuleResult> &results, const tasks::Task &task,
                        const EvalConfig &config, const std::vector<std::string> &extraNotes = {});

} // namespace plasticc::meta

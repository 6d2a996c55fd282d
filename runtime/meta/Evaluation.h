//===- runtime/meta/Evaluation.h - rules learning on held-out networks ----===//
//
// A rule is judged by how the networks that learn with it do on networks
// never seen in meta-training or in tuning (docs/runtime.md "Evaluation").
// Every held-out network counts: a network that diverges fails, and each of
// its trials from the divergence on scores a stated penalty (by default the
// worst trial reward of any held-out network without plasticity; correct =
// false), so a rule that diverges ranks below one that does not. Rules whose
// learning rate is tuned get the same search (Tuning.h) on networks of their
// own, with the same number of networks and trials, and the budget of each
// search is reported. For each rule the result holds the per-network,
// per-trial rewards and choices, learning curves with standard errors, and
// trials to criterion.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Network.h"
#include "runtime/meta/Seeds.h"
#include "runtime/meta/Statistics.h"
#include "runtime/meta/Tuning.h"

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace plasticc::meta {

/// A rule to evaluate: meta values, and how its learning rate is chosen.
struct Rule {
  Rule() = default;
  Rule(std::string name, std::string detail, std::vector<double> meta)
      : name(std::move(name)), detail(std::move(detail)), meta(std::move(meta)) {}

  std::string name;   // "learned", "no plasticity", "node perturbation", ...
  std::string detail; // "meta-trained", "theta[1,1] = 1", ...
  std::vector<double> meta;
  bool tune = false;      // search the learning rate (Tuning.h) before the held-out runs
  bool plastic = true;    // false: plastic weights are restored after every reward event
  bool candidate = false; // compared with every non-candidate in the verdict
  double scale = 1;       // learning-rate multiple used when not tuned
  std::string origin;     // where the rule came from (provenance), for the notes
};

/// Settings of the evaluation.
struct EvalConfig {
  int64_t seeds = 16;        // held-out networks per rule
  int64_t trials = 20;       // learning trials per network
  int64_t tuneNetworks = 16; // networks per point of a learning-rate search
  TuneConfig tune;           // the search (multiples of the model's eta)
  /// Task reward of each trial from a divergence on; NaN: the worst trial
  /// reward of the "no plasticity" rule on the held-out networks.
  double penalty = std::numeric_limits<double>::quiet_NaN();
  int64_t criterionWindow = 100;    // trials to criterion: window ...
  double criterionFraction = 0.95;  // ... and fraction correct in it
  int threads = 1;
  uint64_t seed = 1;
  double weightBound = 1e3;
};

/// One held-out network under one rule.
struct NetworkOutcome {
  uint64_t seed = 0;
  std::vector<double> reward; // per trial: task reward (the penalty from divergedAt on)
  std::vector<bool> correct;  // per trial: correct choice (false from divergedAt on)
  int64_t divergedAt = -1;    // 0-based trial whose end found the divergence; -1: none
  std::string divergence;     // what diverged ("trial 17: W[3,4] is NaN")
  double mean = 0;            // mean of `reward`
  int64_t toCriterion = -1;   // trialsToCriterion of `correct`; -1: not reached
};

/// How one rule did on the held-out networks.
struct RuleResult {
  Rule rule;
  double eta = std::numeric_limits<double>::quiet_NaN(); // learning rate used (NaN: no `eta`)
  double scale = 1;                  // multiple of the model's eta (or coefficients) used
  std::optional<TuneResult> tuning;  // the search, if the rule was tuned
  int64_t tuneNetworkTrials = 0;     // its budget: points x networks x trials
  std::vector<NetworkOutcome> networks;
  std::vector<double> perNetwork;    // networks[i].mean (penalties included)
  MeanSem meanReward{};              // over networks of the per-network mean
  double finalReward = 0;            // mean over the last 10% of trials
  double fractionCorrect = 0;        // discrete tasks: correct in the last 10% of trials
  std::vector<double> curve, curveSem;     // per trial: mean task reward, standard error
  std::vector<double> correct, correctSem; // per trial: fraction correct, standard error
  Quartiles criterion;               // trials to criterion over networks
  int64_t diverged = 0;
  std::vector<std::string> notes;
};

/// Runs rules on held-out networks (see file comment).
class Evaluator {
public:
  Evaluator(const NetworkRunner &runner, EvalConfig config);

  /// The model's declared meta values (for building rules).
  const std::vector<double> &defaultMeta() const { return defaultMeta_; }
  /// Whether the model has a scalar param `eta` that scales its updates.
  bool hasEta() const { return eta_ != nullptr; }

  /// Evaluates every rule; the first rule with plastic = false ("no
  /// plasticity") runs first and fixes the penalty unless EvalConfig sets
  /// one. Results are in the order of `rules`. `progress` (may be empty) is
  /// called with each rule's name as it starts.
  std::vector<RuleResult> evaluateAll(const std::vector<Rule> &rules,
                                      const std::function<void(const std::string &)> &progress = {});

  /// Tunes if rule.tune, then runs the held-out networks. Needs the penalty
  /// (evaluateAll sets it; setPenalty for a single rule).
  RuleResult evaluate(const Rule &rule) const;

  double penalty() const { return penalty_; }
  void setPenalty(double p) { penalty_ = p; }
  const EvalConfig &config() const { return config_; }

private:
  std::vector<NetworkResult> runAll(const Rule &rule, double scale, SeedDomain domain,
                                    int64_t count) const;
  RuleResult heldOut(const Rule &rule, RuleResult res, const std::vector<NetworkResult> &nets) const;
  NetworkOutcome outcome(const NetworkResult &net) const;
  void summarise(RuleResult &res) const;
  NetworkOptions options(const Rule &rule, double scale) const;
  std::vector<double> scaled(const std::vector<double> &meta, double scale) const;

  const NetworkRunner &runner_;
  EvalConfig config_;
  double penalty_;
  const runtime::QuantityInfo *eta_ = nullptr;
  double defaultEta_ = 0;
  std::vector<double> defaultMeta_;
};

/// The rule named "no plasticity" with `meta` (weights fixed; never tuned).
Rule noPlasticity(const std::vector<double> &meta);

/// The worst (lowest) task reward of any completed trial in `nets`; NaN if
/// none completed a trial.
double worstTrialReward(const std::vector<NetworkResult> &nets);

} // namespace plasticc::meta

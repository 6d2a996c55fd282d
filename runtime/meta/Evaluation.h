//===- runtime/meta/Evaluation.h - rules learning on held-out networks ----===//
//
// A rule is judged by how the networks that learn with it do on networks
// never seen in meta-training or in tuning (docs/runtime.md "Evaluation").
// Every held-out network counts: a network that diverges fails, and each of
// its trials from the divergence on scores a stated penalty (by default the
// worst reward of any completed trial of any rule in the evaluation, a floor
// no completed trial is below; correct = false), so a diverged network ranks
// below every network that did not diverge. Rules whose learning rate is
// tuned get the same search (Tuning.h) on networks of their own, with the
// same number of networks and trials, and never a learning rate under which
// one of those networks diverges; the budget of each search is reported. For each rule the result holds the per-network,
// per-trial rewards and choices, learning curves with standard errors, and
// trials to criterion.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Cluster.h"
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

/// What a model's learning rate is, for tuning it and for the table: a
/// scalar param (eta), a meta scalar that multiplies the update (a learned
/// eta), one that is its logarithm (log_eta: tuning adds log(scale)), or,
/// for a model with none of these, the rule's coefficients themselves (those
/// that differ from the model's defaults are scaled).
struct LearningRate {
  enum class Kind { Param, Meta, LogMeta, Coefficients } kind = Kind::Coefficients;
  std::string name; // "eta", "log_eta", ...; "scale" for Coefficients
  const runtime::QuantityInfo *param = nullptr;
  int64_t metaIndex = -1;
};

/// The learning rate `name` names (a scalar param, or a meta scalar: one
/// named log_* is a logarithm), or for "" the first of param eta, meta eta
/// and meta log_eta, else the coefficients. nullopt and `err` if `name`
/// names neither a scalar param nor a meta scalar.
std::optional<LearningRate> findLearningRate(const ModelBinding &binding, const std::string &name,
                                             std::string &err);

/// Settings of the evaluation.
struct EvalConfig {
  int64_t seeds = 16;        // held-out networks per rule
  int64_t trials = 20;       // learning trials per network
  int64_t tuneNetworks = 16; // networks per point of a learning-rate search
  TuneConfig tune;           // the search (multiples of the model's eta)
  /// Task reward of each trial from a divergence on; NaN: the worst reward
  /// of any completed held-out trial of any rule evaluated together.
  double penalty = std::numeric_limits<double>::quiet_NaN();
  int64_t criterionWindow = 100;    // trials to criterion: window ...
  double criterionFraction = 0.95;  // ... and fraction correct in it
  int threads = 1; // per rank
  /// The ranks the networks are spread over (nullptr: this process alone).
  const Cluster *cluster = nullptr;
  uint64_t seed = 1;
  double weightBound = 1e3;
  std::string learningRate; // findLearningRate's name ("": found as it says)
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
  double eta = std::numeric_limits<double>::quiet_NaN(); // learning rate used (LearningRate)
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
  /// The learning rate tuning scales (findLearningRate).
  const LearningRate &learningRate() const { return rate_; }

  /// Evaluates every rule (tuning those with Rule::tune), then fixes the
  /// penalty (EvalConfig::penalty, or the worst completed trial of all of
  /// them) and scores the divergences with it. Results are in the order of
  /// `rules`. `progress` (may be empty) is called with each rule's name as
  /// it starts. Throws std::runtime_error if no trial of any rule completed
  /// and no penalty is set.
  std::vector<RuleResult> evaluateAll(const std::vector<Rule> &rules,
                                      const std::function<void(const std::string &)> &progress = {});

  /// One rule on its own, scored with the penalty as it stands (setPenalty).
  RuleResult evaluate(const Rule &rule) const;
  /// Runs held-out network `index` (0-based) of `result` again, as its
  /// evaluation ran it (the rule at the learning rate it was evaluated at),
  /// with `observer` seeing its states; in this thread. The evaluation is
  /// deterministic, so the replay is the same run.
  NetworkResult replay(const RuleResult &result, int64_t index, StateObserver &observer) const;

  double penalty() const { return penalty_; }
  void setPenalty(double p) { penalty_ = p; }
  /// The worst reward of any completed held-out trial in the last
  /// evaluateAll (NaN before), whatever the penalty.
  double worstCompleted() const { return worst_; }
  const EvalConfig &config() const { return config_; }
  const NetworkRunner &runner() const { return runner_; }

private:
  std::vector<NetworkResult> runAll(const Rule &rule, double scale, SeedDomain domain,
                                    int64_t count) const;
  /// Tunes the rule if asked; the result's scale and tuning are set.
  RuleResult tuned(const Rule &rule) const;
  RuleResult heldOut(const Rule &rule, RuleResult res, const std::vector<NetworkResult> &nets) const;
  NetworkOutcome outcome(const NetworkResult &net) const;
  void summarise(RuleResult &res) const;
  NetworkOptions options(const Rule &rule, double scale) const;
  std::vector<double> scaled(const std::vector<double> &meta, double scale) const;
  /// The learning rate's value for `rule` at `scale` (the table's column).
  double rateValue(const Rule &rule, double scale) const;

  const NetworkRunner &runner_;
  EvalConfig config_;
  double penalty_;
  double worst_ = std::numeric_limits<double>::quiet_NaN();
  LearningRate rate_;
  double defaultParam_ = 0; // the param's value at init (Kind::Param)
  std::vector<double> defaultMeta_;
};

/// The rule named "no plasticity" with `meta` (weights fixed; never tuned).
Rule noPlasticity(const std::vector<double> &meta);

/// The worst (lowest) task reward of any completed trial in `nets`; NaN if
/// none completed a trial.
double worstTrialReward(const std::vector<NetworkResult> &nets);

} // namespace plasticc::meta

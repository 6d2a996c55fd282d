//===- runtime/meta/MetaLearner.h - the outer loop: Adam on J -------------===//
//
// docs/model.md "Meta-objective and its gradient": each meta-iteration draws B
// fresh networks (independent seeds), lets each learn for K trials under the
// current meta parameters, and takes J = the mean reward over all their
// trials and dJ/dmeta = the mean of their tangent gradients; Adam then
// climbs J. Networks run on worker threads, each on its own state buffer,
// spread over ranks when there are several (Cluster.h), and their results
// are reduced in network order on every rank, so J and the gradient are
// identical bit for bit whatever the thread and rank counts. A network that diverges
// (NaN, Inf, runaway weights) is left out of that iteration's means, counted
// with a stated penalty for the trials it lost, or stops the run, per
// DivergencePolicy; the caller's observer hears of it before anything else
// happens.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Adam.h"
#include "runtime/meta/Cluster.h"
#include "runtime/meta/Network.h"
#include "runtime/meta/ScoreFunction.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace plasticc::meta {

/// What to do with a network that diverges during meta-training.
enum class DivergencePolicy {
  Skip, // leave it out of that meta-iteration's J and gradient, go on
  Stop, // stop the run before the update (outputs stay as last written)
  /// Count it: each trial it lost (from the divergence on) scores
  /// MetaConfig::divergencePenalty with no gradient, its completed trials
  /// count as usual. A rule that diverges then scores low in J, and (score
  /// estimator) the penalty enters the rewards to go of the trials whose
  /// noise led there; the pathwise gradient comes from the completed trials.
  Penalize,
};

/// Settings of a meta-training run (the tool's command line).
struct MetaConfig {
  int64_t iterations = 100; // meta-iterations in total
  int64_t batch = 4;        // B: networks per meta-iteration
  int64_t trials = 20;      // K: learning trials per network
  int threads = 1; // per rank
  /// The ranks the networks are spread over (nullptr: this process alone).
  const Cluster *cluster = nullptr;
  uint64_t seed = 1;
  AdamConfig adam;
  double weightBound = 1e3;
  DivergencePolicy onDivergence = DivergencePolicy::Penalize;
  /// Reward of each lost trial under Penalize; NaN: the worst reward of any
  /// completed trial of that meta-iteration's networks (J's reward, and the
  /// task's for taskReward), a floor no completed trial is below.
  double divergencePenalty = std::numeric_limits<double>::quiet_NaN();
  /// Meta scalars held at their initial values (empty: none); P entries.
  std::vector<bool> frozen;
  /// The score-function estimator (ScoreFunction.h) instead of the pathwise
  /// gradient; the model must have been built for it (a score quantity).
  bool scoreEstimator = false;
  ScoreOptions score; // its reward (also what J averages), baseline, causality
  /// Antithetic evolution strategies in meta space instead (0: off): each
  /// network learns twice, at meta + s eps and meta - s eps (eps ~ N(0, I)
  /// over the scalars not frozen; the same network and noise: common random
  /// numbers), without tangents, and its estimate is (J+ - J-) / (2 s) eps,
  /// the gradient of J smoothed by a Gaussian of width s (Salimans et al.
  /// 2017, arXiv 1703.03864; for unrolled learning, Metz et al. 2021, arXiv
  /// 2111.05803). It needs no differentiable reward and sees divergence.
  double evolutionSigma = 0;
  /// Fitness shaping: each pair's estimate weighs eps by sign(J+ - J-) /
  /// (2 s) instead of (J+ - J-) / (2 s), so that one rollout's divergence
  /// (a J difference far beyond the others) cannot dominate an update. It
  /// estimates a direction of ascent of J_s, not its gradient (Adam only
  /// needs the direction and the per-coordinate scale).
  bool evolutionSign = false;
  /// Horizon curriculum (0: off): lifetimes grow geometrically from this
  /// many trials to `trials` over the first half of the iterations, then
  /// stay at `trials` (trialsAt).
  int64_t curriculumStart = 0;
  /// Rescale each meta-gradient to unit L2 norm before Adam (--clip then
  /// has no effect).
  bool normalizeGradient = false;
  /// NetworkOptions::weightChangePenalty (pathwise only).
  double weightChangePenalty = 0;
};

/// K of 0-based meta-iteration `iteration` under `config`'s curriculum.
int64_t trialsAt(const MetaConfig &config, int64_t iteration);

/// What one meta-iteration measured (one row of the CSV log).
struct IterationRecord {
  int64_t iteration = 0;    // 1-based
  double J = 0;             // mean reward (model's, or task's with RewardSource::Task)
  double taskReward = 0;    // the same mean of the task's reward (Scoring.h)
  double gradNorm = 0;      // |dJ/dmeta|, before any clipping
  int64_t trials = 0;       // K of this iteration (grows under a curriculum)
  double penalty = 0;       // mean weight-change penalty per trial (included in J)
  int64_t networks = 0;     // networks that contributed
  int64_t skipped = 0;      // networks left out (diverged, DivergencePolicy::Skip)
  int64_t diverged = 0;     // networks that diverged and were counted (Penalize)
  /// The reward each of their lost trials scored (NaN when none was).
  double divergencePenalty = std::numeric_limits<double>::quiet_NaN();
  /// The worst reward of any completed trial (Penalize; not logged): a
  /// stated penalty above it lets a network gain by diverging.
  double worstTrial = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;       // wall time of the iteration
  std::vector<double> meta; // the meta values J was measured at (before the update)
  std::vector<double> grad; // dJ/dmeta
};

/// Everything a run needs to continue exactly (what a checkpoint saves).
struct TrainingState {
  int64_t iteration = 0; // meta-iterations completed
  std::vector<double> meta;
  AdamState adam;
  std::vector<IterationRecord> history;
};

/// A network that diverged during meta-training.
struct NetworkFailure {
  int64_t iteration = 0; // 1-based meta-iteration
  int64_t network = 0;   // index within the batch
  uint64_t seed = 0;
  Divergence divergence;
  /// Which of the network's rollouts diverged when it learns twice
  /// ("at meta - sigma eps", "noise stream 1"); empty otherwise.
  std::string rollout;
  /// "meta-iteration 3, network 2 (seed 0x...), trial 7: W[1,2] is NaN".
  std::string describe() const;
};

/// Hears about a run as it goes (logs, progress, checkpoints).
class TrainingObserver {
public:
  virtual ~TrainingObserver() = default;
  /// A network diverged; `skipped` says whether the run goes on (without
  /// it, or with its lost trials penalized).
  virtual void onFailure(const NetworkFailure &failure, bool skipped) {}
  /// Meta-iteration `record.iteration` is done and `state` updated; return
  /// false to end the run here (it can be resumed from `state`).
  virtual bool onIteration(const IterationRecord &record, const TrainingState &state) {
    return true;
  }
};

/// The result of measuring one meta-iteration (before any update).
struct IterationOutcome {
  IterationRecord record;
  std::vector<NetworkFailure> failures; // in network order
};

/// The outer loop (see file comment).
class MetaLearner {
public:
  MetaLearner(const NetworkRunner &runner, MetaConfig config);

  /// J and dJ/dmeta at `meta` for 0-based meta-iteration `iteration`.
  IterationOutcome measure(int64_t iteration, const std::vector<double> &meta) const;

  enum class Status { Completed, Stopped, Interrupted };
  /// Runs from `state` until config.iterations meta-iterations are done.
  /// Stopped: a divergence under DivergencePolicy::Stop, or every network of
  /// an iteration diverged (`why` says which); `state` is then as after the
  /// last good iteration. Interrupted: the observer asked to end.
  Status train(TrainingState &state, TrainingObserver &observer, std::string &why) const;

  /// A fresh state at meta vector `meta`.
  TrainingState initialState(std::vector<double> meta) const;

  const MetaConfig &config() const { return config_; }

private:
  /// 2 for paired or mirrored score rollouts and for evolution strategies.
  int64_t rolloutsPerNetwork() const;
  /// The B x rolloutsPerNetwork() lifetimes of meta-iteration `iteration`
  /// (network b's rollouts at b * R ...), on the ranks' worker threads;
  /// every rank gets them all (Distributed.h).
  std::vector<NetworkResult> rollouts(int64_t iteration, const std::vector<double> &meta,
                                      const NetworkOptions &opt) const;
  /// NetworkFailure::rollout of rollout k of a network.
  std::string rolloutName(int64_t k) const;
  /// Whether meta scalar p is held at its initial value (--freeze).
  bool frozen(size_t p) const;
  /// s eps of network `network` (evolution strategies): P standard normals
  /// from its perturbation seed times s, 0 for the frozen scalars.
  std::vector<double> perturbation(uint64_t network) const;
  /// Per antithetic pair of completed rollouts, (J+ - J-) / (2 s) eps (or
  /// its sign, MetaConfig::evolutionSign).
  std::vector<std::vector<double>> evolutionGradients(const std::vector<const NetworkResult *> &pairs) const;

  const NetworkRunner &runner_;
  MetaConfig config_;
};

} // namespace plasticc::meta

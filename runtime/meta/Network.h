//===- runtime/meta/Network.h - one network learning for K trials ---------===//
//
// The inner loop of docs/model.md: a network is drawn from its seed (init), then
// learns for K trials of T steps, each ended by the reward event. This runs
// that loop on any Backend, feeding the task's inputs and the network's own
// exploration noise, scoring every trial from the output, summing R_k and,
// with tangents, dR_k/dmeta. After every trial it checks the network for
// NaN, Inf and runaway weights, and stops at the first problem with a
// Divergence that names the trial and the quantity.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/Noise.h"
#include "runtime/meta/BackendPool.h"
#include "runtime/meta/ModelBinding.h"
#include "runtime/tasks/Scoring.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace plasticc::meta {

/// The first sign of a network going wrong: quantity `what` (an element
/// name like "W[3,17]", "R", or "dW[3,17]/dtheta[1,1]" for a tangent) had
/// `value` after trial `trial` (0-based; messages count from 1), non-finite
/// or past `bound`.
struct Divergence {
  int64_t trial = -1;
  std::string what;
  double value = 0;
  double bound = 0; // > 0 when the value exceeded the weight bound
  /// With a bound: how many of the quantity's `elements` are past it; `what`
  /// names the largest |w| of them, not the first in row-major order (a
  /// runaway update is nearly rank one, post[i] * pre[j] with saturated
  /// pre-synaptic rates, so whole rows cross the bound together and the
  /// first element in memory order is almost always in column 0).
  int64_t over = 0, elements = 0;
  /// "trial 17: W[3,17] is NaN" / "trial 4: W[0,1] = 2.1e+03 exceeds the weight bound 1000"
  /// (plus ", the largest of 37 of its 1024 elements past it" when more than one is).
  std::string describe() const;
};

/// What happened to one trial.
struct TrialRecord {
  double modelReward = 0;   // R_k from the model's reward event
  double penalty = 0;       // the weight-change penalty of the trial (NetworkOptions)
  tasks::TrialScore score;  // from the task (Scoring.h)
  /// With tangents: dR_k/dmeta from the reward event (P; for a model built
  /// for the score estimator, only R's direct dependence on meta).
  std::vector<double> dR;
  /// A model built for the score estimator, with tangents: the score of
  /// this trial's exploration noise, sum_t (xi_t / s) . dmu_t/dmeta (P).
  std::vector<double> noiseScore;
};

/// The outcome of one network's K trials.
struct NetworkResult {
  uint64_t seed = 0;
  std::vector<TrialRecord> trials;   // completed trials (all K unless diverged)
  /// The means and grad average over the K trials asked for; a diverged
  /// network's count only its completed trials (the lost ones add 0).
  double meanReward = 0;             // (1/K) sum_k R_k (minus the weight-change penalty)
  double meanPenalty = 0;            // (1/K) sum_k of the weight-change penalty
  double meanTaskReward = 0;         // (1/K) sum_k task reward
  std::vector<double> grad;          // (1/K) sum_k dR_k/dmeta (with tangents; pathwise)
  std::optional<Divergence> divergence;
};

/// Sees a network's state as it learns (activity recording,
/// runtime/meta/Recording.h). The state is the one of plasticc/abi.h's
/// layout (QuantityInfo offsets); it must not be changed.
class StateObserver {
public:
  virtual ~StateObserver() = default;
  /// After beginTrial of trial k (0-based), before its first step.
  virtual void trialStarted(int64_t k, const char *state) = 0;
  /// After step t (0-based) of the T steps of trial k.
  virtual void stepped(int64_t k, int64_t t, int64_t T, const char *state) = 0;
  /// After trial k's reward event.
  virtual void trialEnded(int64_t k, const char *state) = 0;
};

/// How to run a network.
struct NetworkOptions {
  int64_t trials = 1;
  bool tangents = true;      // step + dR/dmeta, or stepPrimal only
  double weightBound = 1e3;  // |w| above this for any weight counts as divergence
  /// false: every weight is restored to its value at init after every step
  /// and every reward event, so the network does not learn ("no
  /// plasticity" for any model, continuous plasticity included; a step that
  /// reads a weight after writing it still sees its own write, and
  /// baselines are not restored).
  bool plasticity = true;
  /// Which of a network's independent exploration-noise sequences it sees
  /// (0: the one of Seeds.h's noiseSeed); the same network (weights, task
  /// trials) with another stream is an independent rollout.
  uint64_t noiseStream = 0;
  /// The stream's draws with their signs flipped (a mirrored rollout).
  bool mirrorNoise = false;
  /// lambda of the weight-change penalty (0: none): each trial's reward for
  /// the objective is R_k - lambda * mean_ij (dW_ij)^2 over the change in
  /// trial k (its steps and its reward event) of the weights that carry a
  /// tangent (the plastic ones the rule moves), and, with tangents, dR_k minus the
  /// penalty's tangent 2 lambda mean_ij dW_ij d(dW_ij)/dmeta.
  double weightChangePenalty = 0;
  /// Sees every trial's states (nullptr: none; not owned).
  StateObserver *observer = nullptr;
  /// Scalar params overwritten after init (e.g. the learning rate `eta`).
  std::vector<std::pair<const runtime::QuantityInfo *, double>> params;
};

/// Per-thread scratch: the worker's backend, one state buffer and the
/// per-step vectors.
class Workspace {
public:
  explicit Workspace(runtime::Backend &backend);
  runtime::Backend &backend() { return backend_; }
  void *state() { return state_.get(); }
  int64_t stateBytes() const { return bytes_; }
  std::vector<double> inputs, noise, z, dR;
  std::vector<double> outputs; ///< a whole trial's outputs (Backend::runTrial)
  tasks::Trial trial;

private:
  struct Free {
    void operator()(void *p) const;
  };
  runtime::Backend &backend_;
  std::unique_ptr<void, Free> state_;
  int64_t bytes_;
};

/// Runs networks of one model on one task (see file comment), each on the
/// backend of the workspace it is given.
class NetworkRunner {
public:
  NetworkRunner(BackendPool &pool, const ModelBinding &binding,
                const tasks::TaskGenerator &generator)
      : pool_(pool), binding_(binding), gen_(generator) {}

  /// Draws network `seed` with meta vector `meta` (P doubles) and runs it.
  NetworkResult run(uint64_t seed, const double *meta, const NetworkOptions &options,
                    Workspace &ws) const;

  /// Inits a network in `ws` (meta nullptr: the model's defaults), for
  /// reading its params or default meta; no trial is run.
  void initOnly(uint64_t seed, const double *meta, Workspace &ws) const;

  const ModelBinding &binding() const { return binding_; }
  const tasks::TaskGenerator &generator() const { return gen_; }
  /// A workspace for worker thread `worker` (with that worker's backend).
  std::unique_ptr<Workspace> workspace(int worker) const;

  /// Weights saved at init, put back after every step and reward event
  /// (NetworkOptions::plasticity false).
  using FixedWeights = std::vector<std::pair<const runtime::QuantityInfo *, std::vector<char>>>;

private:
  std::optional<Divergence> check(const void *state, double R, const std::vector<double> *dR,
                                  int64_t trial, double bound) const;
  /// Trial k of T steps (its inputs in ws.trial) after beginTrial's restore:
  /// the steps and the reward event; fills ws.z, returns R (dR in ws.dR).
  /// wholeTrial makes one Backend::runTrial call (the compiled whole-trial
  /// schedule); stepByStep calls the steps, for an observer or fixed weights.
  double wholeTrial(int64_t k, int64_t T, uint64_t nseed, const runtime::NoiseSampler &noise,
                    const NetworkOptions &opt, Workspace &ws) const;
  double stepByStep(int64_t k, int64_t T, uint64_t nseed, const runtime::NoiseSampler &noise,
                    const NetworkOptions &opt, const FixedWeights &fixed, Workspace &ws) const;
  /// The weight-change penalty of one trial (NetworkOptions), given the
  /// plastic weights (and tangents) at its start; subtracts its tangent
  /// from dR.
  double weightChangePenalty(const char *state, const std::vector<std::vector<double>> &before,
                             const std::vector<const runtime::QuantityInfo *> &plastic,
                             const NetworkOptions &opt, int64_t P, std::vector<double> &dR) const;

  BackendPool &pool_;
  const ModelBinding &binding_;
  const tasks::TaskGenerator &gen_;
};

} // namespace plasticc::meta

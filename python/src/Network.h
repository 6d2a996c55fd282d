//===- python/src/Network.h - one network's state, for Python -------------===//
//
// A network drawn from a seed (plasticc_init) in a state buffer it owns,
// with the C ABI's rules for writing (include/plasticc/abi.h) kept for the
// caller: views of params, weights and baselines are writable, views of
// everything else read-only; set() writes any of params, weights,
// baselines and states and leaves the network as one initialised with the
// values it now has (states restored to their trial-start values, the one
// set written, plasticc_set_trial_start, so that derived states such as
// xbar = x follow). runTrial runs one trial on caller-given inputs and
// noise and records chosen quantities after every step; metaNoise is the
// noise plasticc-meta gives the network of the same seed, for replays.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Model.h"
#include "runtime/Objective.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plasticc::python {

/// A quantity to record during a trial and where: its values after each
/// step, T x elements, row-major.
struct Recording {
  const runtime::QuantityInfo *quantity;
  double *out;
};

/// What one trial gave: R and dR/dmeta (empty without tangents).
struct TrialOutcome {
  double reward = 0;
  std::vector<double> dReward;
};

/// One network of a model (see file comment).
class Network {
public:
  /// Draws network `seed`; `meta` is P doubles or nullptr (the defaults).
  Network(std::shared_ptr<const Model> model, uint64_t seed, const double *meta);

  const Model &model() const { return *model_; }
  uint64_t seed() const { return seed_; }
  /// The exploration noise plasticc-meta draws for trial k of the network
  /// of this seed (meta::noiseSeed, runtime::NoiseSampler): steps x noise
  /// length, row-major.
  std::vector<double> metaNoise(uint64_t k, int64_t steps) const;
  /// Start of quantity q's value, trial-start copy (states) or tangent lanes.
  double *value(const runtime::QuantityInfo &q);
  double *startCopy(const runtime::QuantityInfo &q);
  double *tangent(const runtime::QuantityInfo &q);
  /// Whether the ABI lets a caller write q's value in place.
  static bool writableInPlace(const runtime::QuantityInfo &q);
  /// Writes q (numElements doubles) as set() in the file comment says;
  /// throws std::invalid_argument for kinds that cannot be set.
  void set(const runtime::QuantityInfo &q, const double *values);
  /// One trial of `steps` steps; inputs and noise are steps x the model's
  /// input and noise lengths, row-major. Without recordings, one
  /// Backend::runTrial call (plasticc_run_trial: the whole-trial schedule
  /// where the model has it); with them, step by step. Needs no Python (the
  /// caller may release the GIL).
  TrialOutcome runTrial(const double *inputs, const double *noise, int64_t steps,
                        const std::vector<Recording> &record, bool tangents);

private:
  void restoreStates();

  std::shared_ptr<const Model> model_;
  uint64_t seed_;
  std::unique_ptr<runtime::Backend> backend_;
  runtime::StateBuffer state_;
};

} // namespace plasticc::python

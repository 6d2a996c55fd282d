//===- runtime/meta/Recording.h - a network's activity, step by step ------===//
//
// What a network did, not only how well: the values of chosen quantities
// (rates, outputs, traces, weights) after every step of chosen trials, and
// for weights also their values when the trial starts and after its reward
// event (a rule that changes weights only in the reward event moves them
// there, not in the steps). Filled as a StateObserver of NetworkRunner::run
// (Network.h); plasticc-meta --record replays held-out networks with one
// (runtime/tool/Activity.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/meta/Network.h"

#include <cstdint>
#include <vector>

namespace plasticc::meta {

/// One quantity over one trial.
struct Recording {
  int64_t trial = 0;                         // 0-based
  const runtime::QuantityInfo *quantity = nullptr;
  int64_t steps = 0;                         // T of the trial
  std::vector<double> values;                // [T, numElements], after each step
  std::vector<double> start, end;            // weights only: at beginTrial, after the reward event
};

/// Records `quantities` over the trials listed (see file comment).
class ActivityRecorder final : public StateObserver {
public:
  /// `quantities` are stored quantities (not inputs or noise) of the
  /// model whose states the recorder will see; `trials` are 0-based.
  ActivityRecorder(std::vector<const runtime::QuantityInfo *> quantities,
                   std::vector<int64_t> trials);

  void trialStarted(int64_t k, const char *state) override;
  void stepped(int64_t k, int64_t t, int64_t T, const char *state) override;
  void trialEnded(int64_t k, const char *state) override;

  /// In order of trial, then quantity; a trial the network did not reach
  /// (it diverged before) has none.
  const std::vector<Recording> &recordings() const { return recordings_; }

private:
  bool wanted(int64_t k) const;
  /// The recordings of trial k (the last |quantities| entries), or nullptr.
  Recording *current(int64_t k);

  std::vector<const runtime::QuantityInfo *> quantities_;
  std::vector<int64_t> trials_;
  std::vector<Recording> recordings_;
};

} // namespace plasticc::meta

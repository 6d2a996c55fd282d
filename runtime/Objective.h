//===- runtime/Objective.h - J and dJ/dmeta of one network ----------------===//
//
// The meta-objective of MODEL.md ("Meta-objective and its gradient"): a
// network drawn from a seed learns for K trials of T steps; J is the mean of
// the trials' rewards R_k, and dJ/dmeta the mean of their tangents dR_k,
// which the backend carries forward through steps, reward events and trials.
// Works with any Backend; the caller supplies each step's inputs and noise.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace plasticc::runtime {

/// Fills the inputs (ModelInfo::inputLength doubles) and noise
/// (noiseLength doubles) of step `t` of trial `k`.
using StepSource = std::function<void(int64_t k, int64_t t, double *inputs, double *noise)>;

/// What evaluateObjective returns.
struct ObjectiveResult {
  double J = 0;                // (1/K) sum_k R_k
  std::vector<double> dJ;      // P entries (empty when not asked for)
  std::vector<double> rewards; // R_k per trial
};

/// A state buffer aligned as ModelInfo::stateAlign asks, owned. A state of
/// at least 2 MB is 2 MB-aligned, rounded up to whole 2 MB pages and advised
/// MADV_HUGEPAGE (transparent huge pages where the kernel allows; best
/// effort, no other effect): fewer TLB misses on the tangent streams, the
/// compiled step measured 8-22% faster at N = 256 (bench/findings.md).
/// Throws std::bad_alloc when the memory cannot be had.
class StateBuffer {
public:
  explicit StateBuffer(const ModelInfo &info);
  void *data() { return data_.get(); }

private:
  struct Free {
    void operator()(void *p) const;
  };
  std::unique_ptr<void, Free> data_;
};

/// Draws a network from `seed` with meta values `meta` (P doubles; nullptr:
/// the model's defaults), runs `trials` trials of `steps` steps with the
/// inputs and noise of `source`, and returns J and, if `withGradient`, dJ
/// (otherwise the steps run primal only).
ObjectiveResult evaluateObjective(Backend &backend, const double *meta, uint64_t seed,
                                  int64_t trials, int64_t steps, const StepSource &source,
                                  bool withGradient);

} // namespace plasticc::runtime

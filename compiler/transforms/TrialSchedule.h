//===- compiler/transforms/TrialSchedule.h - may a trial run as a whole? --===//
//
// The analysis behind a whole-trial schedule (issue 13): a model whose
// weights are constant during a trial, and whose traces are updated
// linearly in themselves with coefficients constant in the trial and read
// only in the reward event, can run the primal trajectory of the whole
// trial first and then compute every trace over all steps tile by tile
// (dW r_t as one product against the trajectory; de never streamed to
// memory step by step). This pass says whether that is legal and, if not,
// why, naming the quantity and the place in the source:
//
//   * a weight written in the step (continuous plasticity) changes within
//     the trial: not legal;
//   * a trace read in the step beyond its own update (its value feeds the
//     dynamics) must be known at every step: not legal;
//   * a trace whose update is not `c * q + g`, with c built only from
//     constants and quantities the step does not write, is not deferrable:
//     not legal.
//
// It looks at the primal ops only (the tangent ops follow the primal's
// structure), so it answers the same before and after the tangent pass.
// `plasticc --emit=loops` prints the result; compiler/codegen/WholeTrial.h
// builds the schedule for plasticc_run_trial where it is legal.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <string>
#include <vector>

namespace plasticc::transforms {

/// A trace the whole-trial schedule may compute after the trajectory.
struct DeferrableTrace {
  const ir::Quantity *trace = nullptr;
  std::string decay; // its coefficient c as written ("lambda", "1", "0.9 * lambda")
};

/// The result of analyzeTrialSchedule (see file comment).
struct TrialSchedule {
  bool legal = false;
  /// Why not, one line each: "the step writes weight W (12:3): ..." (empty when legal).
  std::vector<std::string> reasons;
  /// Quantities the step reads and does not write, other than inputs and
  /// noise (weights, params, meta, ...): constant over a trial.
  std::vector<const ir::Quantity *> trialConstant;
  /// Traces written in the step that may be deferred.
  std::vector<DeferrableTrace> deferrable;
};

/// Analyses `module` (with or without tangents).
TrialSchedule analyzeTrialSchedule(const ir::Module &module);

/// The analysis as lines for --emit=loops ("whole-trial schedule: legal", ...).
std::vector<std::string> describeTrialSchedule(const TrialSchedule &schedule);

} // namespace plasticc::transforms

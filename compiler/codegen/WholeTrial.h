//===- compiler/codegen/WholeTrial.h - the whole-trial entry points -------===//
//
// Builds plasticc_run_trial and plasticc_run_trial_primal (plasticc/abi.h)
// from the lowered begin_trial, step (or step_primal) and end_trial: one
// call runs a whole trial of a runtime number of steps.
//
// Step by step, the trial is a time loop around the step's body. When the
// whole-trial schedule is legal (transforms/TrialSchedule.h) the traces it
// names are deferred: the trial runs in segments of S steps; within a
// segment each step runs without the deferred traces' updates and stores
// the values those updates read (the trajectory: per-step temporaries,
// inputs, states as they were at that point of the step) into buffers of S
// entries; after the segment each nest that updated a deferred trace runs
// once, with the time loop moved inside its outermost loop, so a tile of
// the trace and of its tangent lanes stays in cache for S steps instead of
// streaming through memory at every step. Every trace element sees the same
// operations on the same values in the same order as step by step, so the
// results are the same bit for bit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/LoopIR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace plasticc::loops {

/// What addWholeTrial needs from the layout and the schedule analysis.
struct WholeTrialOptions {
  int64_t inputLength = 0; ///< doubles per step in the inputs vector
  int64_t noiseLength = 0; ///< doubles per step in the noise vector
  /// Each output quantity's (byte offset in the state, elements), in
  /// declaration order: copied to the caller's outputs after every step.
  std::vector<std::pair<int64_t, int64_t>> outputs;
  /// Byte offsets (value and tangent blocks) of the traces the schedule may
  /// defer; empty: the step-by-step schedule (a plain time loop).
  std::vector<int64_t> deferrable;
  /// Why `deferrable` is empty, for --emit=loops ("--schedule=step", ...).
  std::string notDeferred = "no trace to defer";
  /// Steps per segment; 0: as many as keep the trajectory within
  /// kTrajectoryBudget bytes (at most kMaxSegmentSteps).
  int64_t segmentSteps = 0;
  int64_t elemBytes = 8;
};

/// Trajectory bytes per segment the automatic segment length aims at: about
/// half of a core's L2 on current x86 parts, so that a tile of the traces
/// (8 rows with their tangent lanes) fits beside it.
constexpr int64_t kTrajectoryBudget = 512 * 1024;
constexpr int64_t kMaxSegmentSteps = 64;

/// Appends plasticc_run_trial and plasticc_run_trial_primal to `program`
/// (which holds the six step-by-step entry points of lowerToLoops). Returns
/// lines saying which schedule each got, for --emit=loops.
std::vector<std::string> addWholeTrial(Program &program, const WholeTrialOptions &options);

} // namespace plasticc::loops

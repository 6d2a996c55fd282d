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
  /// Byte offsets of every tangent block (what carries tangents in the step).
  std::vector<int64_t> tangentOffsets;
  /// Hoist the products of trial-constant tangents and primal values (dW
  /// r_t) out of the steps: pass A runs the segment's primal first.
  bool hoistConstantTangents = true;
  /// Why `deferrable` is empty, for --emit=loops ("--schedule=step", ...).
  std::string notDeferred = "no trace to defer";
  /// Steps per segment; 0: as many as keep a segment's buffers within
  /// kSegmentBudget bytes, between kMinSegmentSteps and kMaxSegmentSteps.
  int64_t segmentSteps = 0;
  int64_t elemBytes = 8;
};

/// Bytes per segment (trajectory, per-step products, row buffers) the
/// automatic segment length aims at, and its bounds. Measured on the
/// reference model (BENCHMARKS.md "Whole-trial schedule"): at N = 256 and
/// 512, d = 3, segments of 8 steps ran a meta-gradient fastest (0.58x and
/// 0.62x the hand-written kernel; 2 steps: 0.84x and 0.77x), so shorter
/// segments than 8 do not amortise the traces' traffic; at small N the
/// budget gives longer ones.
constexpr int64_t kSegmentBudget = 2 * 1024 * 1024;
constexpr int64_t kMinSegmentSteps = 8;
constexpr int64_t kMaxSegmentSteps = 64;

/// Appends plasticc_run_trial and plasticc_run_trial_primal to `program`
/// (which holds the six step-by-step entry points of lowerToLoops). Returns
/// lines saying which schedule each got, for --emit=loops.
std::vector<std::string> addWholeTrial(Program &program, const WholeTrialOptions &options);

} // namespace plasticc::loops

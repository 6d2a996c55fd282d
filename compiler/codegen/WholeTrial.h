//===- compiler/codegen/WholeTrial.h - the whole-trial entry points -------===//
//
// Builds plasticc_run_trial and plasticc_run_trial_primal (plasticc/abi.h)
// from the lowered begin_trial, step (or step_primal) and end_trial: one
// call runs a whole trial of a runtime number of steps.
//
// Without the whole-trial schedule (not legal, or --schedule=step) the trial
// is a time loop around the step's body. Where transforms/TrialSchedule.h
// finds it legal, the trial runs in segments of S steps (docs/codegen.md
// "Whole-trial schedule"), each in up to four parts:
//
//   pass A   the segment's primal steps alone, from copies of the states at
//            the segment's start, storing the primal values (r_t) that the
//            products of trial-constant tangents need (dW r_t);
//   hoisted  those products for every step of the segment, one nest each,
//            with the time loop just outside the innermost loop (a row of dW
//            stays in cache for S steps instead of streaming at every step);
//   pass B   the steps with tangents from the saved start, the hoisted
//            products added where they were, the deferred traces' updates
//            left out and what they read stored per step (the trajectory);
//   traces   each nest that updated a deferred trace (with its tangent
//            lanes), its time loop just outside its innermost loops, so a
//            row of the trace stays in cache over the segment.
//
// Every trace element and every reduction sees the same operations in the
// same order of steps as step by step; results differ only by rounding
// (where LLVM contracts to FMAs differently, and in the order of the
// hoisted sums): tests/unit/WholeTrialTest.cpp holds them to 1e-12.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/LoopIR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace plasticc::loops {

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
/// Measured on the reference model (BENCHMARKS.md; traces with their lanes
/// plus dW): with 1.1 MiB (N = 64, d = 3) the schedule took 1.1x the time of
/// the steps, with 1.2 MiB (N = 128, d = 1) 1.25x, with 2.5 MiB (N = 128, d
/// = 2) 0.9x, with 4.6 MiB (N = 128, d = 3) 0.85x.
constexpr int64_t kMinCachedBytes = 2 * 1024 * 1024;

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
  /// The whole-trial schedule is used only if the deferred traces and the
  /// hoisted products' constant tangents take at least this many bytes:
  /// smaller ones stay in cache step by step, and the schedule's own work
  /// (pass A, the trajectory) only costs.
  int64_t minCachedBytes = kMinCachedBytes;
  /// Why `deferrable` is empty, for --emit=loops ("--schedule=step", ...).
  std::string notDeferred = "no trace to defer";
  /// Steps per segment; 0: as many as keep a segment's buffers within
  /// kSegmentBudget bytes, between kMinSegmentSteps and kMaxSegmentSteps.
  int64_t segmentSteps = 0;
  int64_t elemBytes = 8;
};

/// Appends plasticc_run_trial and plasticc_run_trial_primal to `program`
/// (which holds the six step-by-step entry points of lowerToLoops). Returns
/// lines saying which schedule each got, for --emit=loops.
std::vector<std::string> addWholeTrial(Program &program, const WholeTrialOptions &options);

} // namespace plasticc::loops

//===- compiler/transforms/Activity.h - which values depend on meta -------===//
//
// Activity analysis for the tangent pass (DESIGN.md "The tangent pass"): a
// value is *active* when it depends on a meta parameter, and only active
// values get tangents, so a rule with few meta parameters costs little.
//
// Reads of meta quantities are active. A quantity carries a tangent
// (Quantity::hasTangent) when some write to it in the trial, step or reward
// region stores an active value; reads of such a quantity are active in
// those regions. Because writes in one region feed reads in another (a
// weight written in the reward event from an active trace is read by the
// next trial's steps), this is iterated to a fixed point over the regions.
// The init region is analysed with meta reads only: initial values get no
// tangents (docs/tangents.md "Initial values").
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <unordered_set>

namespace plasticc::transforms {

/// The result of the analysis: every active op of every region.
struct Activity {
  std::unordered_set<const ir::Op *> active;
  bool isActive(const ir::Op *op) const { return active.count(op) != 0; }
};

/// True when `op` has a tangent rule at all: false for leaves other than
/// reads, for compares, count, step, random draws, effects, and powi with
/// n = 0 (a constant 1).
bool isDifferentiable(const ir::Op &op);

/// The operands whose tangents flow into `op`'s tangent: all of them,
/// except the condition of select.
bool carriesTangent(const ir::Op &op, size_t operandIndex);

/// Runs the analysis on a module without tangent ops (module.lanes == 0):
/// sets hasTangent on meta quantities and on every quantity an active value
/// is written to (trial, step and reward regions), and returns the active
/// ops of all four regions. Pure otherwise: the ops are not changed.
///
/// What the score estimator treats as data: the quantities in `data` (the
/// sampled states) never get a tangent, and the values in `samples` (the
/// new values written to them) may be active themselves (their tangent is
/// dmu, the score's) but make none of their users active.
struct DataSet {
  std::unordered_set<const ir::Quantity *> quantities;
  std::unordered_set<const ir::Op *> samples;
};
Activity analyzeActivity(ir::Module &module, const DataSet &data = {});

} // namespace plasticc::transforms

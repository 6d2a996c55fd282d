//===- compiler/transforms/Tangent.h - forward-mode tangents of a model ---===//
//
// The tangent pass (DESIGN.md "The tangent pass"; MODEL.md "Meta-objective
// and its gradient"): every value that depends on a meta parameter gets a
// tangent with P lanes, P = number of meta scalars, so that the runtime can
// carry dS/dmeta forward through steps, reward events and trials.
//
// After the pass: module.lanes = P; Quantity::hasTangent marks the meta
// quantities and every quantity that stores a meta-dependent value
// (Activity.h); in the trial, step and reward regions each active op is
// followed by the ops of its tangent (TangentRules.h), named "d.<name>";
// each active read @q is followed by `read.tangent @q` (for a meta quantity
// the identity seed), each write to a quantity with a tangent by
// `write.tangent` (of zeros when the value written is inactive), and the
// reward region returns `ret %R, %dR` (dR a zero constant when R does not
// depend on meta). Primal ops are kept as they were, and inactive ops are
// left untouched. The init region gets no tangents.
//
// Runtime contract (every backend): at network init all tangents are zero;
// at trial start, after restoring the states, the tangents of states, traces
// and outputs are zeroed *before* the trial region runs (its tangent ops
// then set those of meta-dependent trace resets); tangents of weights and
// baselines persist across trials. See docs/tangents.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"
#include "support/Diagnostics.h"

#include <functional>

namespace plasticc::transforms {

/// Where a finding about an op is reported. The default is the op's own
/// location (its .plast source); for a parsed .plir module pass the op's
/// place in the .plir text (ir::ParsedLocations::at).
using OpLocator = std::function<Loc(const ir::Op &)>;

/// Runs the tangent pass on `module` (see file comment). A module without
/// meta parameters (P = 0) and one that already has tangents (lanes > 0,
/// e.g. read back from `--emit=tangent` output) are left unchanged.
/// Returns false, after reporting through `diag` at `locate(op)`, when an
/// initial value (init region) depends on a meta parameter: initial values
/// are not differentiated, so their gradient would silently be wrong.
///
/// With Estimator::Score (docs/tangents.md "Estimators"), the states whose
/// step update adds Gaussian noise (NoiseTerms.h) are data: they get no
/// tangent, so only direct dependence on meta flows (the trace's tangent is
/// driven by the rule's monomials, the weights' by the reward event with R
/// as data). At each such update `x = mu + s * xi` the step adds
/// sum_i (xi_i / s_i) dmu_i to the tangent lanes of a new scalar trace, the
/// score quantity (Quantity::score), which the runtime reads after the
/// reward event. Also false, with a located message, when the model has no
/// such noise (nothing explores), when noise enters a state otherwise, or
/// when a noise scale depends on meta.
bool computeTangents(ir::Module &module, DiagnosticEngine &diag, const OpLocator &locate = {},
                     ir::Estimator estimator = ir::Estimator::Pathwise);

} // namespace plasticc::transforms

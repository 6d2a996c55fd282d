//===- dialect/TrialStart.h - which states are derived from others --------===//
//
// plasticc_init computes each state's trial-start value once per network.
// Some are drawn or constant (`state x[N] = uniform(-0.1, 0.1)`); others are
// computed from states or weights initialised before them (`state xbar[N] = x`).
// After a caller has written states or weights, plasticc_set_trial_start
// computes the second kind again from the current values (include/plasticc/abi.h),
// so that a network set from outside starts its trials as one initialised
// with those values would. This file decides which init writes those are;
// the code generator and the interpreter both run exactly them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <vector>

namespace plasticc::ir {

/// The writes of the init region that set a state from other states or
/// weights: the value written depends, through the region's ops and
/// stopping at reads, on a read of a state or weight and on no random draw
/// (the lowering reads states and weights back in init for this). In
/// region order.
std::vector<const Op *> derivedStateWrites(const Region &init);

/// The ops a run of `writes` needs: the writes and their operands,
/// transitively, stopping at reads (a read then gives the quantity's
/// current value). Indexed like region.ops.
std::vector<bool> opsOfWrites(const Region &region, const std::vector<const Op *> &writes);

} // namespace plasticc::ir

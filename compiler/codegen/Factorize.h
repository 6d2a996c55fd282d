//===- compiler/codegen/Factorize.h - factoring separable synapse sums ----===//
//
// The synapse updates of a plasticity rule are sums of separable terms,
// e.g. e' = lambda e + sum_{a,b} theta_ab post_i^b r_j^a, and their tangents
// (P lanes) have twice as many terms. Evaluated as written, every term costs
// a multiply-add per synapse (and per lane). This pass rewrites the value of
// every synapse-shaped write as a sum of products, then:
//   1. groups terms by their column/synapse factors (r_j^a, e_ij, ...) and
//      sums the row and scalar factors of each group into one coefficient
//      vector over neurons (computed once per step in the neuron loops):
//      e' = lambda e + sum_a c_a(i) r_j^a with c_a = sum_b theta_ab post^b;
//   2. for tangents, groups those terms whose only lane-carrying factor is
//      the same column/synapse tangent T (e.g. dr_j), so the lane-free part
//      is one primal matrix H_ij computed once per synapse:
//      sum_a g_a(i) (a r_j^(a-1)) dr_pj = H_ij dr_pj.
// This is the hand-written reference's "fold the post side first", found by
// the compiler for any model. It reassociates floating-point sums (results
// agree with the op-by-op interpreter to ~1e-14 relative, not bit for bit).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

namespace plasticc::codegen {

/// Returns a copy of `region` (its ops owned by the result; quantities and
/// lanes are those of `module`) with the synapse-shaped written values
/// factored as described above where that removes terms. Values it cannot
/// expand (or where nothing merges) are copied unchanged.
ir::Region factorizeSeparableSums(const ir::Module &module, const ir::Region &region);

} // namespace plasticc::codegen

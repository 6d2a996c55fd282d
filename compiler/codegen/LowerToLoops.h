//===- compiler/codegen/LowerToLoops.h - dialect -> fused loop nests ------===//
//
// Lowers the four regions of a dialect module (after the tangent pass, or
// primal-only) into the six C ABI functions as loop IR (set_trial_start is
// the init writes of derived states, ir::derivedStateWrites). Fusion is by
// grouping: every op that computes over a domain (an elementwise op over its
// shape, a matvec over its matrix, a sum over its operand) joins the first
// group of the same shape that comes after everything it needs; a group is
// emitted as one loop nest whose primal and tangent (lane) sections share the
// outer loop. So in one step the trace update, its P tangents, the tangents
// of W and both matvecs W @ r and dW @ r + W @ dr share one nest over the
// synapses `for i { for j {..}; for p { for j {..} } }`, and elementwise
// chains over neurons share one loop. Values cross groups through
// temporaries (or straight through the quantity they are written to); a
// write that would clobber a value still to be read goes through a temporary
// and is copied back at the end of the function.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/LoopIR.h"
#include "dialect/IR.h"

namespace plasticc::loops {

/// Options of the lowering.
struct LowerOptions {
  ir::ElemType elem = ir::ElemType::F64; ///< element type of state and temporaries
  bool factorize = true; ///< factor separable synapse sums first (Factorize.h)
};

/// Lowers `module` to the loop IR of plasticc_init, plasticc_begin_trial,
/// plasticc_step, plasticc_step_primal and plasticc_end_trial (semantics in
/// runtime/Backend.h), over the storage of ir::computeLayout.
Program lowerToLoops(const ir::Module &module, const LowerOptions &options = {});

} // namespace plasticc::loops

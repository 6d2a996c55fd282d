//===- dialect/Verifier.h - structural checks of a dialect module ---------===//
//
// Checks what the builder cannot see op by op: every operand is defined
// earlier in the same region (dominance in straight-line code), types agree
// with inferType, reads/writes name quantities of the module and respect who
// may write what where (e.g. no write to a meta or input; plastic weights and
// baselines only in the reward region), at most one write per quantity per
// region, tangent ops only when module.lanes > 0, random draws only in init,
// and the reward region ends in `ret`. The full list of rules is in
// docs/ir.md ("Verifier rules"). For a module parsed from .plir text,
// ir::reportVerifierErrors (Parser.h) reports the findings at their places
// in that text.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <string>
#include <vector>

namespace plasticc::ir {

/// One verifier finding; `op` is null for module-level problems.
struct VerifierError {
  const Op *op;
  std::string message;
};

/// Returns every problem found (empty when the module is well formed).
std::vector<VerifierError> verify(const Module &module);

} // namespace plasticc::ir

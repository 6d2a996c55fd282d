//===- compiler/transforms/Simplify.h - folding, CSE and DCE of a module --===//
//
// The simplification pass (DESIGN.md "The pipeline": simplify/fuse), region
// by region on straight-line code:
//
//   folding  ops on splat constants become constants, computed with the
//            scalar meaning every backend uses (runtime/Elementwise.h), and
//            exact identities are applied: x*1, x/1, x+(-0), x-0, x+0 where x
//            cannot be -0, powi(x,0) = 1, powi(x,1) = x, neg(neg x) = x,
//            select of a constant condition or of equal branches, min/max of
//            equal operands, extract or bcast of a broadcast scalar, bcast
//            and extract of a constant; where the identity's value is smaller than the
//            result (s*1 with a scalar s and a vector 1, outer(1, v)), it is
//            broadcast to the result's type. IEEE semantics are kept: x*0 is *not* folded
//            (0*inf = nan); only `mul.checked x, 0` is, because its
//            definition makes it 0 (docs/tangents.md, "A zero tangent stays
//            zero"). Reductions and matvec of constants are not folded:
//            their value depends on the summation order of the backend.
//   CSE      identical pure ops (same kind, type, attributes, operands; for
//            reads, the same quantity with no write to it in between) are
//            merged into the first; add, mul, eq, ne match either operand
//            order.
//   DCE      pure ops whose result is unused are removed; reads and random
//            draws included. Writes and `ret` are the roots.
//
// Kept ops keep their location and name; a constant made by folding takes
// the location and name of the op it replaces. The result is bit for bit
// the same computation as the input; the module still verifies. The rules
// and their reasons are listed in docs/ir.md ("Simplification"); the
// folding rules live in Fold.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

namespace plasticc::transforms {

/// What simplify() changed (counts of ops), for tests and `-stats`-like output.
struct SimplifyStats {
  int folded = 0;  // ops replaced by a constant or by one of their operands
  int merged = 0;  // ops merged into an identical earlier op (CSE)
  int removed = 0; // unused pure ops deleted (DCE)
  int total() const { return folded + merged + removed; }
};

/// Simplifies every region of `module` in place (see file comment).
SimplifyStats simplify(ir::Module &module);

/// Simplifies one region of `module`.
SimplifyStats simplifyRegion(ir::Module &module, ir::Region &region);

} // namespace plasticc::transforms

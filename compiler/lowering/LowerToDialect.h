//===- compiler/lowering/LowerToDialect.h - checked AST to dialect IR -----===//
//
// Turns a checked ast::Module into an ir::Module through ir::Builder:
//
//   init    in declaration order: each meta default, param value, and the
//           initial value of each state, weight and baseline (random draws
//           use stream = the quantity's index in Module::quantities);
//   trial   the trial-start value of each trace;
//   step    the step block's statements in order;
//   reward  R (`reward R = expr`), then the `on reward` statements, `ret %R`.
//
// Within a region, the first read of a quantity is `read @q` and later reads
// see the value written last; locals are SSA values named after the local.
// Units are converted to SI. Indexed statements (e[i, j] = ...) keep work per
// neuron: a subexpression that varies only along i (or only along j) is a
// vector op, broadcast (or combined by `outer`) only where it meets the other
// index. Index sums are unrolled with integer constants for their indices.
// Every op carries the location of the AST node it came from.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"
#include "dialect/IR.h"

#include <memory>

namespace plasticc {

/// Lowers a checked module (module.checked must be true; anything Sema
/// accepted lowers, so a failure here is an internal error).
std::unique_ptr<ir::Module> lowerToDialect(const ast::Module &module);

} // namespace plasticc

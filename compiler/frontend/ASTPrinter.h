//===- compiler/frontend/ASTPrinter.h - the `--emit=ast` dump -------------===//
//
// Prints a syntax tree as an indented outline, one node per line, children
// two spaces deeper than their parent. Each line is
//
//   Kind details @line:col [: shape [unit]] [per i,j]
//
// where @line:col is where the node begins in the source, and the part after
// ':' appears once Sema has checked the tree: the value's shape ("scalar",
// "[128]", "[128,128]"), its unit when it has one ("s", "1/s"), and, inside
// an indexed statement, the statement indices the value varies along. For
// example, for `e[i, j] = lambda * e[i, j]`:
//
//   Assign e[i, j] = @48:3
//     Binary * @48:13 : scalar per i,j
//       Name lambda @48:13 : scalar
//       Index e[i, j] @48:22 : scalar per i,j
//
// Numbers print in shortest round-trip form with their unit as written
// (`Number 10 ms`). The output depends only on the tree: it is deterministic
// and suitable for FileCheck.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace plasticc::ast {

/// Writes the outline of `module` (see file comment) to `out`.
void printAST(const Module &module, std::ostream &out);
/// The outline of one expression, starting at indentation `indent`.
void printExpr(const Expr &expr, std::ostream &out, int indent = 0);

} // namespace plasticc::ast

//===- compiler/frontend/Parser.h - tokens of a .plast file to an AST -----===//
//
// A recursive-descent parser with precedence climbing for binary operators;
// each parse function carries its grammar production (docs/language.md has
// the whole grammar). It recovers at statement (and declaration) level, so
// one run reports several independent syntax errors, and it bounds recursion:
// parentheses, unary minus and `^` may nest at most kMaxNesting deep ("expression
// nested too deeply"), and no expression tree is taller than kMaxExprHeight,
// so that neither the parser nor any later recursive walk can exhaust the
// stack, whatever the input.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"

#include <memory>

namespace plasticc {

/// Deepest nesting of ( ), [ ], unary minus and `^` inside one expression.
inline constexpr unsigned kMaxNesting = 256;
/// Tallest expression tree (e.g. a chain of 1000 additions).
inline constexpr unsigned kMaxExprHeight = 1000;

/// Parses a whole .plast file. Always returns a module (possibly partial, or
/// empty); syntax errors are reported through `diag`, so check
/// diag.hasErrors() before using the tree.
std::unique_ptr<ast::Module> parseSource(const SourceFile &file, DiagnosticEngine &diag);

/// Parses `file` as a single expression (for tests and tools); nullptr and a
/// diagnostic on a syntax error or trailing tokens.
ast::ExprPtr parseExpression(const SourceFile &file, DiagnosticEngine &diag);

} // namespace plasticc

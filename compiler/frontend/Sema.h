//===- compiler/frontend/Sema.h - semantic checks of a parsed model -------===//
//
// Resolves every name of a parsed Module to a Symbol, computes the shape and
// the unit of every expression, and checks the rules of the language
// (docs/language.md): unique names, declaration order and initialisers per
// kind, shapes and index ranges, who may write what in `step` and
// `on reward`, one write per quantity per block, locals defined before use,
// R only inside `on reward`, units. Every violation is a located error
// (with notes at the other places involved); checking goes on after an
// error so that one run reports every independent problem.
//
// Decisions where the language spec is silent are listed, with their
// reasons, at the top of Sema.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"

namespace plasticc {

/// Checks and annotates `module` (see file comment). Returns true when there
/// was no error; then module.checked is set and lowering may run.
bool checkModule(ast::Module &module, DiagnosticEngine &diag);

/// Largest number of terms an index sum may unroll to (lowering unrolls them).
inline constexpr int64_t kMaxIndexSumTerms = 4096;
/// Largest dim value (keeps element counts far from int64 overflow).
inline constexpr int64_t kMaxDim = int64_t(1) << 24;

} // namespace plasticc

//===- compiler/frontend/CppImport.h - C++ helpers lifted into the language ===//
//
// `extern "helpers.cpp" { rate, soft_threshold }` lets a model call pure
// scalar C++ functions like built-ins. This module parses the file with
// Clang (libTooling, in-process, -std=c++17, the file's own includes) and
// lifts each named function into an ast::Helper: its body, run
// symbolically, becomes locals and a result written in the language's own
// expressions (arithmetic, comparisons, the elementwise built-ins, select),
// so a helper gets tangents, activity analysis, fusion and vectorisation
// exactly like code written in the model. The subset it lifts is stated in
// docs/language.md "Imports"; anything outside it is a located error in the
// C++ file with a note at the extern. Only this file includes Clang.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/AST.h"

#include <string>

namespace plasticc {

/// Most statements' worth of lifted expression nodes in one helper (loops
/// are unrolled, branches if-converted, so this bounds what a short C++
/// function can grow into).
inline constexpr size_t kMaxHelperNodes = 10000;
/// Most iterations of one loop of a helper (each is unrolled).
inline constexpr int64_t kMaxLoopTrips = 4096;

/// The path of an extern's file: `path` as written, relative to the
/// directory of the model file `modelPath` unless absolute.
std::string resolveImportPath(const std::string &modelPath, const std::string &path);

/// Parses the file of `decl` (relative to the model `diag` reports on) and
/// lifts the functions it names, and the functions those call, into
/// `module.helpers` (callees before callers; `imported` set for the named
/// ones), and records the file in `module.importedFiles`. Returns false
/// after an error: Clang's own errors as Clang words them, and every
/// construct outside the subset, each located in the C++ file with a note
/// at the extern; what did lift is still in module.helpers.
bool importHelpers(const ast::ExternDecl &decl, ast::Module &module, DiagnosticEngine &diag);

/// `text` (a model's source) followed by the text of every C++ file it
/// imported, in order: what the model's source hash covers, so that an
/// edited helper is a different model. Paths are left out (the extern
/// names them in `text`), so the hash does not depend on the directory a
/// tool runs in.
std::string withImportedSources(std::string text, const ast::Module &module);

} // namespace plasticc

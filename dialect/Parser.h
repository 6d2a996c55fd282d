//===- dialect/Parser.h - reading the printed dialect (*.plir) ------------===//
#pragma once

#include "dialect/IR.h"

#include <memory>

namespace plasticc::ir {

/// Parses a module printed by printModule (docs/ir.md). Type errors, unknown
/// ops, undefined or redefined SSA names, and verifier failures are reported
/// through `diag` at their place in the .plir text; returns nullptr then.
std::unique_ptr<Module> parseModule(const SourceFile &file, DiagnosticEngine &diag);

} // namespace plasticc::ir

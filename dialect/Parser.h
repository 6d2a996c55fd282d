//===- dialect/Parser.h - reading the printed dialect (*.plir) ------------===//
//
// Reads the canonical text form written by dialect/Printer.h (grammar in
// docs/ir.md) back into a Module. Every problem in the text is a user error
// reported through the DiagnosticEngine at its line:col in the .plir file;
// the parser never crashes on any input and returns nullptr on error.
//
// Op::loc and Quantity::loc keep the *original* .plast locations written as
// `loc(line:col)`, so the .plir position of each op is kept in a side table
// (ParsedLocations): verifier findings, and those of later passes run on a
// parsed module, are reported where the op sits in the .plir file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"
#include "dialect/Verifier.h"

#include <memory>
#include <unordered_map>
#include <vector>

namespace plasticc::ir {

/// Where the parts of a parsed module stand in the .plir text.
struct ParsedLocations {
  Loc module; // the `module` keyword
  std::unordered_map<const Op *, Loc> ops;
  std::unordered_map<const Quantity *, Loc> quantities;

  /// The .plir place of `op`; the module keyword for ops not parsed from the
  /// text (made by a later pass) and for module-level findings (op null).
  Loc at(const Op *op) const;
};

/// Parses a module printed by printModule (docs/ir.md). Type errors, unknown
/// ops, undefined or redefined SSA names, and verifier failures are reported
/// through `diag` at their place in the .plir text; returns nullptr then.
std::unique_ptr<Module> parseModule(const SourceFile &file, DiagnosticEngine &diag);

/// As above, and fills `locations` with the .plir place of every op and
/// quantity of the returned module.
std::unique_ptr<Module> parseModule(const SourceFile &file, DiagnosticEngine &diag,
                                    ParsedLocations &locations);

/// Reports verifier findings on a parsed module as errors at their .plir
/// places, in file order; returns true when there were any.
bool reportVerifierErrors(const std::vector<VerifierError> &errors,
                          const ParsedLocations &locations, DiagnosticEngine &diag);

} // namespace plasticc::ir

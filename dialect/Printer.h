//===- dialect/Printer.h - the canonical text form of the dialect ---------===//
//
// `plasticc --emit=ir` prints a module in this form, and dialect/Parser.h
// reads it back: print(parse(print(m))) == print(m), byte for byte. The
// grammar is documented in docs/ir.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <iosfwd>
#include <string>

namespace plasticc::ir {

/// Writes `module` in canonical text form (docs/ir.md) to `out`.
void printModule(const Module &module, std::ostream &out);
/// The canonical text form as a string.
std::string printModule(const Module &module);

} // namespace plasticc::ir

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

/// Writes `module` in canonical text form (docs/ir.md) to `out`. SSA names
/// come from Op::name, made unique per region (%r, %r.1, ...); unnamed
/// results are numbered %0, %1, ... in order. An ill-formed module (operand
/// not defined before its use) still prints, with `%<undefined>` in place of
/// the bad operand, so that it can be inspected; that text does not parse.
void printModule(const Module &module, std::ostream &out);
/// The canonical text form as a string.
std::string printModule(const Module &module);

/// Shortest decimal text that reads back to exactly `value` (std::to_chars),
/// with `inf`, `-inf`, `nan` and `-nan` (NaN payloads are not kept).
std::string formatDouble(double value);

} // namespace plasticc::ir

//===- compiler/codegen/HeaderEmitter.h - the per-model C header ----------===//
//
// `plasticc --emit=header -o model.h` writes the model's descriptor as
// macros (MODEL_STATE_BYTES, MODEL_X_OFFSET, ...) next to the entry points
// of plasticc/abi.h, so a C program can size and address the state without
// calling plasticc_info(). The numbers are those of the same descriptor the
// library returns, so the two agree by construction (and a test checks it).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/Descriptor.h"

#include <optional>
#include <string>

namespace plasticc::codegen {

/// Two quantities whose generated macros would have the same name (the
/// macro prefix upper-cases names, so `tau`, `TAU` collide, and `x_init`'s
/// X_INIT_OFFSET is also `x`'s). Indices into descriptor.quantities,
/// first < second.
struct MacroCollision {
  std::string macro; ///< the full macro name, e.g. "CASE2_TAU_INDEX"
  size_t first = 0, second = 0;
};

/// The first collision of generated macro names in declaration order, or
/// nullopt. Callers report it as a user error before emitHeader (a header
/// that defines one macro twice with different values is not valid C).
std::optional<MacroCollision> findMacroCollision(const ModelDescriptor &descriptor);

/// The C11 / C++17 header text for `descriptor`, which must have no macro
/// collision (findMacroCollision; a collision here is a compiler bug).
std::string emitHeader(const ModelDescriptor &descriptor);

/// The macro prefix of a name: upper case, non-alphanumerics as '_'.
std::string macroName(const std::string &name);

} // namespace plasticc::codegen

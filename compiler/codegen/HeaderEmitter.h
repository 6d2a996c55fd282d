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

#include <string>

namespace plasticc::codegen {

/// The C11 / C++17 header text for `descriptor`.
std::string emitHeader(const ModelDescriptor &descriptor);

/// The macro prefix of a name: upper case, non-alphanumerics as '_'.
std::string macroName(const std::string &name);

} // namespace plasticc::codegen

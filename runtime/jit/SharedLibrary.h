//===- runtime/jit/SharedLibrary.h - a model from a dlopen'ed .so ---------===//
//
// Loads a shared library built by `plasticc FILE -o model.so` and runs it
// through runtime::Backend. Each library is opened RTLD_LOCAL, so several
// models (all exporting the same plasticc_* names) can be loaded at once.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/jit/NativeModel.h"

#include <memory>
#include <string>

namespace plasticc::runtime {

/// Opens `path` (a name without '/' is a file in the current directory,
/// never searched on the library path), resolves the nine entry points and checks the descriptor
/// (and, when `expected` is given, that it describes the same model).
/// Returns nullptr and a message naming the library in `error` on failure:
/// no such file, not a plasticc model, ABI version or descriptor mismatch.
std::unique_ptr<NativeModel> loadSharedLibrary(const std::string &path, std::string &error,
                                               const ModelInfo *expected = nullptr);

} // namespace plasticc::runtime

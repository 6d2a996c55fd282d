//===- runtime/jit/JIT.h - a model compiled in-process (ORC LLJIT) --------===//
//
// Runs the same native pipeline as `plasticc -o model.so` (lower, LLVM IR,
// O3 for the host CPU) and hands the module to an ORC LLJIT session; the
// resulting entry points are wrapped in the same NativeModel (a
// runtime::Backend) as a dlopen'ed library, so callers cannot tell the two
// apart except by speed of start-up.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/Pipeline.h"
#include "dialect/IR.h"
#include "runtime/jit/NativeModel.h"

#include <memory>
#include <string>

namespace plasticc::runtime {

/// JIT-compiles `module` (`source` is hashed into its descriptor). Returns
/// nullptr and `error` on failure (target setup, JIT linking).
std::unique_ptr<NativeModel> jitCompile(const ir::Module &module, const std::string &source,
                                        const codegen::NativeOptions &options, std::string &error);

} // namespace plasticc::runtime

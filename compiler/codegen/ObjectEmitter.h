//===- compiler/codegen/ObjectEmitter.h - objects, assembly, shared libs --===//
//
// Turns an optimised LLVM module into an object file or assembly text with
// the target machine, and links an object into a shared library through the
// system toolchain (clang-19, which drives ld.lld-19 or the system linker,
// with -lm for the libm calls of tanh/exp/log/pow and the random draws).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace plasticc::codegen {

enum class FileKind { Object, Assembly };

/// Writes `module` as an object or assembly file to `path`; false and
/// `error` on failure.
bool emitFile(llvm::Module &module, llvm::TargetMachine &tm, FileKind kind, const std::string &path,
              std::string &error);

/// Writes `module` as an object or assembly into `out`.
bool emitToString(llvm::Module &module, llvm::TargetMachine &tm, FileKind kind, std::string &out,
                  std::string &error);

/// Links object `objectPath` into shared library `soPath`; false and
/// `error` (with the linker's output) on failure.
bool linkSharedLibrary(const std::string &objectPath, const std::string &soPath, std::string &error);

} // namespace plasticc::codegen

//===- compiler/codegen/Optimize.h - target machine and LLVM pipelines ----===//
//
// The target is the host CPU by default (the equivalent of -march=native:
// host CPU name and its detected features), or the CPU named by
// --target-cpu. The optimisation pipeline is LLVM's new pass manager default
// pipeline at -O0..-O3 (O3 by default), run with that target's cost model so
// the fused loops vectorise for its vector width.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace plasticc::codegen {

/// What to generate code for.
struct TargetOptions {
  std::string cpu;   ///< "" or "native": the host CPU and its features
  int optLevel = 3;  ///< 0..3
  bool pic = true;   ///< position-independent (shared libraries, JIT)
};

/// Initialises LLVM's native target once per process (thread-safe).
void initializeNativeTarget();

/// A target machine for the host triple; nullptr and `error` on failure
/// (e.g. an unknown --target-cpu).
std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetOptions &options,
                                                         std::string &error);

/// Sets the module's triple and data layout and the functions' target-cpu
/// and target-features from `tm` (before optimising or JIT-compiling).
void prepareModule(llvm::Module &module, llvm::TargetMachine &tm);

/// Runs the default new-pass-manager pipeline at `optLevel` (0..3).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm, int optLevel);

} // namespace plasticc::codegen

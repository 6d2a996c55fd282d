//===- compiler/codegen/Pipeline.h - dialect module -> optimised LLVM -----===//
//
// The native pipeline shared by the driver (objects, libraries, --emit=...)
// and the JIT: lower to loop IR, emit LLVM IR, prepare it for the target and
// optimise. Each stage's wall time is recorded for --time-passes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/Descriptor.h"
#include "compiler/codegen/LoopIR.h"
#include "compiler/codegen/Optimize.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace plasticc::codegen {

/// How to compile.
struct NativeOptions {
  TargetOptions target; ///< CPU (host by default) and -O level
  bool fp32 = false;    ///< single precision state and arithmetic
  bool optimize = true; ///< false: stop before the LLVM pipeline (--emit=llvm-unopt)
  bool factorize = true; ///< factor separable synapse sums (Factorize.h)
  /// Let LLVM fuse a multiply and a dependent add into one FMA (`contract`
  /// on the arithmetic of every entry point but plasticc_init; see
  /// docs/codegen.md, Numerics). False: every op rounds as in the interpreter.
  bool fpContract = true;
  /// plasticc_run_trial uses the whole-trial schedule where it is legal
  /// (transforms/TrialSchedule.h); false: a plain time loop (--schedule=step).
  bool wholeTrial = true;
  /// ... and only if what it keeps in cache takes at least this many bytes
  /// (WholeTrial.h kMinCachedBytes; 0 with --schedule=whole).
  int64_t wholeTrialMinBytes = -1;
  /// Steps per segment of the whole-trial schedule; 0: chosen (WholeTrial.h).
  int64_t segmentSteps = 0;
};

/// The products of the pipeline (see file comment).
struct NativeModule {
  ModelDescriptor descriptor;
  loops::Program loops;
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  std::unique_ptr<llvm::TargetMachine> targetMachine;
  std::vector<std::pair<std::string, double>> times; ///< (stage, seconds)

  NativeModule();
  NativeModule(NativeModule &&) noexcept;
  NativeModule &operator=(NativeModule &&) noexcept;
  ~NativeModule();
};

/// Runs the pipeline on `module` (a dialect module, after the tangent pass
/// or not); `source` is hashed into the descriptor. False and `error` when
/// the target cannot be set up (e.g. an unknown --target-cpu).
bool buildNative(const ir::Module &module, const std::string &source, const NativeOptions &options,
                 NativeModule &out, std::string &error);

/// Stage timings as "  stage  12.3 ms" lines, for --time-passes.
std::string formatTimes(const std::vector<std::pair<std::string, double>> &times);

} // namespace plasticc::codegen

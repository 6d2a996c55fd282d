//===- compiler/driver/NativeFlags.h - command-line flags of native output -===//
//
// The flags of the native stages (EmitNative.cpp): -c, -O0..-O3,
// --target-cpu, --fp32, --no-fma, --schedule, --segment-steps, --time-passes. Kept apart from Driver.h's Options so
// the native stages can grow flags without touching the front end's driver.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc::driver {

/// Flags of the native stages (see file comment).
struct NativeFlags {
  bool compileOnly = false; ///< -c: write an object file
  int optLevel = 3;         ///< -O0..-O3
  std::string targetCpu;    ///< --target-cpu (default: the host CPU, like -march=native)
  bool fp32 = false;        ///< --fp32: single precision throughout
  bool timePasses = false;  ///< --time-passes: stage times on stderr
  bool noFma = false;       ///< --no-fma: no multiply-add contraction (codegen.md, Numerics)
  std::string schedule = "auto"; ///< --schedule: auto, whole (wherever legal) or step
  int64_t segmentSteps = 0; ///< --segment-steps: steps per segment of the whole-trial schedule (0: chosen)
};

} // namespace plasticc::driver

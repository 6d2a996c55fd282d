//===- bench/CompiledRnn.h - the reference model compiled by plasticc -----===//
//
// examples/rnn_poly.plast (MODEL.md's reference model in the DSL) at any N
// and degree d: its `dim N` and `dim D` lines are rewritten (D = d + 1),
// then it goes through the same pipeline as `plasticc -o model.so` (front
// end, tangent pass, loop IR, LLVM -O3 for the host CPU), either into this
// process (ORC JIT) or into a shared library for a child process.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/jit/NativeModel.h"

#include <memory>
#include <string>

namespace plasticc::bench {

/// The text of examples/rnn_poly.plast with N = n and D = d1; "" and
/// `error` if the file cannot be read or has no such dim lines.
std::string rnnPolySource(int n, int d1, std::string &error);

/// JIT-compiles the model at (n, d1); nullptr and `error` on failure.
/// `seconds` (if given) receives the wall time of the whole compilation.
/// `segmentSteps`: the whole-trial schedule's segment length (0: chosen).
std::unique_ptr<runtime::NativeModel> jitRnnPoly(int n, int d1, std::string &error,
                                                 double *seconds = nullptr, int64_t segmentSteps = 0);

/// Builds the model at (n, d1) into the shared library `soPath` (object
/// next to it); false and `error` on failure.
bool buildRnnPolyLibrary(int n, int d1, const std::string &soPath, std::string &error);

} // namespace plasticc::bench

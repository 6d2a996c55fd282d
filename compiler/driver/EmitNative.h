//===- compiler/driver/EmitNative.h - the native stages of `plasticc` -----===//
//
// The emit kinds after the dialect: loops (the fused loop IR), llvm-unopt,
// llvm, asm, obj, so (shared library) and header. Each runs the tangent
// pass (when the model has meta parameters and no tangents yet), then the
// native pipeline of compiler/codegen/Pipeline.h. `plasticc FILE -o x.so`
// and `plasticc -c FILE -o x.o` pick `so` and `obj` without --emit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/driver/Driver.h"

namespace CLI {
class App;
}

namespace plasticc::driver {

int emitLoops(Compilation &c, std::ostream &out);
int emitLLVMUnopt(Compilation &c, std::ostream &out);
int emitLLVMOpt(Compilation &c, std::ostream &out);
int emitAsm(Compilation &c, std::ostream &out);
int emitObject(Compilation &c, std::ostream &out);
int emitSharedLibrary(Compilation &c, std::ostream &out);
int emitHeaderFile(Compilation &c, std::ostream &out);

/// Adds -c, -O<n>, --target-cpu, --fp32, --no-fma and --time-passes to `app`.
void addNativeOptions(CLI::App &app, Options &options);
/// After parsing: without --emit, `-o X.so` means so, `-c` means obj.
void chooseNativeEmit(CLI::App &app, Options &options);

} // namespace plasticc::driver

//===- compiler/driver/EmitNative.h - the native stages of `plasticc` -----===//
//
// The emit kinds after the dialect: loops (the fused loop IR), llvm-unopt,
// llvm, asm, obj, so (shared library) and header. Each runs the tangent
// pass (when the model has meta parameters and no tangents yet), then the
// native pipeline of compiler/codegen/Pipeline.h. `plasticc FILE -o x.so`
// and `plasticc FILE -o x.o` (or `-c`) pick `so` and `obj` without --emit.
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
/// After parsing: without --emit, `-o X.so` means so, `-c` or `-o X.o`
/// means obj. Usage errors (exit 2, message on `errs`): -c with another
/// --emit, and binary output (obj, so) to stdout when it is a terminal.
/// Returns ExitOk or ExitUsage.
int chooseNativeEmit(CLI::App &app, Options &options, std::ostream &errs);

/// Usage error (exit 2, one message on `errs`) when --target-cpu names a
/// CPU LLVM does not know for this machine's triple; checked up front, for
/// every emit kind. Returns ExitOk or ExitUsage.
int checkTargetCpu(const NativeFlags &flags, std::ostream &errs);

} // namespace plasticc::driver

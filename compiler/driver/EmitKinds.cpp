//===- compiler/driver/EmitKinds.cpp - the table of `--emit` kinds --------===//
//
// One function per emit kind and the table that names them. A new stage
// adds its function (here or in its own file of compiler/driver/) and one
// line in kEmitKinds; `--help` and the unknown-value message list the table.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"
#include "compiler/driver/EmitNative.h"

#include "compiler/frontend/ASTPrinter.h"
#include "compiler/transforms/Simplify.h"
#include "dialect/Printer.h"

#include <iostream>
#include <iterator>
#include <ostream>

namespace plasticc::driver {

namespace {

/// --emit=ast: the checked syntax tree (ASTPrinter.h describes the format).
int emitAST(Compilation &c, std::ostream &out) {
  if (c.isIRInput()) {
    std::cerr << "plasticc: error: --emit=ast needs a .plast model, not a .plir module\n";
    return ExitUsage;
  }
  ast::Module *m = c.checkedAST();
  if (!m)
    return ExitUserError;
  ast::printAST(*m, out);
  return ExitOk;
}

/// --emit=ir: the verified dialect module in canonical text form.
int emitIR(Compilation &c, std::ostream &out) {
  ir::Module *m = c.dialect();
  if (!m)
    return ExitUserError;
  if (c.options().simplify)
    transforms::simplify(*m);
  ir::printModule(*m, out);
  return ExitOk;
}

constexpr EmitKind kEmitKinds[] = {
    {"ast", "the checked syntax tree", emitAST},
    {"ir", "the dialect IR after lowering and verification (default)", emitIR},
    {"tangent", "the dialect IR after the tangent pass (forward-mode tangents w.r.t. meta)",
     emitTangent},
    {"loops", "the fused loop nests of the five entry points (after tangents)", emitLoops},
    {"llvm-unopt", "LLVM IR before optimisation", emitLLVMUnopt},
    {"llvm", "LLVM IR after optimisation (-O3 for the host CPU by default)", emitLLVMOpt},
    {"asm", "assembly for the target CPU", emitAsm},
    {"obj", "an object file (also: -c, or -o FILE.o; never to a terminal)", emitObject},
    {"so", "a shared library (also: -o FILE.so; never to a terminal)", emitSharedLibrary},
    {"header", "the model's C header (descriptor macros; see plasticc/abi.h)", emitHeaderFile},
};

} // namespace

std::span<const EmitKind> emitKinds() { return {kEmitKinds, std::size(kEmitKinds)}; }

} // namespace plasticc::driver

//===- compiler/codegen/LLVMCodegen.h - loop IR -> LLVM IR (IRBuilder) ----===//
//
// Each loop IR function becomes an internal, always-inlined implementation
// that takes one `noalias` pointer per buffer it touches (each state slot is a
// disjoint 64-byte-aligned block, so this is exact, and it lets LLVM vectorise
// the fused nests without runtime alias checks), wrapped by the exported C
// ABI entry point that computes those pointers from `state`. Math follows the
// reference interpreter: libm for tanh/exp/log/pow, no FP contraction, and
// reassociation only on the `+=` of reductions (so they vectorise).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/codegen/Descriptor.h"
#include "compiler/codegen/LoopIR.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace plasticc::codegen {

/// Builds the unoptimised LLVM module of `program`: the five entry points of
/// include/plasticc/abi.h and plasticc_info() returning `descriptor`.
std::unique_ptr<llvm::Module> emitLLVM(const loops::Program &program,
                                       const ModelDescriptor &descriptor,
                                       llvm::LLVMContext &context);

} // namespace plasticc::codegen

//===- compiler/codegen/LLVMCodegen.h - loop IR -> LLVM IR (IRBuilder) ----===//
//
// Each loop IR function becomes an internal, always-inlined implementation
// that takes one `noalias` pointer per buffer it touches (each state slot is a
// disjoint 64-byte-aligned block, so this is exact, and it lets LLVM vectorise
// the fused nests without runtime alias checks), wrapped by the exported C
// ABI entry point that computes those pointers from `state`. Math follows the
// reference interpreter: libm for tanh/exp/log/pow, reassociation only on the
// `+=` of reductions (so they vectorise), and, unless disabled, contraction of
// a multiply and an add into an FMA (`contract`) everywhere but in
// plasticc_init, whose random draws and initial values stay bit-identical.
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
/// `fpContract`: mark the floating-point arithmetic of every entry point but
/// plasticc_init `contract` (FMA allowed).
std::unique_ptr<llvm::Module> emitLLVM(const loops::Program &program,
                                       const ModelDescriptor &descriptor,
                                       llvm::LLVMContext &context, bool fpContract = true);

} // namespace plasticc::codegen

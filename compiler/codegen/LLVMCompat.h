//===- compiler/codegen/LLVMCompat.h - the one home of LLVM version shims -===//
//
// plasticc is pinned to LLVM 19; anything that differs between LLVM releases
// and that the code generator relies on is wrapped here, and only here, so a
// port to another release touches one file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/Config/llvm-config.h>
#include <llvm/Support/CodeGen.h>

static_assert(LLVM_VERSION_MAJOR == 19, "plasticc is pinned to LLVM 19 (see LLVMCompat.h)");

namespace plasticc::codegen::compat {

/// The code generator's optimisation level for -O0..-O3 (an enum class
/// llvm::CodeGenOptLevel since LLVM 18).
inline llvm::CodeGenOptLevel codeGenOptLevel(int level) {
  switch (level) {
  case 0: return llvm::CodeGenOptLevel::None;
  case 1: return llvm::CodeGenOptLevel::Less;
  case 2: return llvm::CodeGenOptLevel::Default;
  default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

} // namespace plasticc::codegen::compat

//===- runtime/jit/JIT.cpp - ORC LLJIT session per model ------------------===//
#include "runtime/jit/JIT.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Target/TargetMachine.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace plasticc::runtime {

namespace {

/// The C library functions generated code calls, bound to this process's
/// definitions (so the JIT needs no libm on its search path).
llvm::orc::SymbolMap libcSymbols(llvm::orc::LLJIT &jit) {
  llvm::orc::SymbolMap map;
  auto add = [&](const char *name, auto *fn) {
    map[jit.mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(reinterpret_cast<void *>(fn)),
                                      llvm::JITSymbolFlags::Exported};
  };
  // Every function of codegen's kCalls (LLVMCodegen.cpp), in both
  // precisions; llvm.sin, llvm.cos, llvm.floor and llvm.ceil may become
  // calls too, and cos is also Box-Muller's.
#define PLASTICC_LIBM(name)                                                                        \
  add(#name, static_cast<double (*)(double)>(::name));                                             \
  add(#name "f", static_cast<float (*)(float)>(::name##f));
  PLASTICC_LIBM(tanh)
  PLASTICC_LIBM(exp)
  PLASTICC_LIBM(log)
  PLASTICC_LIBM(sin)
  PLASTICC_LIBM(cos)
  PLASTICC_LIBM(tan)
  PLASTICC_LIBM(asin)
  PLASTICC_LIBM(acos)
  PLASTICC_LIBM(atan)
  PLASTICC_LIBM(sinh)
  PLASTICC_LIBM(cosh)
  PLASTICC_LIBM(log1p)
  PLASTICC_LIBM(expm1)
  PLASTICC_LIBM(floor)
  PLASTICC_LIBM(ceil)
#undef PLASTICC_LIBM
  add("pow", static_cast<double (*)(double, double)>(::pow));
  add("powf", static_cast<float (*)(float, float)>(::powf));
  add("atan2", static_cast<double (*)(double, double)>(::atan2));
  add("atan2f", static_cast<float (*)(float, float)>(::atan2f));
  // The backend merges a sin and a cos of one value into one call.
  add("sincos", static_cast<void (*)(double, double *, double *)>(::sincos));
  add("sincosf", static_cast<void (*)(float, float *, float *)>(::sincosf));
  add("malloc", &::malloc);
  add("free", &::free);
  add("memset", &::memset);
  add("memcpy", &::memcpy);
  add("memmove", &::memmove);
  return map;
}

std::string message(llvm::Error e) { return llvm::toString(std::move(e)); }

} // namespace

std::unique_ptr<NativeModel> jitCompile(const ir::Module &module, const std::string &source,
                                        const codegen::NativeOptions &options, std::string &error) {
  codegen::NativeModule native;
  codegen::NativeOptions opts = options;
  opts.target.pic = true;
  if (!codegen::buildNative(module, source, opts, native, error))
    return nullptr;
  llvm::TargetMachine &tm = *native.targetMachine;
  llvm::orc::JITTargetMachineBuilder jtmb(tm.getTargetTriple());
  jtmb.setCPU(tm.getTargetCPU().str());
  jtmb.addFeatures({tm.getTargetFeatureString().str()});
  jtmb.setCodeGenOptLevel(tm.getOptLevel());
  jtmb.getOptions().AllowFPOpFusion = llvm::FPOpFusion::Standard;
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create();
  if (!jit) {
    error = "cannot start the JIT: " + message(jit.takeError());
    return nullptr;
  }
  std::shared_ptr<llvm::orc::LLJIT> session(std::move(*jit));
  llvm::orc::JITDylib &lib = session->getMainJITDylib();
  if (auto e = lib.define(llvm::orc::absoluteSymbols(libcSymbols(*session)))) {
    error = "JIT: " + message(std::move(e));
    return nullptr;
  }
  auto gen = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      session->getDataLayout().getGlobalPrefix());
  if (gen)
    lib.addGenerator(std::move(*gen));
  else
    llvm::consumeError(gen.takeError());
  native.module->setDataLayout(session->getDataLayout());
  llvm::orc::ThreadSafeModule tsm(std::move(native.module), std::move(native.context));
  if (auto e = session->addIRModule(std::move(tsm))) {
    error = "JIT: " + message(std::move(e));
    return nullptr;
  }
  EntryPoints ep;
  bool ok = true;
  auto sym = [&](auto &fn, const char *name) {
    auto addr = session->lookup(name);
    if (!addr) {
      error = std::string("JIT: cannot resolve ") + name + ": " + message(addr.takeError());
      ok = false;
      return;
    }
    fn = addr->toPtr<std::remove_reference_t<decltype(fn)>>();
  };
  sym(ep.info, "plasticc_info");
  if (ok)
    sym(ep.init, "plasticc_init");
  if (ok)
    sym(ep.setTrialStart, "plasticc_set_trial_start");
  if (ok)
    sym(ep.beginTrial, "plasticc_begin_trial");
  if (ok)
    sym(ep.step, "plasticc_step");
  if (ok)
    sym(ep.stepPrimal, "plasticc_step_primal");
  if (ok)
    sym(ep.endTrial, "plasticc_end_trial");
  if (ok)
    sym(ep.runTrial, "plasticc_run_trial");
  if (ok)
    sym(ep.runTrialPrimal, "plasticc_run_trial_primal");
  if (!ok)
    return nullptr;
  return NativeModel::create(ep, std::static_pointer_cast<void>(session), nullptr, error);
}

} // namespace plasticc::runtime

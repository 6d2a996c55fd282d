//===- compiler/codegen/Pipeline.cpp - the native pipeline ----------------===//
#include "compiler/codegen/Pipeline.h"

#include "compiler/codegen/LLVMCodegen.h"
#include "compiler/codegen/LowerToLoops.h"
#include "compiler/codegen/WholeTrial.h"
#include "compiler/transforms/TrialSchedule.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <chrono>
#include <cstdio>

namespace plasticc::codegen {

NativeModule::NativeModule() = default;
NativeModule::NativeModule(NativeModule &&) noexcept = default;
NativeModule &NativeModule::operator=(NativeModule &&) noexcept = default;
NativeModule::~NativeModule() {
  module.reset(); // before its context
  context.reset();
}

namespace {
/// Seconds since `start`, and restarts the clock.
double lap(std::chrono::steady_clock::time_point &start) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - start).count();
  start = now;
  return s;
}

/// What loops::addWholeTrial needs: the descriptor's lengths and offsets,
/// and the traces the schedule analysis allows deferred.
loops::WholeTrialOptions wholeTrialOptions(const ir::Module &module, const ModelDescriptor &d,
                                           const NativeOptions &options) {
  loops::WholeTrialOptions w;
  w.inputLength = d.inputLength;
  w.noiseLength = d.noiseLength;
  w.elemBytes = options.fp32 ? 4 : 8;
  w.segmentSteps = options.segmentSteps;
  for (const QuantityDescriptor &q : d.quantities) {
    if (q.kind == ir::QuantityKind::Output)
      w.outputs.push_back({q.offset, q.shape[0] * q.shape[1]});
    if (q.tangentOffset >= 0)
      w.tangentOffsets.push_back(q.tangentOffset);
  }
  transforms::TrialSchedule schedule = transforms::analyzeTrialSchedule(module);
  w.notDeferred = !options.wholeTrial ? "--schedule=step"
                  : !schedule.legal  ? "the whole-trial schedule is not legal"
                                     : "no trace vector or matrix to defer";
  w.hoistConstantTangents = options.wholeTrial && schedule.legal;
  if (options.wholeTrialMinBytes >= 0)
    w.minCachedBytes = options.wholeTrialMinBytes;
  if (options.wholeTrial && schedule.legal)
    for (const transforms::DeferrableTrace &t : schedule.deferrable)
      if (t.trace->type.rank > 0) // scalars gain nothing from it
        for (const QuantityDescriptor &q : d.quantities)
          if (q.name == t.trace->name) {
            w.deferrable.push_back(q.offset);
            if (q.tangentOffset >= 0)
              w.deferrable.push_back(q.tangentOffset);
          }
  return w;
}

} // namespace

bool buildNative(const ir::Module &module, const std::string &source, const NativeOptions &options,
                 NativeModule &out, std::string &error) {
  auto clock = std::chrono::steady_clock::now();
  out.targetMachine = createTargetMachine(options.target, error);
  if (!out.targetMachine)
    return false;
  out.times.push_back({"target setup", lap(clock)});
  ir::ElemType elem = options.fp32 ? ir::ElemType::F32 : ir::ElemType::F64;
  out.descriptor = describeModel(module, elem, source);
  loops::LowerOptions lower;
  lower.elem = elem;
  lower.factorize = options.factorize;
  out.loops = loops::lowerToLoops(module, lower);
  for (const std::string &line :
       loops::addWholeTrial(out.loops, wholeTrialOptions(module, out.descriptor, options)))
    out.loops.schedule.push_back(line);
  out.times.push_back({"lower to loops", lap(clock)});
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = emitLLVM(out.loops, out.descriptor, *out.context, options.fpContract);
  prepareModule(*out.module, *out.targetMachine);
  out.times.push_back({"LLVM IR generation", lap(clock)});
  if (options.optimize) {
    optimizeModule(*out.module, *out.targetMachine, options.target.optLevel);
    out.times.push_back({"LLVM optimisation -O" + std::to_string(options.target.optLevel), lap(clock)});
  }
  return true;
}

std::string formatTimes(const std::vector<std::pair<std::string, double>> &times) {
  std::string out = "===- plasticc stage times -===\n";
  double total = 0;
  char line[128];
  for (auto &[stage, s] : times) {
    std::snprintf(line, sizeof line, "  %-28s %9.2f ms\n", stage.c_str(), s * 1e3);
    out += line;
    total += s;
  }
  std::snprintf(line, sizeof line, "  %-28s %9.2f ms\n", "total", total * 1e3);
  return out + line;
}

} // namespace plasticc::codegen

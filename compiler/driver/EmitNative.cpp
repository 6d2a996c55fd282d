//===- compiler/driver/EmitNative.cpp - the native stages of `plasticc` ---===//
#include "compiler/driver/EmitNative.h"
#include "compiler/driver/StateSize.h"
#include "compiler/driver/TangentStages.h"

#include "compiler/codegen/HeaderEmitter.h"
#include "compiler/codegen/ObjectEmitter.h"
#include "compiler/codegen/Optimize.h"
#include "compiler/codegen/Pipeline.h"
#include "compiler/transforms/Tangent.h"
#include "compiler/transforms/TrialSchedule.h"

#include <CLI/CLI.hpp>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>

#include <chrono>
#include <iostream>
#include <string>
#include <unistd.h>

namespace plasticc::driver {

namespace {

/// The differentiated dialect module, or nullptr after (reported) errors.
ir::Module *differentiated(Compilation &c) { return differentiate(c); }

/// A warning when one network's state is larger than this machine's memory
/// (the output is still written: it may be meant for a bigger machine).
void warnIfStateTooBig(Compilation &c, const ir::Module &m) {
  std::string big = stateTooBig(m, c.options().native.fp32 ? 4 : 8);
  if (!big.empty())
    std::cerr << "plasticc: warning: " << big << "; " << machineMemory() << "\n";
}

/// Runs the native pipeline; prints stage times with --time-passes.
bool build(Compilation &c, bool optimize, codegen::NativeModule &out, int &code) {
  auto start = std::chrono::steady_clock::now();
  ir::Module *m = differentiated(c);
  if (!m) {
    code = ExitUserError;
    return false;
  }
  double front = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const NativeFlags &f = c.options().native;
  codegen::NativeOptions opts;
  opts.target.cpu = f.targetCpu;
  opts.target.optLevel = f.optLevel;
  opts.fp32 = f.fp32;
  opts.fpContract = !f.noFma;
  opts.wholeTrial = f.schedule != "step";
  if (f.schedule == "whole")
    opts.wholeTrialMinBytes = 0;
  opts.segmentSteps = f.segmentSteps;
  opts.optimize = optimize;
  std::string error;
  if (!codegen::buildNative(*m, c.hashedSource(), opts, out, error)) {
    std::cerr << "plasticc: error: " << error << "\n";
    code = ExitUsage;
    return false;
  }
  out.times.insert(out.times.begin(), {"front end, dialect, tangents", front});
  if (optimize)
    warnIfStateTooBig(c, *m);
  return true;
}

void reportTimes(Compilation &c, codegen::NativeModule &m) {
  if (c.options().native.timePasses)
    std::cerr << codegen::formatTimes(m.times);
}

int printModule(Compilation &c, std::ostream &out, bool optimize) {
  codegen::NativeModule m;
  int code = ExitOk;
  if (!build(c, optimize, m, code))
    return code;
  std::string text;
  llvm::raw_string_ostream os(text);
  m.module->print(os, nullptr);
  os.flush();
  out << text;
  reportTimes(c, m);
  return ExitOk;
}

int emitMachineCode(Compilation &c, std::ostream &out, codegen::FileKind kind) {
  codegen::NativeModule m;
  int code = ExitOk;
  if (!build(c, true, m, code))
    return code;
  auto start = std::chrono::steady_clock::now();
  std::string bytes, error;
  if (!codegen::emitToString(*m.module, *m.targetMachine, kind, bytes, error)) {
    std::cerr << "plasticc: error: " << error << "\n";
    return ExitUsage;
  }
  m.times.push_back({kind == codegen::FileKind::Object ? "object code" : "assembly",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  out << bytes;
  reportTimes(c, m);
  return ExitOk;
}

} // namespace

int emitLoops(Compilation &c, std::ostream &out) {
  codegen::NativeModule m;
  int code = ExitOk;
  if (!build(c, false, m, code))
    return code;
  std::vector<std::string> chosen = std::move(m.loops.schedule); // buildNative's, per run_trial
  m.loops.schedule = {"schedule: the per-step entry points run once per call; plasticc_run_trial "
                      "runs a whole trial"};
  for (const std::string &line :
       transforms::describeTrialSchedule(transforms::analyzeTrialSchedule(*differentiated(c))))
    m.loops.schedule.push_back(line);
  for (const std::string &line : chosen)
    m.loops.schedule.push_back("  " + line);
  loops::printProgram(m.loops, out);
  reportTimes(c, m);
  return ExitOk;
}

int emitLLVMUnopt(Compilation &c, std::ostream &out) { return printModule(c, out, false); }
int emitLLVMOpt(Compilation &c, std::ostream &out) { return printModule(c, out, true); }
int emitAsm(Compilation &c, std::ostream &out) { return emitMachineCode(c, out, codegen::FileKind::Assembly); }
int emitObject(Compilation &c, std::ostream &out) { return emitMachineCode(c, out, codegen::FileKind::Object); }

int emitSharedLibrary(Compilation &c, std::ostream &out) {
  codegen::NativeModule m;
  int code = ExitOk;
  if (!build(c, true, m, code))
    return code;
  auto start = std::chrono::steady_clock::now();
  llvm::SmallString<128> obj, so;
  llvm::sys::fs::createTemporaryFile("plasticc", "o", obj);
  llvm::sys::fs::createTemporaryFile("plasticc", "so", so);
  llvm::sys::RemoveFileOnSignal(obj); // an interrupted build leaves nothing in $TMPDIR
  llvm::sys::RemoveFileOnSignal(so);
  std::string error;
  bool ok = codegen::emitFile(*m.module, *m.targetMachine, codegen::FileKind::Object, obj.str().str(), error);
  m.times.push_back({"object code", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  start = std::chrono::steady_clock::now();
  ok = ok && codegen::linkSharedLibrary(obj.str().str(), so.str().str(), error);
  m.times.push_back({"link (system toolchain)", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  if (ok) {
    auto bytes = llvm::MemoryBuffer::getFile(so, false, false);
    if (bytes)
      out << (*bytes)->getBuffer().str();
    else
      ok = false, error = "cannot read the linked library " + so.str().str();
  }
  llvm::sys::fs::remove(obj);
  llvm::sys::fs::remove(so);
  llvm::sys::DontRemoveFileOnSignal(obj);
  llvm::sys::DontRemoveFileOnSignal(so);
  if (!ok) {
    std::cerr << "plasticc: error: " << error << "\n";
    return ExitUsage;
  }
  reportTimes(c, m);
  return ExitOk;
}

int emitHeaderFile(Compilation &c, std::ostream &out) {
  ir::Module *m = differentiated(c);
  if (!m)
    return ExitUserError;
  warnIfStateTooBig(c, *m);
  ir::ElemType elem = c.options().native.fp32 ? ir::ElemType::F32 : ir::ElemType::F64;
  codegen::ModelDescriptor d = codegen::describeModel(*m, elem, c.hashedSource());
  // Names that differ only in case (tau, TAU) or by a macro suffix (x,
  // x_init) would define one macro twice: an error, at the second quantity.
  if (auto clash = codegen::findMacroCollision(d)) {
    const ir::Quantity &first = *m->quantities.at(clash->first);
    const ir::Quantity &second = *m->quantities.at(clash->second);
    std::string msg = "the C header would define " + clash->macro + " for both '" + first.name +
                      "' and '" + second.name + "'; rename one of them";
    if (second.loc.valid() && !c.isIRInput()) { // .plir locations are .plast places
      c.diag().error(second.loc, msg);
      if (first.loc.valid())
        c.diag().note(first.loc, "'" + first.name + "' declared here");
    } else {
      std::cerr << c.options().input << ": error: " << msg << "\n";
    }
    return ExitUserError;
  }
  out << codegen::emitHeader(d);
  return ExitOk;
}

void addNativeOptions(CLI::App &app, Options &options) {
  NativeFlags &f = options.native;
  app.add_flag("-c", f.compileOnly,
               "compile to an object file, like --emit=obj (-o FILE.o alone does too)");
  app.add_option("-O", f.optLevel, "LLVM optimisation level 0-3 (default 3)")->check(CLI::Range(0, 3));
  app.add_option("--target-cpu", f.targetCpu, "CPU to generate code for (default: this machine's, like -march=native)");
  app.add_flag("--fp32", f.fp32, "single precision state and arithmetic (default double)");
  app.add_flag("--no-fma", f.noFma, "no fused multiply-add: every op rounds as in the interpreter");
  app.add_option("--schedule", f.schedule,
                 "how plasticc_run_trial schedules a trial: auto (the whole-trial schedule where it is "
                 "legal and what it keeps in cache takes 2 MiB or more), whole (wherever it is legal) "
                 "or step (a time loop around the step); --emit=loops says which was chosen and why")
      ->check(CLI::IsMember({"auto", "whole", "step"}));
  app.add_option("--segment-steps", f.segmentSteps,
                 "steps per segment of the whole-trial schedule (default: as many as keep a "
                 "segment's buffers within 2 MiB, from 8 to 64)")
      ->check(CLI::Range(int64_t(1), int64_t(256)));
  app.add_flag("--time-passes", f.timePasses, "print the time of each compilation stage on stderr");
}

namespace {

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::char_traits<char>::length(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

} // namespace

int chooseNativeEmit(CLI::App &app, Options &options, std::ostream &errs) {
  const std::string &o = options.output;
  if (app.count("--emit")) {
    if (options.native.compileOnly && options.emit != "obj") {
      errs << "plasticc: error: -c (object file) conflicts with --emit=" << options.emit << "\n";
      return ExitUsage;
    }
  } else if (options.native.compileOnly || endsWith(o, ".o")) {
    options.emit = "obj"; // like cc: -o FILE.o is an object file
  } else if (endsWith(o, ".so")) {
    options.emit = "so";
  }
  bool binary = options.emit == "obj" || options.emit == "so";
  if (binary && o == "-" && isatty(STDOUT_FILENO)) {
    errs << "plasticc: error: binary output (--emit=" << options.emit
         << ") needs -o FILE, not a terminal\n";
    return ExitUsage;
  }
  return ExitOk;
}

// The CPU table is looked up on a generic subtarget: constructing one for an
// unknown CPU would make LLVM print its own warning (once per target
// machine, so twice for -o x.so) before our error.
int checkTargetCpu(const NativeFlags &flags, std::ostream &errs) {
  const std::string &cpu = flags.targetCpu;
  if (cpu.empty() || cpu == "native")
    return ExitOk;
  codegen::initializeNativeTarget();
  std::string triple = llvm::sys::getDefaultTargetTriple(), error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target ? target->createMCSubtargetInfo(triple, "", "") : nullptr);
  if (sti && sti->isCPUStringValid(cpu))
    return ExitOk;
  errs << "plasticc: error: unknown target CPU '" << cpu << "' for " << triple
       << " in --target-cpu (`llc -mcpu=help` lists the names; default: this machine's CPU)\n";
  return ExitUsage;
}

} // namespace plasticc::driver

//===- compiler/codegen/ObjectEmitter.cpp - objects, assembly, linking ----===//
#include "compiler/codegen/ObjectEmitter.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace plasticc::codegen {

namespace {
bool emitToStream(llvm::Module &module, llvm::TargetMachine &tm, FileKind kind,
                  llvm::raw_pwrite_stream &os, std::string &error) {
  llvm::legacy::PassManager pm;
  auto type = kind == FileKind::Object ? llvm::CodeGenFileType::ObjectFile
                                       : llvm::CodeGenFileType::AssemblyFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, type)) {
    error = "the target cannot emit this file type";
    return false;
  }
  pm.run(module);
  return true;
}
} // namespace

bool emitFile(llvm::Module &module, llvm::TargetMachine &tm, FileKind kind, const std::string &path,
              std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, kind == FileKind::Object ? llvm::sys::fs::OF_None
                                                              : llvm::sys::fs::OF_Text);
  if (ec) {
    error = "cannot write " + path + ": " + ec.message();
    return false;
  }
  return emitToStream(module, tm, kind, os, error);
}

bool emitToString(llvm::Module &module, llvm::TargetMachine &tm, FileKind kind, std::string &out,
                  std::string &error) {
  llvm::SmallVector<char, 0> buf;
  llvm::raw_svector_ostream os(buf);
  if (!emitToStream(module, tm, kind, os, error))
    return false;
  out.assign(buf.begin(), buf.end());
  return true;
}

bool linkSharedLibrary(const std::string &objectPath, const std::string &soPath, std::string &error) {
  std::string driver;
  for (const char *name : {"clang-19", "clang", "cc", "gcc"}) {
    auto found = llvm::sys::findProgramByName(name);
    if (found) {
      driver = *found;
      break;
    }
  }
  if (driver.empty()) {
    error = "no C toolchain found to link a shared library (tried clang-19, clang, cc, gcc)";
    return false;
  }
  llvm::SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("plasticc-link", "log", log);
  llvm::sys::RemoveFileOnSignal(log);
  std::vector<std::string> argv = {driver, "-shared", "-o", soPath, objectPath, "-lm"};
  if (driver.find("clang") != std::string::npos &&
      llvm::sys::findProgramByName("ld.lld-19").getError() == std::error_code())
    argv.insert(argv.begin() + 1, "-fuse-ld=lld");
  std::vector<llvm::StringRef> args(argv.begin(), argv.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log), llvm::StringRef(log)};
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(driver, args, std::nullopt, redirects, 0, 0, &msg);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log);
    error = "linking " + soPath + " failed" + (msg.empty() ? "" : ": " + msg) +
            (text ? "\n" + (*text)->getBuffer().str() : "");
  }
  llvm::sys::fs::remove(log);
  llvm::sys::DontRemoveFileOnSignal(log);
  return rc == 0;
}

} // namespace plasticc::codegen

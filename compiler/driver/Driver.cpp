//===- compiler/driver/Driver.cpp - the staged pipeline of `plasticc` -----===//
//
// Implements Compilation (lazy stages, each run once) and run() (load the
// input, run the chosen emit kind into a buffer, write the buffer to the
// output only on success so that a failed run leaves no partial file).
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"

#include "compiler/frontend/CppImport.h"
#include "compiler/frontend/Defines.h"
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"
#include "support/Files.h"

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Signals.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace plasticc::driver {

Compilation::Compilation(Options options, std::ostream &diagOut)
    : options_(std::move(options)), diagOut_(diagOut) {}

Compilation::~Compilation() = default;

bool Compilation::isIRInput() const {
  const std::string &p = options_.input;
  return p.size() >= 5 && p.compare(p.size() - 5, 5, ".plir") == 0;
}

bool Compilation::load(std::string &err) {
  if (isIRInput() && !options_.defines.empty()) {
    err = "-D sets dims and params of a .plast model, not of the dialect module '" +
          options_.input + "'";
    return false;
  }
  file_ = SourceFile::read(options_.input, err);
  if (!file_)
    return false;
  diag_ = std::make_unique<DiagnosticEngine>(file_, diagOut_);
  return true;
}

DiagnosticEngine &Compilation::diag() {
  PLASTICC_INTERNAL_ASSERT(diag_ != nullptr, "diag() before load()");
  return *diag_;
}

std::string Compilation::hashedSource() const {
  std::string text = ast_ ? withImportedSources(file_->text(), *ast_) : file_->text();
  return Defines(options_.defines).hashedSource(text);
}

ast::Module *Compilation::parsedAST() {
  PLASTICC_INTERNAL_ASSERT(file_ && !isIRInput(), "parsedAST() needs a loaded .plast input");
  if (!parsed_) {
    parsed_ = true;
    ast_ = parseSource(*file_, *diag_);
    astOk_ = !diag_->hasErrors();
    if (ast_ && !options_.defines.empty()) {
      Defines defines(options_.defines);
      DiagnosticEngine cmd(defines.commandLine(), diagOut_);
      definesOk_ = defines.apply(*ast_, cmd, *diag_);
    }
  }
  return astOk_ ? ast_.get() : nullptr;
}

// Sema runs even after syntax errors, on what the parser recovered, so that
// one run reports the independent errors of both kinds.
ast::Module *Compilation::checkedAST() {
  if (!checked_) {
    checked_ = true;
    parsedAST();
    checkOk_ = definesOk_ && checkModule(*ast_, *diag_);
  }
  return checkOk_ ? ast_.get() : nullptr;
}

// A module lowered from a checked tree must verify: if it does not, the bug
// is in Sema or lowering, never in the user's model.
static void verifyLowered(const ir::Module &module) {
  std::vector<ir::VerifierError> errors = ir::verify(module);
  if (errors.empty())
    return;
  std::string all;
  for (auto &e : errors)
    all += "\n  " + e.message;
  PLASTICC_INTERNAL_ASSERT(false, "the lowered module does not verify:" + all +
                                      "\n--- module ---\n" + ir::printModule(module));
}

ir::Module *Compilation::dialect() {
  if (lowered_)
    return irOk_ ? ir_.get() : nullptr;
  lowered_ = true;
  if (isIRInput()) {
    PLASTICC_INTERNAL_ASSERT(file_ != nullptr, "dialect() before load()");
    ir_ = ir::parseModule(*file_, *diag_);
    irOk_ = ir_ != nullptr && !diag_->hasErrors();
    return irOk_ ? ir_.get() : nullptr;
  }
  ast::Module *ast = checkedAST();
  if (!ast)
    return nullptr;
  ir_ = lowerToDialect(*ast);
  verifyLowered(*ir_);
  irOk_ = true;
  return ir_.get();
}

const EmitKind *findEmitKind(std::string_view name) {
  for (const EmitKind &k : emitKinds())
    if (name == k.name)
      return &k;
  return nullptr;
}

std::string emitKindNames() {
  std::string s;
  for (const EmitKind &k : emitKinds())
    s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

/// Writes `text` to the -o file or stdout; false with a message on failure.
/// A regular file is written atomically (support/Files.h), so a full disk
/// or a failed write never leaves a truncated output nor destroys an
/// earlier one; a device (-o /dev/null) is written directly.
static bool writeOutput(const std::string &path, const std::string &text, std::ostream &errs) {
  if (path == "-") {
    std::cout.flush();
    if (writeAll(STDOUT_FILENO, text))
      return true;
    errs << "plasticc: error: cannot write to standard output: " << std::strerror(errno) << "\n";
    return false;
  }
  struct stat st {};
  std::string err;
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) {
    // A run killed while writing leaves PATH.tmp.PID: SIGINT and SIGTERM
    // remove it here (LLVM's handlers), a SIGKILLed one the next run.
    std::filesystem::path target(path);
    removeStaleTemporaries(target.parent_path().empty() ? "." : target.parent_path().string(),
                           target.filename().string());
    std::string tmp = temporaryPathFor(path);
    llvm::sys::RemoveFileOnSignal(tmp);
    bool written = writeFileAtomically(path, text, err);
    llvm::sys::DontRemoveFileOnSignal(tmp);
    if (written)
      return true;
  } else {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && writeAll(fd, text);
    err = "cannot write '" + path + "': " + std::strerror(errno);
    if (fd >= 0 && ::close(fd) != 0 && ok)
      ok = false, err = "cannot write '" + path + "': " + std::strerror(errno);
    if (ok)
      return true;
  }
  errs << "plasticc: error: " << err << "\n";
  return false;
}

/// True when the -o file is the input file itself (same file after
/// normalising the paths, or the same inode through a link), which the run
/// would overwrite.
static bool outputIsInput(const Options &options) {
  namespace fs = std::filesystem;
  if (options.output == "-")
    return false;
  std::error_code ec;
  if (fs::equivalent(options.input, options.output, ec))
    return true;
  fs::path in = fs::weakly_canonical(options.input, ec);
  fs::path out = fs::weakly_canonical(options.output, ec);
  return !ec && in == out;
}

int run(const Options &options, std::ostream &errs) {
  const EmitKind *emit = findEmitKind(options.emit);
  if (!emit) {
    errs << "plasticc: error: unknown --emit value '" << options.emit
         << "'; valid values are: " << emitKindNames() << "\n";
    return ExitUsage;
  }
  if (options.input == "-") {
    errs << "plasticc: error: reading the model from standard input is not supported; "
            "give a file name\n";
    return ExitUsage;
  }
  if (std::error_code ec; std::filesystem::is_directory(options.input, ec)) {
    errs << "plasticc: error: '" << options.input << "' is a directory\n";
    return ExitUsage;
  }
  if (outputIsInput(options)) {
    errs << "plasticc: error: the output file '" << options.output
         << "' is the input file; choose another -o\n";
    return ExitUsage;
  }
  Compilation compilation(options, errs);
  std::string err;
  if (!compilation.load(err)) {
    errs << "plasticc: error: " << err << "\n";
    return ExitUsage;
  }
  std::ostringstream buffer;
  if (options.checkGrad.enabled) { // the table is written even on a mismatch
    int code = runCheckGrad(compilation, options.checkGrad, buffer, errs);
    if (code == ExitUsage || !writeOutput(options.output, buffer.str(), errs))
      return ExitUsage;
    return code;
  }
  int code = emit->run(compilation, buffer);
  if (code != ExitOk)
    return code;
  return writeOutput(options.output, buffer.str(), errs) ? ExitOk : ExitUsage;
}

} // namespace plasticc::driver

//===- compiler/driver/Driver.h - the stages behind the `plasticc` tool ---===//
//
// The tool is a small pipeline over one input file:
//
//   load -> parse -> check (Sema) -> lower -> verify -> [later passes]
//   (.plir inputs skip the first stages: load -> parse IR -> verify)
//
// A Compilation runs the stages lazily, each at most once, and keeps their
// results, so an emit kind asks for the stage it prints (checkedAST(),
// dialect(), ...) and everything before it runs. Each `--emit=KIND` is one
// entry of the table in EmitKinds.cpp: a name, a help line and a function
// that writes the output; adding a stage means adding a Compilation accessor
// (if it needs a new intermediate result) and a line in that table.
//
// Exit codes: 0 success, 1 an error in the user's input (reported as a
// located diagnostic), 2 bad command-line usage or an unreadable input file.
// Compiler bugs abort through PLASTICC_INTERNAL_ASSERT.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/driver/TangentStages.h"
#include "compiler/driver/NativeFlags.h"
#include "compiler/frontend/AST.h"
#include "dialect/IR.h"
#include "support/Diagnostics.h"

#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace plasticc::driver {

/// Process exit codes (see file comment).
enum ExitCode : int { ExitOk = 0, ExitUserError = 1, ExitUsage = 2 };

/// Command-line options of one run (main.cpp fills them from argv).
struct Options {
  std::string input;        // FILE: a .plast model or a .plir dialect module
  std::string output = "-"; // -o FILE; "-" is stdout
  std::string emit = "ir";  // --emit=KIND (see emitKinds())
  NativeFlags native;       // -c, -O<n>, --target-cpu, --fp32, --time-passes
  CheckGradOptions checkGrad; // --check-grad and its options (TangentStages.h)
  bool simplify = false;      // --simplify: fold, CSE and DCE before --emit=ir prints
  /// --estimator: which meta-gradient the tangents serve (Tangent.h).
  ir::Estimator estimator = ir::Estimator::Pathwise;
  bool estimatorGiven = false; // without --estimator a .plir keeps the one it has
  std::vector<std::string> defines; // -D NAME=VALUE (compiler/frontend/Defines.h)
};

/// One compilation of one input file (see file comment). Diagnostics go to
/// the stream given at construction.
class Compilation {
public:
  Compilation(Options options, std::ostream &diagOut);
  ~Compilation();

  const Options &options() const { return options_; }
  /// True for a .plir input (dialect text instead of a .plast model).
  bool isIRInput() const;

  /// Reads the input file; false and a message in `err` if it cannot.
  bool load(std::string &err);
  /// The diagnostics engine of the loaded file (load() must have succeeded).
  DiagnosticEngine &diag();
  const SourceFile &source() const { return *file_; }
  /// The text the model's source hash covers: the file, the C++ files it
  /// imports (once checked) and its -D defines.
  std::string hashedSource() const;

  /// The parsed tree before Sema, or nullptr after syntax errors.
  ast::Module *parsedAST();
  /// The parsed and checked tree, or nullptr after user errors (reported).
  ast::Module *checkedAST();
  /// The verified dialect module: lowered from the checked tree, or parsed
  /// from a .plir input; nullptr after user errors (reported). A module
  /// lowered from a checked tree that fails verification is a compiler bug.
  ir::Module *dialect();

private:
  Options options_;
  std::ostream &diagOut_;
  std::shared_ptr<SourceFile> file_;
  std::unique_ptr<DiagnosticEngine> diag_;
  std::unique_ptr<ast::Module> ast_;
  std::unique_ptr<ir::Module> ir_;
  bool parsed_ = false, checked_ = false, lowered_ = false;
  bool astOk_ = false, checkOk_ = false, irOk_ = false;
  bool definesOk_ = true;
};

/// One `--emit` kind: what `plasticc --emit=NAME` writes to the output.
struct EmitKind {
  const char *name;
  const char *help;
  /// Writes the result to `out` (the -o file or stdout, written only when
  /// this returns ExitOk); returns an ExitCode.
  int (*run)(Compilation &compilation, std::ostream &out);
};

/// Every emit kind, in the order `--help` lists them (EmitKinds.cpp).
std::span<const EmitKind> emitKinds();
/// The emit kind called `name`, or nullptr.
const EmitKind *findEmitKind(std::string_view name);
/// "ast, ir, ..." for usage messages.
std::string emitKindNames();

/// Runs the tool on parsed options: load, the emit kind's stages, and the
/// output file. Messages (diagnostics, usage errors) go to `errs`. Returns
/// the ExitCode.
int run(const Options &options, std::ostream &errs);

} // namespace plasticc::driver

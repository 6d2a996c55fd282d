//===- tests/fuzz/FuzzFrontend.cpp - libFuzzer target over the front end --===//
//
// Feeds arbitrary bytes through the whole front end: parse, Sema, the AST
// printer, and, for inputs Sema accepts, lowering, the dialect verifier and
// the printer. Any crash, sanitizer report, hang or internal error (abort)
// is a bug: user errors must come out as diagnostics, which go to a null
// stream here.
// Built with -fsanitize=fuzzer,address (clang only); see README.md.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/ASTPrinter.h"
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace plasticc;
  auto file = std::make_shared<SourceFile>("fuzz.plast",
                                           std::string(reinterpret_cast<const char *>(data), size));
  std::ostream sink(nullptr); // discards everything
  DiagnosticEngine diag(file, sink);
  std::unique_ptr<ast::Module> module = parseSource(*file, diag);
  bool ok = checkModule(*module, diag);
  ast::printAST(*module, sink); // annotated when checked, plain otherwise
  if (!ok)
    return 0;
  // Sema accepted it: lowering must succeed and produce a valid module.
  std::unique_ptr<ir::Module> ir = lowerToDialect(*module);
  std::vector<ir::VerifierError> errors = ir::verify(*ir);
  if (!errors.empty()) {
    std::fprintf(stderr, "lowered module does not verify: %s\n", errors.front().message.c_str());
    std::abort();
  }
  ir::printModule(*ir, sink);
  return 0;
}

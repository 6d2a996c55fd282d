//===- tests/fuzz/FuzzPlir.cpp - libFuzzer target over the .plir parser ---===//
//
// Feeds arbitrary bytes to the dialect parser (dialect/Parser.h), which runs
// the verifier on what it reads, as `plasticc file.plir` does. For every
// module it accepts, the printed form must parse back and print the same
// again (docs/ir.md: print(parse(print(m))) == print(m)). Any crash,
// sanitizer report, internal error or failed round trip is a bug: bad text
// must come out as located diagnostics. Built with
// -fsanitize=fuzzer,address,undefined (clang only); see README.md.
//
//===----------------------------------------------------------------------===//
#include "dialect/Parser.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace plasticc;
  auto file = std::make_shared<SourceFile>("fuzz.plir",
                                           std::string(reinterpret_cast<const char *>(data), size));
  std::ostream sink(nullptr); // discards everything
  DiagnosticEngine diag(file, sink);
  ir::ParsedLocations locations;
  std::unique_ptr<ir::Module> module = ir::parseModule(*file, diag, locations);
  if (!module)
    return 0;
  std::vector<ir::VerifierError> errors = ir::verify(*module);
  if (!errors.empty()) {
    std::fprintf(stderr, "parseModule returned a module that does not verify: %s\n",
                 errors.front().message.c_str());
    std::abort();
  }
  // The printed form of an accepted module reads back to the same text.
  std::string printed = ir::printModule(*module);
  auto again = std::make_shared<SourceFile>("fuzz-printed.plir", printed);
  {
    std::ostringstream messages;
    DiagnosticEngine diag2(again, messages);
    std::unique_ptr<ir::Module> reparsed = ir::parseModule(*again, diag2);
    if (!reparsed) {
      std::fprintf(stderr, "the printed module does not parse back:\n%s\n--- printed:\n%s\n",
                   messages.str().c_str(), printed.c_str());
      std::abort();
    }
    std::string printedAgain = ir::printModule(*reparsed);
    if (printedAgain != printed) {
      std::fprintf(stderr, "print(parse(print(m))) != print(m):\n%s\n--- then:\n%s\n",
                   printed.c_str(), printedAgain.c_str());
      std::abort();
    }
  }
  return 0;
}

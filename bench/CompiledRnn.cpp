//===- bench/CompiledRnn.cpp - the reference model compiled by plasticc ---===//
#include "bench/CompiledRnn.h"

#include "compiler/codegen/ObjectEmitter.h"
#include "compiler/codegen/Pipeline.h"
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "runtime/jit/JIT.h"
#include "support/Diagnostics.h"

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

namespace plasticc::bench {

namespace {

const char *kExample = PLASTICC_SOURCE_DIR "/examples/rnn_poly.plast";

/// Front end and tangent pass; nullptr and the diagnostics in `error`.
std::unique_ptr<ir::Module> lowerWithTangents(const std::string &source, std::string &error) {
  auto file = std::make_shared<SourceFile>(kExample, source);
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  std::unique_ptr<ast::Module> ast = parseSource(*file, diag);
  if (!ast || diag.hasErrors() || !checkModule(*ast, diag) || diag.hasErrors()) {
    error = diagText.str();
    return nullptr;
  }
  std::unique_ptr<ir::Module> module = lowerToDialect(*ast);
  if (!module || !transforms::computeTangents(*module, diag) || diag.hasErrors()) {
    error = "tangent pass: " + diagText.str();
    return nullptr;
  }
  return module;
}

} // namespace

std::string rnnPolySource(int n, int d1, std::string &error) {
  std::ifstream in(kExample);
  if (!in) {
    error = std::string("cannot read ") + kExample;
    return "";
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  for (auto [dim, value] : {std::pair{"N", n}, std::pair{"D", d1}}) {
    // The value is spliced in by hand: "$3" followed by digits would read
    // as a two-digit group in a regex_replace format.
    std::regex line(std::string(R"((^|\n)[ \t]*dim[ \t]+)") + dim + R"([ \t]*=[ \t]*([0-9]+))");
    std::smatch m;
    if (!std::regex_search(out, m, line)) {
      error = std::string(kExample) + " has no `dim " + dim + " = ...` line";
      return "";
    }
    size_t at = static_cast<size_t>(m.position(2));
    out = out.substr(0, at) + std::to_string(value) + out.substr(at + m.length(2));
  }
  return out;
}

std::unique_ptr<runtime::NativeModel> jitRnnPoly(int n, int d1, std::string &error,
                                                 double *seconds, int64_t segmentSteps) {
  auto t0 = std::chrono::steady_clock::now();
  std::string source = rnnPolySource(n, d1, error);
  if (source.empty())
    return nullptr;
  std::unique_ptr<ir::Module> module = lowerWithTangents(source, error);
  if (!module)
    return nullptr;
  codegen::NativeOptions options; // host CPU, -O3, f64: what `plasticc -o` does
  options.segmentSteps = segmentSteps;
  auto model = runtime::jitCompile(*module, source, options, error);
  if (seconds)
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return model;
}

bool buildRnnPolyLibrary(int n, int d1, const std::string &soPath, std::string &error) {
  std::string source = rnnPolySource(n, d1, error);
  if (source.empty())
    return false;
  std::unique_ptr<ir::Module> module = lowerWithTangents(source, error);
  if (!module)
    return false;
  codegen::NativeOptions options;
  codegen::NativeModule native;
  if (!codegen::buildNative(*module, source, options, native, error))
    return false;
  std::string object = soPath + ".o";
  return codegen::emitFile(*native.module, *native.targetMachine, codegen::FileKind::Object,
                           object, error) &&
         codegen::linkSharedLibrary(object, soPath, error);
}

} // namespace plasticc::bench

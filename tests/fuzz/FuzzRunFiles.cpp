//===- tests/fuzz/FuzzRunFiles.cpp - libFuzzer target over checkpoint.json
//                                   and rule.json readers --------------===//
//
// The files plasticc-meta reads back from an earlier run: a checkpoint
// (meta::readCheckpoint, for --resume) and a rule (tool::readRuleFile, for
// `evaluate --rule`). Both are JSON, so every input is written to a
// temporary file and given to both readers. A rule is read for the
// reference model (examples/rnn_poly.plast on cue_delay_response), lowered
// once at start-up and described by the interpreter, so no code is
// generated; a rule it accepts is then ablated term by term, as `evaluate`
// does. An accepted checkpoint must be resumable by the run that wrote it
// (its identity matches itself) and its identity must print. Any crash,
// sanitizer report or uncaught exception is a bug: a bad file must come out
// as an error. Built with -fsanitize=fuzzer,address,undefined (clang only);
// see README.md.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "runtime/Interpreter.h"
#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/ModelBinding.h"
#include "runtime/tasks/Task.h"
#include "runtime/tool/Rules.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

using namespace plasticc;

/// What the rule reader needs, made once (see file comment).
struct Rig {
  std::unique_ptr<ast::Module> ast;
  std::unique_ptr<ir::Module> module;
  std::unique_ptr<runtime::Interpreter> interpreter;
  tasks::Task task;
  std::optional<meta::ModelBinding> binding;
  std::vector<double> defaults; // the model's declared meta values
  std::string dir, path;        // where each input is written
};

[[noreturn]] void fail(const std::string &what) {
  std::fprintf(stderr, "fuzz_run_files: %s\n", what.c_str());
  std::abort();
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    fail("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Rig &rig() {
  static Rig *r = [] {
    auto *r = new Rig;
    const std::string src = PLASTICC_SOURCE_DIR;
    auto file = std::make_shared<SourceFile>(src + "/examples/rnn_poly.plast",
                                             slurp(src + "/examples/rnn_poly.plast"));
    DiagnosticEngine diag(file, std::cerr);
    r->ast = parseSource(*file, diag);
    if (!checkModule(*r->ast, diag))
      fail("examples/rnn_poly.plast does not compile");
    r->module = lowerToDialect(*r->ast);
    r->interpreter = std::make_unique<runtime::Interpreter>(*r->module, meta::textHash(file->text()));
    std::string err;
    auto task = tasks::loadTask(src + "/examples/tasks/cue_delay_response.toml", err);
    if (!task)
      fail(err);
    r->task = std::move(*task);
    r->binding = meta::ModelBinding::make(r->interpreter->info(), r->task, err);
    if (!r->binding)
      fail(err);
    // The declared defaults: theta = 0 in rnn_poly.
    r->defaults.assign(static_cast<size_t>(r->binding->metaScalars()), 0.0);
    char tmpl[] = "/tmp/plasticc-fuzz-run-files.XXXXXX";
    if (!mkdtemp(tmpl))
      fail("cannot make a temporary directory");
    r->dir = tmpl;
    r->path = r->dir + "/input.json";
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(rig().dir, ec);
    });
    return r;
  }();
  return *r;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  rig();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Rig &r = rig();
  {
    std::ofstream out(r.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    if (!out)
      fail("cannot write " + r.path);
  }
  std::string err;
  if (std::optional<meta::Checkpoint> cp = meta::readCheckpoint(r.path, err)) {
    std::string why = cp->identity.mismatch(cp->identity);
    if (!why.empty())
      fail("a checkpoint's identity does not match itself: " + why);
    (void)meta::toJson(cp->identity).dump();
  }
  err.clear();
  std::vector<std::string> notes;
  if (std::optional<meta::Rule> rule =
          tool::readRuleFile(r.path, "fuzzed", *r.binding, true, notes, err)) {
    if (rule->meta.size() != static_cast<size_t>(r.binding->metaScalars()))
      fail("an accepted rule has the wrong number of meta scalars");
    (void)tool::ablations(*rule, "", *r.binding, r.defaults, notes, err);
  }
  return 0;
}

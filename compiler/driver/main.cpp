//===- compiler/driver/main.cpp - command line of the `plasticc` tool -----===//
//
// Only parses options (CLI11) and hands them to driver::run (Driver.h).
// Usage errors (unknown option, missing FILE, bad --emit, options that
// conflict or would be ignored) exit with 2.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Driver.h"
#include "compiler/driver/EmitNative.h"
#include "support/CliChecks.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <new>

#ifndef PLASTICC_VERSION
#define PLASTICC_VERSION "unknown"
#endif

int main(int argc, char **argv) {
  using namespace plasticc::driver;
  Options options;
  CLI::App app{"plasticc: compiler for synaptic plasticity rules (.plast -> dialect IR -> "
               "native code)"};
  app.set_version_flag("--version", std::string("plasticc ") + PLASTICC_VERSION + " (LLVM 19)");
  app.add_option("FILE", options.input, "input model (.plast) or dialect module (.plir)")
      ->required();
  std::string kinds;
  for (const EmitKind &k : emitKinds())
    kinds += std::string("\n  ") + k.name + ": " + k.help;
  app.add_option("--emit", options.emit, "what to write (default ir):" + kinds);
  app.add_option("-o", options.output,
                 "output file (default: stdout); without --emit, FILE.so builds a shared "
                 "library and FILE.o an object file");
  app.add_flag("--simplify", options.simplify,
               "with --emit=ir: run the simplification pass (exact folding, CSE, DCE) first");
  std::string estimator = "pathwise";
  app.add_option("--estimator", estimator,
                 "the meta-gradient the tangents serve: 'pathwise' (every meta-dependent value "
                 "carries a tangent) or 'score' (sampled states are data; the step accumulates "
                 "the score of the exploration noise; docs/tangents.md)")
      ->check(CLI::IsMember({"pathwise", "score"}));
  app.add_option("-D,--define", options.defines,
                 "NAME=VALUE: set a dim or param of a .plast model without editing it (-D N=256, "
                 "-D eta=0.01, -D tau=20ms); repeatable; covered by the source hash in the "
                 "descriptor")
      ->allow_extra_args(false);
  addNativeOptions(app, options);
  addCheckGradOptions(app, options.checkGrad);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ValidationError &e) { // a value out of range: the tool's own format
    std::cerr << "plasticc: error: " << plasticc::cli::message(e) << "\n";
    return ExitUsage;
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? ExitOk : ExitUsage;
  }
  options.estimator = estimator == "score" ? plasticc::ir::Estimator::Score
                                            : plasticc::ir::Estimator::Pathwise;
  options.estimatorGiven = app.count("--estimator") > 0;
  if (chooseNativeEmit(app, options, std::cerr) != ExitOk ||
      checkCheckGradOptions(app, options.checkGrad, std::cerr) != ExitOk ||
      checkTargetCpu(options.native, std::cerr) != ExitOk)
    return ExitUsage;
  if (app.count("--estimator") && (options.emit == "ast" || options.emit == "ir") &&
      !options.checkGrad.enabled) {
    std::cerr << "plasticc: error: --estimator applies where tangents are made (--emit=tangent, "
                 "loops, llvm, asm, header, obj, so, --check-grad), not to --emit="
              << options.emit << "\n";
    return ExitUsage;
  }
  if (app.count("--segment-steps") && options.native.schedule == "step") {
    std::cerr << "plasticc: error: --segment-steps applies to the whole-trial schedule, not to "
                 "--schedule=step\n";
    return ExitUsage;
  }
  if (options.simplify && (options.emit != "ir" || options.checkGrad.enabled)) {
    std::cerr << "plasticc: error: --simplify only applies with --emit=ir\n";
    return ExitUsage;
  }
  if (options.checkGrad.enabled && app.count("--emit")) {
    std::cerr << "plasticc: error: --check-grad prints its table; it cannot be combined with "
                 "--emit\n";
    return ExitUsage;
  }
  // The last resort: sizes are checked before the big allocations
  // (StateSize.h), but a model may still need more than the machine has.
  try {
    return run(options, std::cerr);
  } catch (const std::bad_alloc &) {
    std::cerr << "plasticc: error: out of memory: the model (its state, or the compiler's "
                 "work on it) needs more memory than is available\n";
    return ExitUsage;
  }
}

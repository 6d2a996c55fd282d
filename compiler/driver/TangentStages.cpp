//===- compiler/driver/TangentStages.cpp - tangent stages of `plasticc` ---===//
#include "compiler/driver/TangentStages.h"

#include "compiler/driver/Driver.h"
#include "compiler/driver/StateSize.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Layout.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"
#include "runtime/GradCheck.h"
#include "runtime/Interpreter.h"
#include "support/CliChecks.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <sstream>
#include <unordered_map>

namespace plasticc::driver {

void addCheckGradOptions(CLI::App &app, CheckGradOptions &o) {
  app.add_flag("--check-grad", o.enabled,
               "run the model (reference interpreter) and compare the tangent gradient of J "
               "with central finite differences; exit 0 only if all entries agree");
  // Read in base 10 and range-checked on the text (support/CliChecks.h).
  app.add_option("--trials", o.trials, "--check-grad: learning trials K, 1 to 10^6 (default 3)")
      ->transform(cli::count(1, 1'000'000));
  app.add_option("--steps", o.steps, "--check-grad: steps per trial T, 1 to 10^7 (default 20)")
      ->transform(cli::count(1, 10'000'000));
  app.add_option("--seed", o.seed, "--check-grad: seed of the network, inputs, noise and "
                                   "default meta point (default 1)")
      ->transform(cli::seedValue());
  app.add_option("--task", o.task, "--check-grad: inputs from a task (cue_delay_response) "
                                   "instead of seeded random inputs");
  app.add_option("--meta", o.meta, "--check-grad: the meta point, comma-separated values in "
                                   "declaration order (default: seeded near the defaults)");
}

int checkCheckGradOptions(const CLI::App &app, const CheckGradOptions &o, std::ostream &errs) {
  if (!o.enabled) {
    for (const char *name : {"--trials", "--steps", "--seed", "--task", "--meta"})
      if (app.count(name)) {
        errs << "plasticc: error: " << name << " only applies with --check-grad\n";
        return ExitUsage;
      }
    return ExitOk;
  }
  return ExitOk;
}

namespace {

/// For a .plir input, whose op locations are the original .plast places:
/// the place of each op in the .plir text, found by parsing the text again
/// (the same text gives the same ops in the same order) and matching ops by
/// region and position.
class PlirLocator {
public:
  PlirLocator(const ir::Module &m, const SourceFile &file) {
    std::ostringstream sink;
    DiagnosticEngine quiet(std::make_shared<SourceFile>(file.path(), file.text()), sink);
    std::unique_ptr<ir::Module> again = ir::parseModule(file, quiet, locations_);
    if (!again)
      return;
    auto mine = m.regions();
    auto theirs = again->regions();
    for (size_t r = 0; r < mine.size(); ++r)
      for (size_t i = 0; i < mine[r]->ops.size() && i < theirs[r]->ops.size(); ++i)
        twin_[mine[r]->ops[i].get()] = theirs[r]->ops[i].get();
    reparsed_ = std::move(again);
  }
  Loc operator()(const ir::Op &op) const {
    auto it = twin_.find(&op);
    Loc at = it == twin_.end() ? locations_.module : locations_.at(it->second);
    return at.valid() ? at : Loc{1, 1};
  }

private:
  ir::ParsedLocations locations_;
  std::unique_ptr<ir::Module> reparsed_;
  std::unordered_map<const ir::Op *, const ir::Op *> twin_;
};

} // namespace

ir::Module *differentiate(Compilation &c) {
  ir::Module *m = c.dialect();
  if (!m)
    return nullptr;
  transforms::OpLocator locate;
  std::shared_ptr<PlirLocator> plir;
  if (c.isIRInput()) {
    plir = std::make_shared<PlirLocator>(*m, c.source());
    locate = [plir](const ir::Op &op) { return (*plir)(op); };
  }
  ir::Estimator want = c.options().estimator;
  if (m->lanes > 0 && !c.options().estimatorGiven)
    want = m->estimator; // a differentiated .plir says which it is
  if (m->lanes > 0 && m->estimator != want) {
    c.diag().error(Loc{1, 1}, std::string("the module already has tangents for the ") +
                              ir::estimatorName(m->estimator) + " estimator, not the " +
                              ir::estimatorName(want) + " one (--estimator)");
    return nullptr;
  }
  if (!transforms::computeTangents(*m, c.diag(), locate, want))
    return nullptr;
  const ir::Quantity *at = nullptr;
  if (std::string why = ir::layoutProblem(*m, at); !why.empty()) {
    c.diag().error(at->loc, why);
    return nullptr;
  }
  return m;
}

int emitTangent(Compilation &c, std::ostream &out) {
  ir::Module *m = differentiate(c);
  if (!m)
    return ExitUserError;
  ir::printModule(*m, out);
  return ExitOk;
}

namespace {

/// Parses "0.1,-2,3e-4"; false on anything else, on nan/inf and on values
/// past the double range. strtod, not std::stod: a subnormal such as 1e-320
/// is a number (std::stod throws on its ERANGE).
bool parseValues(const std::string &text, std::vector<double> &values) {
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) {
    char *end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (end == item.c_str() || !std::isfinite(v) ||
        item.find_first_not_of(" \t", static_cast<size_t>(end - item.c_str())) != std::string::npos)
      return false;
    values.push_back(v);
  }
  return !values.empty();
}

} // namespace

int runCheckGrad(Compilation &c, const CheckGradOptions &o, std::ostream &out,
                 std::ostream &errs) {
  runtime::GradCheckOptions go;
  go.trials = o.trials;
  go.steps = o.steps;
  go.seed = o.seed;
  go.task = o.task;
  if (!o.meta.empty() && !parseValues(o.meta, go.meta)) {
    errs << "plasticc: error: --meta expects comma-separated numbers, got '" << o.meta << "'\n";
    return ExitUsage;
  }
  if (c.options().estimator == ir::Estimator::Score) {
    errs << "plasticc: error: --check-grad compares pathwise tangents with finite differences "
            "of J at fixed noise; the score estimator is unbiased only on average over the "
            "noise (its checks: tests/unit/ScoreEstimatorTest.cpp; its variance: BENCHMARKS.md)\n";
    return ExitUsage;
  }
  ir::Module *m = differentiate(c);
  if (!m)
    return ExitUserError;
  // Checked before the interpreter allocates anything (StateSize.h).
  if (std::string big = stateTooBig(*m); !big.empty()) {
    errs << "plasticc: error: " << big << "; cannot allocate (" << machineMemory() << ")\n";
    return ExitUsage;
  }
  runtime::Interpreter interp(*m);
  runtime::GradCheckResult r = runtime::checkGradient(interp, go);
  if (!r.error.empty()) {
    errs << "plasticc: error: " << r.error << "\n";
    return ExitUsage;
  }
  runtime::printGradCheck(r, go, interp.info(), out);
  return r.ok() ? ExitOk : ExitUserError;
}

} // namespace plasticc::driver

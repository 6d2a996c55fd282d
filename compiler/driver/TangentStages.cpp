//===- compiler/driver/TangentStages.cpp - tangent stages of `plasticc` ---===//
#include "compiler/driver/TangentStages.h"

#include "compiler/driver/Driver.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Printer.h"
#include "runtime/GradCheck.h"
#include "runtime/Interpreter.h"

#include <CLI/CLI.hpp>

#include <ostream>
#include <sstream>

namespace plasticc::driver {

void addCheckGradOptions(CLI::App &app, CheckGradOptions &o) {
  app.add_flag("--check-grad", o.enabled,
               "run the model (reference interpreter) and compare the tangent gradient of J "
               "with central finite differences; exit 0 only if all entries agree");
  app.add_option("--trials", o.trials, "--check-grad: learning trials K (default 3)")
      ->check(CLI::PositiveNumber);
  app.add_option("--steps", o.steps, "--check-grad: steps per trial T (default 20)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "--check-grad: seed of the network, inputs, noise and "
                                   "default meta point (default 1)");
  app.add_option("--task", o.task, "--check-grad: inputs from a task (cue_delay_response) "
                                   "instead of seeded random inputs");
  app.add_option("--meta", o.meta, "--check-grad: the meta point, comma-separated values in "
                                   "declaration order (default: seeded near the defaults)");
}

ir::Module *differentiate(Compilation &c) {
  ir::Module *m = c.dialect();
  if (!m)
    return nullptr;
  // A .plir input's op locations are .plast places; report at its first line.
  transforms::OpLocator locate;
  if (c.isIRInput())
    locate = [](const ir::Op &) { return Loc{1, 1}; };
  return transforms::computeTangents(*m, c.diag(), locate) ? m : nullptr;
}

int emitTangent(Compilation &c, std::ostream &out) {
  ir::Module *m = differentiate(c);
  if (!m)
    return ExitUserError;
  ir::printModule(*m, out);
  return ExitOk;
}

namespace {

/// Parses "0.1,-2,3e-4"; false on anything else.
bool parseValues(const std::string &text, std::vector<double> &values) {
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) {
    size_t used = 0;
    try {
      values.push_back(std::stod(item, &used));
    } catch (const std::exception &) {
      return false;
    }
    if (item.find_first_not_of(" \t", used) != std::string::npos)
      return false;
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
  ir::Module *m = differentiate(c);
  if (!m)
    return ExitUserError;
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

//===- compiler/driver/TangentStages.h - tangent stages of `plasticc` -----===//
//
// The driver's stages after the dialect (DESIGN.md "The pipeline"):
//   --emit=tangent  the module after the tangent pass
//   --check-grad    run the model in the reference interpreter and compare
//                   the tangent gradient of J with finite differences
//                   (runtime/GradCheck.h); exit 0 only if they agree.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <cstdint>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace plasticc::driver {

class Compilation;

/// Options of `plasticc --check-grad FILE [--trials K] [--steps T] [--seed S]
/// [--task NAME] [--meta V,V,...]`.
struct CheckGradOptions {
  bool enabled = false;
  int64_t trials = 3;
  int64_t steps = 20;
  uint64_t seed = 1;
  std::string task; // "" or "cue_delay_response"
  std::string meta; // comma-separated meta values, flat order; "" = seeded
};

/// Adds --check-grad and its options to the command line.
void addCheckGradOptions(CLI::App &app, CheckGradOptions &options);

/// After parsing: usage errors (exit 2, one message on `errs`) for --trials,
/// --steps, --seed, --task or --meta
/// given without --check-grad (they would be silently ignored). Returns
/// ExitOk or ExitUsage.
int checkCheckGradOptions(const CLI::App &app, const CheckGradOptions &options,
                          std::ostream &errs);

/// The verified dialect module after the tangent pass (run at most once;
/// the pass leaves a differentiated module unchanged), or nullptr after a
/// user error, which has been reported.
ir::Module *differentiate(Compilation &compilation);

/// --emit=tangent: prints the differentiated module (canonical text form).
int emitTangent(Compilation &compilation, std::ostream &out);

/// --check-grad: writes the comparison table to `out`; problems with the
/// options (unknown task, wrong number of --meta values) go to `errs` as
/// usage errors. Returns ExitOk when every entry agrees, ExitUserError on a
/// mismatch or a user error in the model, ExitUsage on bad options.
int runCheckGrad(Compilation &compilation, const CheckGradOptions &options, std::ostream &out,
                 std::ostream &errs);

} // namespace plasticc::driver

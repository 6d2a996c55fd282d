//===- runtime/tool/Options.cpp - CLI11 definitions of the options --------===//
#include "runtime/tool/Options.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>
#include <string>

#ifndef PLASTICC_VERSION
#define PLASTICC_VERSION "unknown"
#endif

namespace plasticc::tool {

namespace {

/// A CLI11 check with a short message ("--batch must be at least 1"); CLI11's
/// own range checks print the type's limit as a 300-digit number.
CLI::Validator atLeast(double lo, bool strictly = false) {
  std::string bound = lo == std::floor(lo) ? std::to_string(static_cast<long long>(lo))
                                           : std::to_string(lo);
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        char *end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        bool ok = end != text.c_str() && *end == '\0' && !std::isnan(v) &&
                  (strictly ? v > lo : v >= lo);
        return ok ? "" : std::string("must be ") + (strictly ? "greater than " : "at least ") +
                             bound + " (got " + text + ")";
      },
      "", "");
}

/// The option name first, then the check's message.
std::string shortMessage(const CLI::ParseError &e) {
  std::string what = e.what();
  // CLI11 2.1: "--batch: must be at least 1 (got 0)"
  size_t colon = what.find(": must be ");
  if (colon != std::string::npos)
    what.erase(colon, 1);
  return what;
}

} // namespace

int parseOptions(int argc, char **argv, Options &o) {
  CLI::App app{"plasticc-meta: meta-learn the meta parameters of a plasticity rule by tangent "
               "propagation through learning (docs/model.md), then compare the learned rule with "
               "hand-crafted rules on held-out networks."};
  app.name("plasticc-meta");
  app.option_defaults()->always_capture_default(true);
  app.set_version_flag("--version", std::string("plasticc-meta ") + PLASTICC_VERSION);
  app.add_option("MODEL", o.model, "the model: a .plast source, a .plir module or a built .so")
      ->required();
  app.add_option("--task", o.task, "a task name (examples/tasks/NAME.toml) or a task file")
      ->required();
  app.add_option("--iters", o.iters, "meta-iterations")->check(atLeast(0));
  app.add_option("--batch", o.batch, "B: networks per meta-iteration")->check(atLeast(1));
  app.add_option("--trials", o.trials, "K: learning trials per network")
      ->check(atLeast(1));
  app.add_option("--steps", o.steps, "T: steps per trial (epochs scale to fit; default: the task's)")
      ->check(atLeast(0));
  app.add_option("--lr", o.lr, "Adam's learning rate on the meta parameters")
      ->check(atLeast(0, true));
  app.add_option("--seed", o.seed, "run seed: every network, trial and noise draw derives from it");
  app.add_option("--threads", o.threads, "worker threads (default: all cores); results do not "
                                         "depend on it")
      ->check(atLeast(1));
  app.add_option("--out", o.out, "output directory (log.csv, rule.json, checkpoint.json, PNGs, "
                                 "evaluation)");
  app.add_flag("--resume", o.resume, "continue the run whose checkpoint is in --out");
  app.add_flag("--interpret", o.interpret, "run the reference interpreter, not compiled code");
  app.add_option("--init", o.init,
                 "initial meta values instead of the model's defaults: NAME=V,... (e.g. "
                 "theta[1,1]=1) or the rule.json of an earlier run");
  app.add_option("--freeze", o.freeze,
                 "meta scalars kept at their initial values: NAME,... where an index may be * "
                 "(e.g. theta[0,*],theta[*,0])");
  app.add_option("--checkpoint-every", o.checkpointEvery, "write a checkpoint every N iterations")
      ->check(atLeast(1));
  app.add_option("--on-divergence", o.onDivergence,
                 "a network with NaN/Inf or weights past --weight-bound: 'skip' it for that "
                 "iteration, or 'stop' the run")
      ->check(CLI::IsMember({"skip", "stop"}));
  app.add_option("--weight-bound", o.weightBound, "largest |weight| before a network counts as "
                                                  "diverged")
      ->check(atLeast(0, true));
  app.add_option("--clip", o.clip, "clip the meta-gradient to this L2 norm (0: no clipping)")
      ->check(atLeast(0));
  app.add_flag_callback("--no-eval", [&o] { o.evaluate = false; },
                        "skip the evaluation against baselines");
  app.add_option("--eval-seeds", o.evalSeeds, "held-out networks per rule in the evaluation")
      ->check(atLeast(1));
  app.add_option("--eval-trials", o.evalTrials, "learning trials per held-out network "
                                                "(default: --trials)")
      ->check(atLeast(0));
  app.add_option("--sweep-seeds", o.sweepSeeds, "networks per point of the baselines' "
                                                "learning-rate sweep")
      ->check(atLeast(1));
  app.add_option("--sweep", o.sweep, "multiples of the model's eta tried for the baselines")
      ->delimiter(',')
      ->check(atLeast(0, true));
  app.add_flag_callback("--no-plots", [&o] { o.plots = false; }, "do not draw the PNG plots");
  app.add_option("--python", o.python, "the Python that runs the plot script (needs matplotlib)");
  app.add_option("--plot-script", o.plotScript, "the plot script (default: scripts/plot.py)");
  app.add_flag("-q,--quiet", o.quiet, "no progress bar and no table on stdout");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::cerr << "plasticc-meta: error: " << shortMessage(e)
              << "\n(run plasticc-meta --help for usage)\n";
    return ExitUsage;
  }
  return -1;
}

} // namespace plasticc::tool

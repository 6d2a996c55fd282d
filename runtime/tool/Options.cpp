//===- runtime/tool/Options.cpp - CLI11 definitions of the options --------===//
#include "runtime/tool/Options.h"

#include "runtime/tasks/Task.h"
#include "support/CliChecks.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#ifndef PLASTICC_VERSION
#define PLASTICC_VERSION "unknown"
#endif

namespace plasticc::tool {

using cli::atLeast, cli::between, cli::count, cli::seedValue;

namespace {

/// Bounds of the counts: generous, and small enough that their products
/// (network-trials of a search: points x networks x trials; trials x steps)
/// stay far inside int64.
constexpr int64_t kMaxNetworks = 100'000, kMaxTrials = 100'000'000, kMaxIterations = 100'000'000;

} // namespace

namespace {

/// Options both commands share: what to load, where to write, how to run.
void addShared(CLI::App &app, Options &o) {
  app.option_defaults()->always_capture_default(true);
  app.set_version_flag("--version", std::string("plasticc-meta ") + PLASTICC_VERSION);
  app.add_option("MODEL", o.model, "the model: a .plast source, a .plir module or a built .so")
      ->required();
  app.add_option("--task", o.task, "a shipped task's name (examples/tasks/NAME.toml) or a task "
                                   "file (a path with '/' or ending in .toml)")
      ->required();
  app.add_option("--steps", o.steps, "T: steps per trial (epochs scale to fit; 0 or not given: "
                                     "the task's own)")
      ->transform(count(0, tasks::kMaxSteps));
  app.add_option("--seed", o.seed, "run seed: every network, trial and noise draw derives from it")
      ->transform(seedValue());
  app.add_option("--threads", o.threads, "worker threads per process (default: all cores; under "
                                         "mpirun, the node's cores over its ranks); results do "
                                         "not depend on it")
      ->transform(count(1, 4096));
  app.add_flag("--interpret", o.interpret, "run the reference interpreter, not compiled code");
  app.add_option("-D,--define", o.defines,
                 "NAME=VALUE: set a dim or param of a .plast model without editing it (-D N=256, "
                 "-D eta=0.01, -D tau=20ms); repeatable; covered by the model's source hash")
      ->allow_extra_args(false);
  app.add_option("--weight-bound", o.weightBound, "largest |weight| before a network counts as "
                                                  "diverged")
      ->transform(atLeast(0, true));
  app.add_flag_callback("--no-plots", [&o] { o.plots = false; }, "do not draw the PNG plots");
  app.add_option("--python", o.python, "the Python that runs the plot script (needs matplotlib)");
  app.add_option("--plot-script", o.plotScript, "the plot script (default: scripts/plot.py)");
  app.add_flag("-q,--quiet", o.quiet, "no progress bar and no table on stdout");
  app.add_option("--progress", o.progress, "the progress bar of meta-training: 'auto' (drawn "
                                           "when stderr is a terminal), 'always' (redrawn with "
                                           "carriage returns wherever stderr goes) or 'never'")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--force", o.force, "replace the outputs of an earlier run in --out (without it, "
                                   "a directory holding them is refused)");
}

/// How rules are evaluated (docs/runtime.md "Evaluation").
/// Returns the --ablate option, whose count says whether it was given.
CLI::Option *addEvaluation(CLI::App &app, EvaluationOptions &e, bool training) {
  app.add_option(training ? "--eval-seeds" : "--networks", e.seeds,
                 "held-out networks per rule (the same networks for every rule)")
      ->transform(count(1, kMaxNetworks));
  app.add_option(training ? "--eval-trials" : "--trials", e.trials,
                 training ? "learning trials per held-out network (default: --trials)"
                          : "learning trials per held-out network (default: 20)")
      ->transform(count(1, kMaxTrials))
      ->default_str("");
  app.add_option("--sweep-seeds", e.sweepSeeds,
                 training ? "networks per point of a learning-rate search (default: 2 x --batch)"
                          : "networks per point of a learning-rate search (default: 16)")
      ->transform(count(1, kMaxNetworks))
      ->default_str("");
  app.add_option("--sweep", e.sweep, "the search's first grid: multiples of the model's learning "
                                     "rate (each in [1e-9, 1e9])")
      ->delimiter(',')
      ->transform(between(1e-9, 1e9));
  app.add_option("--sweep-refine", e.sweepRefine, "golden-section steps on log eta after the grid")
      ->transform(count(0, 1000));
  app.add_option("--penalty", e.penalty, "task reward of every trial of a network from its "
                                         "divergence on (default: the worst trial reward of any "
                                         "completed held-out trial of any rule; |V| <= 1e9)")
      ->transform(between(-1e9, 1e9))
      ->default_str("");
  app.add_option("--criterion-window", e.criterionWindow, "trials to criterion: window of "
                                                          "successive trials (Miconi 2017: 100)")
      ->transform(count(1, kMaxTrials));
  app.add_option("--criterion", e.criterionFraction, "trials to criterion: fraction correct in "
                                                     "the window (Miconi 2017: 0.95)")
      ->transform(between(0, 1));
  app.add_flag_callback("--no-retune", [&e] { e.retune = false; },
                        "do not also evaluate each candidate rule at a tuned learning rate");
  app.add_flag("--ablate", e.ablate, "also evaluate the first candidate rule with each of its "
                                    "terms (non-zero meta scalars whose declared default is 0) "
                                    "set to 0 in turn");
  CLI::Option *ablate = app.add_option("--ablate-groups", e.ablateSpec,
                                       "like --ablate, with each group named set to 0 together: "
                                       "NAME,... where * matches any index (theta[1,*] is a row)");
  app.add_option("--learning-rate", e.learningRate,
                 "the scalar param or meta the search scales (a meta named log_* is a log; "
                 "default: param eta, else meta eta, else meta log_eta, else the rule's "
                 "coefficients)");
  app.add_option("--record", e.record,
                 "NAME,...: save these quantities (states, outputs, traces, weights) after every "
                 "step of chosen held-out networks and trials under each rule, as NumPy .npy "
                 "files in OUT/activity, and plot them (docs/runtime.md 'Recording activity')")
      ->delimiter(',');
  app.add_option("--record-networks", e.recordNetworks,
                 "I,...: the held-out networks --record replays (from 0, as networks.csv)")
      ->delimiter(',')
      ->transform(count(0, kMaxNetworks));
  app.add_option("--record-trials", e.recordTrials,
                 "K,...: the trials --record saves (from 1, as trials.csv; default: the first "
                 "and the last)")
      ->delimiter(',')
      ->transform(count(1, kMaxTrials))
      ->default_str("");
  app.add_option("--record-rules", e.recordRules,
                 "NAME: a rule of the table --record replays (repeatable; default: all)")
      ->default_str("");
  app.add_option("--baselines", e.baselines, "a baselines file (default: MODEL.baselines.toml "
                                             "next to the model, else the built-in ones of the "
                                             "polynomial rule)");
  return ablate;
}

int parse(CLI::App &app, CLI::Option *ablate, EvaluationOptions &e, int argc, char **argv) {
  try {
    app.parse(argc, argv);
    e.ablateGroups = ablate->count() > 0;
    if (e.ablate && e.ablateGroups)
      std::cerr << "plasticc-meta: note: --ablate-groups given: its groups are ablated, not each "
                   "term\n";
    e.ablate = e.ablate || e.ablateGroups;
    e.recordAsked = app.get_option("--record-networks")->count() > 0 ||
                    app.get_option("--record-trials")->count() > 0 ||
                    app.get_option("--record-rules")->count() > 0;
    e.criterionAsked = app.get_option("--criterion-window")->count() > 0 ||
                       app.get_option("--criterion")->count() > 0;
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::cerr << "plasticc-meta: error: " << cli::message(e) << "\n(run plasticc-meta "
              << (app.get_name() == "plasticc-meta evaluate" ? "evaluate " : "")
              << "--help for usage)\n";
    return ExitUsage;
  }
  return -1;
}

int parseEvaluate(int argc, char **argv, Options &o) {
  CLI::App app{"plasticc-meta evaluate: let rules learn on held-out networks and compare them, "
               "paired network by network, with the model's baselines (learning rates tuned "
               "by the same search), without meta-learning. docs/runtime.md \"Evaluation\"."};
  app.name("plasticc-meta evaluate");
  o.command = "evaluate";
  o.out = "eval-out";
  addShared(app, o);
  app.add_option("--rule", o.rules,
                 "a rule to evaluate: a rule.json of an earlier run, or [LABEL:]NAME=V,... "
                 "(e.g. 'np:theta[1,1]=1'); repeatable; none: baselines only")
      ->default_str("");
  app.add_option("--out", o.out, "output directory (evaluation.txt/.csv, curves.csv, "
                                 "networks.csv, trials.csv, PNGs)");
  CLI::Option *ablate = addEvaluation(app, o.eval, false);
  // argv[1] is "evaluate": parse the rest as this command's arguments.
  return parse(app, ablate, o.eval, argc - 1, argv + 1);
}

} // namespace

int parseOptions(int argc, char **argv, Options &o) {
  if (argc > 1 && std::string(argv[1]) == "evaluate")
    return parseEvaluate(argc, argv, o);
  CLI::App app{"plasticc-meta: meta-learn the meta parameters of a plasticity rule by tangent "
               "propagation through learning, the score function of its exploration noise or "
               "evolution strategies (--estimator; docs/model.md), then compare the learned rule with "
               "hand-crafted rules on held-out networks. 'plasticc-meta evaluate --help': "
               "evaluate rules without meta-learning."};
  app.name("plasticc-meta");
  addShared(app, o);
  app.add_option("--iters", o.iters, "meta-iterations")->transform(count(0, kMaxIterations));
  app.add_option("--batch", o.batch, "B: networks per meta-iteration")
      ->transform(count(1, kMaxNetworks));
  app.add_option("--trials", o.trials, "K: learning trials per network")
      ->transform(count(1, kMaxTrials));
  app.add_option("--lr", o.lr, "Adam's learning rate on the meta parameters")
      ->transform(atLeast(0, true));
  app.add_option("--out", o.out, "output directory (log.csv, rule.json, checkpoint.json, PNGs, "
                                 "evaluation)");
  app.add_flag("--resume", o.resume, "continue the run whose checkpoint is in --out");
  app.add_option("--init", o.init,
                 "initial meta values instead of the model's defaults: NAME=V,... (e.g. "
                 "theta[1,1]=1) or the rule.json of an earlier run");
  app.add_option("--freeze", o.freeze,
                 "meta scalars kept at their initial values: NAME,... where an index may be * "
                 "(e.g. theta[0,*],theta[*,0])");
  app.add_option("--checkpoint-every", o.checkpointEvery, "write a checkpoint every N iterations")
      ->transform(count(1, kMaxIterations));
  app.add_option("--on-divergence", o.onDivergence,
                 "a network with NaN/Inf or weights past --weight-bound: 'penalize' it (each "
                 "trial it lost scores --divergence-penalty; the default), 'skip' it for that "
                 "iteration, or 'stop' the run")
      ->check(CLI::IsMember({"skip", "penalize", "stop"}));
  app.add_option("--divergence-penalty", o.divergencePenalty,
                 "with --on-divergence penalize, the reward of each lost trial (default: the "
                 "worst reward of any completed trial of that meta-iteration)")
      ->transform(between(-1e9, 1e9))
      ->default_str("the worst completed trial");
  app.add_option("--clip", o.clip, "clip the meta-gradient to this L2 norm (0: no clipping)")
      ->transform(atLeast(0));
  app.add_flag_callback("--no-eval", [&o] { o.evaluate = false; },
                        "skip the evaluation against baselines");
  app.add_option("--estimator", o.estimator,
                 "the meta-gradient: 'pathwise' (tangents through learning; the reward must be "
                 "differentiable), 'score' (REINFORCE with forward sensitivities of the rule; "
                 "any reward, e.g. a correct choice; docs/model.md) or 'es' (antithetic "
                 "evolution strategies in meta space: no tangents, any reward, a gradient "
                 "smoothed over --es-sigma that sees divergence; docs/runtime.md 'Long "
                 "lifetimes')")
      ->check(CLI::IsMember({"pathwise", "score", "es"}));
  app.add_option("--es-sigma", o.esSigma,
                 "with --estimator es, the perturbation's standard deviation in meta units "
                 "(default 0.1)")
      ->transform(between(1e-9, 1e3))
      ->default_str("0.1");
  app.add_option("--es-shaping", o.esShaping,
                 "with --estimator es, what weighs each pair's eps: 'difference', (J+ - J-) / "
                 "(2 sigma), the smoothed gradient; or 'sign', sign(J+ - J-) / (2 sigma), a "
                 "direction of ascent in which one diverged rollout counts no more than any "
                 "other pair")
      ->check(CLI::IsMember({"difference", "sign"}))
      ->default_str("difference");
  app.add_option("--curriculum", o.curriculum,
                 "horizon curriculum: lifetimes grow geometrically from K0 trials to --trials "
                 "over the first half of the meta-iterations (0: off)")
      ->transform(count(0, kMaxTrials))
      ->type_name("K0");
  app.add_flag("--normalize-grad", o.normalizeGrad,
               "rescale each meta-gradient to unit length before Adam (its direction only; "
               "--clip then has no effect)");
  app.add_option("--weight-change-penalty", o.weightChangePenalty,
                 "lambda: J counts each trial's reward minus lambda times the mean squared "
                 "change of the plastic weights over the trial, a pull away from runaway "
                 "plasticity (pathwise or es estimator, model reward; 0: none)")
      ->transform(between(0, 1e12));
  app.add_option("--reward", o.reward,
                 "what J averages: the model's reward R ('model') or the task's ('task': "
                 "reward = \"correct\" scores 1 per correct choice; needs --estimator score or "
                 "es)")
      ->check(CLI::IsMember({"model", "task"}));
  app.add_option("--score-baseline", o.scoreBaseline,
                 "with --estimator score, the baseline subtracted from each reward to go: "
                 "'batch', the other networks' mean; 'pairs', the same network's under a "
                 "second, independent noise stream (each network learns twice); 'mirror', no "
                 "baseline, each network learning twice under noise xi and -xi; 'none', no "
                 "baseline. All unbiased; BENCHMARKS.md 'Estimators' compares their variance")
      ->check(CLI::IsMember({"batch", "pairs", "mirror", "none"}));
  CLI::Option *ablate = addEvaluation(app, o.eval, true);
  return parse(app, ablate, o.eval, argc, argv);
}

} // namespace plasticc::tool

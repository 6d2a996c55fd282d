//===- runtime/tool/Options.h - the command line of plasticc-meta ---------===//
//
//   plasticc-meta MODEL --task NAME|FILE [--iters N] [--batch B] [--trials K]
//                 [--steps T] [--lr ETA] [--seed S] [--threads N] [--out DIR]
//                 [--resume] ...
//   plasticc-meta evaluate MODEL --task NAME|FILE [--rule RULE]... [--trials K]
//                 [--ablate[=SPEC]] ...
//
// Parsed with CLI11 into one plain struct. Every usage error (unknown flag,
// a value out of range, a missing MODEL) is reported with the reason and
// exit code 2; --help prints the usage and exits 0. docs/runtime.md lists
// every option.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace plasticc::tool {

/// Exit codes of plasticc-meta.
enum ExitCode : int {
  ExitOk = 0,
  ExitFailure = 1,  // an output could not be written, or another runtime failure
  ExitUsage = 2,    // bad arguments, unreadable model or task, task does not fit the model
  ExitDiverged = 3, // stopped because a network diverged (--on-divergence=stop)
  ExitInterrupted = 130, // stopped on request between meta-iterations (MetaRun.h StopRequest)
};

/// How rules are evaluated on held-out networks (both commands).
struct EvaluationOptions {
  int64_t seeds = 16;
  int64_t trials = 0;       // 0: --trials (training) or 20 (evaluate)
  int64_t sweepSeeds = 0;   // 0: 2 x --batch (training) or 16 (evaluate)
  std::vector<double> sweep = {0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};
  int sweepRefine = 8;      // golden-section steps after the grid
  double penalty = std::numeric_limits<double>::quiet_NaN(); // NaN: worst without plasticity
  int64_t criterionWindow = 100;
  double criterionFraction = 0.95;
  bool criterionAsked = false; // --criterion or --criterion-window given
  bool retune = true;       // also evaluate each candidate at a tuned learning rate
  bool ablate = false;      // --ablate, or --ablate-groups
  std::string ablateSpec;   // --ablate-groups ("": each term on its own)
  bool ablateGroups = false; // --ablate-groups was given
  std::string learningRate; // --learning-rate ("": param eta, meta eta, meta log_eta)
  std::string baselines;    // a baselines file ("" : MODEL.baselines.toml or built-in)
  // Activity recording (runtime/tool/Activity.h).
  std::vector<std::string> record;        // --record: quantities
  std::vector<int64_t> recordNetworks = {0}; // --record-networks: 0-based held-out networks
  std::vector<int64_t> recordTrials;      // --record-trials: 1-based; empty: first and last
  std::vector<std::string> recordRules;   // --record-rules (repeatable): empty: every rule
  bool recordAsked = false;               // one of the --record-* choices was given
};

/// Everything the command line sets.
struct Options {
  /// "train" (meta-learn, then evaluate) or "evaluate" (rules only).
  std::string command = "train";
  std::vector<std::string> rules; // evaluate: --rule
  std::string model;
  std::string task;
  int64_t iters = 100;
  int64_t batch = 4;
  int64_t trials = 20;
  int64_t steps = 0; // 0: the task's own timing
  double lr = 0.01;
  uint64_t seed = 1;
  int threads = 0; // 0: the hardware's
  std::string out = "meta-out";
  bool resume = false;
  bool force = false; // --force: replace an earlier run's outputs in --out
  std::string estimator = "pathwise"; // --estimator: pathwise | score | es
  std::string reward = "model";       // --reward: model | task
  std::string scoreBaseline = "batch"; // --score-baseline: batch | pairs | mirror | none
  int64_t curriculum = 0;              // --curriculum K0 (0: off)
  bool normalizeGrad = false;          // --normalize-grad
  double weightChangePenalty = 0;      // --weight-change-penalty lambda

  bool interpret = false;
  std::vector<std::string> defines; // -D NAME=VALUE
  std::string init;   // initial meta values: "theta[1,1]=1,..." or a rule.json
  std::string freeze; // meta scalars not learned: "theta[0,*],theta[*,0]"
  int64_t checkpointEvery = 5;
  std::string onDivergence = "penalize";
  double divergencePenalty = std::numeric_limits<double>::quiet_NaN(); // --divergence-penalty
  double esSigma = std::numeric_limits<double>::quiet_NaN(); // --es-sigma (NaN: the default)
  std::string esShaping;               // --es-shaping: difference | sign ("": the default)
  double weightBound = 1e3;
  double clip = 0;
  bool evaluate = true;
  EvaluationOptions eval;
  bool plots = true;
  std::string python = "/usr/bin/python3";
  std::string plotScript; // empty: scripts/plot.py of the source tree
  bool quiet = false;
  std::string progress = "auto"; // --progress: auto (when stderr is a terminal) | always | never
};

/// Parses argv into `options`. Returns -1 to go on, or the exit code to
/// end with (0 after --help, ExitUsage after an error, reported on stderr).
int parseOptions(int argc, char **argv, Options &options);

} // namespace plasticc::tool

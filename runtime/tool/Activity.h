//===- runtime/tool/Activity.h - --record: held-out activity as .npy ------===//
//
// plasticc-meta --record x,W replays chosen held-out networks of the
// evaluation under each rule of the table (Evaluator::replay: the same
// run) with an ActivityRecorder (runtime/meta/Recording.h) and writes
// what it saw into OUT/activity/ as NumPy .npy files, with an index.csv
// and the rules' meta values (rules.json) that scripts/plot.py draws from
// (activity rasters, weight-change histograms, the rule as a surface over
// pre and post). docs/runtime.md "Recording activity" lists the files.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Evaluation.h"
#include "runtime/tool/Options.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace plasticc::tool {

/// What --record asked for, checked against the model and the evaluation.
struct ActivityPlan {
  std::vector<const runtime::QuantityInfo *> quantities;
  std::vector<int64_t> networks; // 0-based held-out network indices
  std::vector<int64_t> trials;   // 0-based (the options count trials from 1)
  std::vector<std::string> rules; // names of rules of the table; empty: all
};

/// Checks --record, --record-networks, --record-trials and --record-rules
/// against the model (stored quantities), the held-out networks and trials,
/// the table's rules and the output directory `dir` (an `activity` there
/// that is not a recording is the user's). `trialSteps(network, trial)` is
/// T of a held-out network's trial (0-based both), for the size estimate.
/// nullopt without --record; nullopt and `err` (non-empty) for a request
/// that cannot be met.
std::optional<ActivityPlan> planActivity(const EvaluationOptions &e, const runtime::ModelInfo &info,
                                         int64_t networks, int64_t trials,
                                         const std::function<int64_t(int64_t, int64_t)> &trialSteps,
                                         const std::vector<std::string> &ruleNames,
                                         const std::string &dir, std::string &err);

/// Removes an earlier recording from `dir` (activity/ holding its
/// index.csv, and the PNGs drawn from it), so that a run without --record
/// (a resumed one) leaves none that is not its own. False and `err` if it
/// cannot.
bool clearActivity(const std::string &dir, std::string &err);

/// Replays the plan's networks under the rules of `results` it names and
/// writes DIR/activity (replacing an earlier one). False and `err` if a
/// file cannot be written or a replay does not reproduce the evaluation's
/// rewards (an internal error). Says what it records unless `quiet`.
bool recordActivity(const ActivityPlan &plan, const meta::Evaluator &evaluator,
                    const std::vector<meta::RuleResult> &results, const std::string &dir,
                    bool quiet, std::string &err);

} // namespace plasticc::tool

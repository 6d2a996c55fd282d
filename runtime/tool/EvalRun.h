//===- runtime/tool/EvalRun.h - rules against baselines, written out ------===//
//
// The evaluation step both commands share: the candidate rules (the one
// just learned, or those given to `plasticc-meta evaluate`), each also at
// a retuned learning rate, against "no plasticity" and the model's
// baselines, all on the same held-out networks; then the optional ablation
// of the first candidate; then the table on stdout and evaluation.txt,
// evaluation.csv, curves.csv, networks.csv, trials.csv (and ablation.csv) in --out,
// and with --record the activity of chosen held-out networks (Activity.h).
// prepare() checks everything the user gave (baselines file, ablation
// patterns) before any network runs or any file is written.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Evaluation.h"
#include "runtime/tool/Activity.h"
#include "runtime/tool/Options.h"
#include "runtime/tool/Ranks.h"
#include "runtime/tool/Session.h"

#include <string>
#include <vector>

namespace plasticc::tool {

/// One evaluation (see file comment).
class EvalRun {
public:
  EvalRun(const Options &options, const Session &session, Ranks &ranks)
      : o_(options), s_(session), ranks_(ranks) {}

  /// Builds the rule list from `candidates` and the baselines; -1 to go on,
  /// else the exit code (message printed). `defaultTrials` and
  /// `defaultSweepSeeds` apply where the options leave them at 0.
  int prepare(std::vector<meta::Rule> candidates, int64_t defaultTrials,
              int64_t defaultSweepSeeds);

  /// Replaces the candidates' meta values (the learned rule, once trained).
  void setCandidateMeta(const std::vector<double> &meta);

  /// Runs the evaluation (collective: every rank runs its share of the
  /// networks) and rank 0 writes its files into o.out; -1 or exit code.
  int run();

  /// Notes printed under the table (where rules came from, budgets).
  std::vector<std::string> notes;

private:
  const Options &o_;
  const Session &s_;
  Ranks &ranks_;
  meta::EvalConfig config_;
  std::vector<meta::Rule> rules_;
  std::vector<double> defaults_;
  std::optional<ActivityPlan> activity_;
};

} // namespace plasticc::tool

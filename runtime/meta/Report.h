//===- runtime/meta/Report.h - the evaluation as people read it -----------===//
//
// Text for evaluation.txt and the terminal: the table (one row per rule:
// learning rate, mean reward during learning with its standard error, final
// reward, fraction correct, trials to criterion, divergences), the notes
// (tuning budgets, penalties, divergences), the verdict of each candidate
// rule against each baseline, and the ablation of a rule. Every comparison
// is paired over all held-out networks (every rule runs on the same seeds)
// and says "beats" or "does not beat" only beyond 2 standard errors of the
// mean difference.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Evaluation.h"

#include <limits>
#include <string>
#include <vector>

namespace plasticc::meta {

/// One line per candidate rule (Rule::candidate) comparing it with every
/// non-candidate by mean reward during learning, paired over all held-out
/// networks: it beats a baseline if the mean difference exceeds 2 standard
/// errors, does not beat it below -2, and otherwise ties. Each line ends
/// with the difference to the best baseline and its standard error. "" if
/// there is no candidate or no baseline.
std::string verdict(const std::vector<RuleResult> &results);

/// The evaluation table as text: header, one row per rule (columns sized to
/// their cells; "correct" and "to criterion" only for tasks with choices),
/// the notes of the rules and `extraNotes`, and the verdict. `penalty` is
/// the one used; `worstCompleted` the worst completed trial (a warning when
/// a --penalty is above it).
std::string formatTable(const std::vector<RuleResult> &results, const tasks::Task &task,
                        const EvalConfig &config, double penalty,
                        const std::vector<std::string> &extraNotes = {},
                        double worstCompleted = std::numeric_limits<double>::quiet_NaN(),
                        const std::string &rateName = "eta");

/// The ablation of `full`: for each entry of `ablated` (the same rule with
/// one term or group set to 0, at the same learning rate, on the same
/// held-out networks; its name is the term), the mean reward and the paired
/// change from the full rule with its standard error. `rate` says at which
/// learning rate ("eta 0.05"); `groups` says whether the variants are named
/// groups (--ablate-groups) or single terms.
std::string formatAblation(const RuleResult &full, const std::vector<RuleResult> &ablated,
                           const std::string &rate, bool groups = false);

} // namespace plasticc::meta

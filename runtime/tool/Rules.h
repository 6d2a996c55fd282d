//===- runtime/tool/Rules.h - the rules an evaluation compares ------------===//
//
// Where rules come from, each checked against the model before anything
// runs: a rule.json of an earlier run (with its provenance), a list of
// NAME=V settings on the command line, the model's baselines file, or the
// built-in baselines of the reference family (docs/model.md: theta[a,b]
// weighs pre^a post^b). And the ablations of a rule: the same rule with one
// term or group set to 0. Every mistake names the file or the setting and
// what is wrong.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Evaluation.h"
#include "runtime/meta/ModelBinding.h"

#include <optional>
#include <string>
#include <vector>

namespace plasticc::tool {

/// Reads a rule.json of plasticc-meta for `binding`'s model: every meta
/// scalar must be there, finite, with the model's shapes. With
/// `sameModel`, a rule of a model with another name is an error; a rule
/// learned on a different source of the same model gets a note. The rule
/// is named `name` and its origin says where it was trained.
std::optional<meta::Rule> readRuleFile(const std::string &path, const std::string &name,
                                       const meta::ModelBinding &binding, bool sameModel,
                                       std::vector<std::string> &notes, std::string &err);

/// A rule from the command line: a rule.json path (named LABEL, else after
/// its directory), "[LABEL:]NAME=V,NAME=V,..." over the model's defaults
/// `defaults`, or "LABEL:" for the defaults themselves (a model's own rule).
std::optional<meta::Rule> parseRule(const std::string &spec, const meta::ModelBinding &binding,
                                    const std::vector<double> &defaults,
                                    std::vector<std::string> &notes, std::string &err);

/// The baselines of a model: from `file` (a baselines TOML; see
/// docs/runtime.md) if not empty, else the built-in ones of the reference
/// family if the model has a square meta `theta`, else none. "no
/// plasticity" is not included (the evaluation always adds it).
std::optional<std::vector<meta::Rule>> baselines(const std::string &file,
                                                 const meta::ModelBinding &binding,
                                                 const std::vector<double> &defaults,
                                                 std::vector<std::string> &notes,
                                                 std::string &err);

/// The sidecar baselines file of a model, MODEL.baselines.toml next to it
/// (e.g. examples/rnn_poly.baselines.toml), or "" if there is none.
std::string sidecarBaselines(const std::string &modelPath);

/// The meta-training budget as the notes print it: "96000 network-trials
/// with tangents", "2 x 4800 network-trials without tangents" (es's two
/// primal lifetimes per network; likewise paired or mirrored score rollouts).
std::string trainingBudget(int64_t iterations, int64_t batch, int64_t trials,
                           const std::string &estimator, const std::string &scoreBaseline);

/// The ablations of `rule`: for `spec` empty, one per term (a meta scalar
/// that is non-zero in the rule and declared 0 in `defaults`: a coefficient,
/// not a time constant or a rate); else one per comma-separated pattern (as
/// --freeze: theta[1,*] is a row), each setting what it names to 0. Named
/// after the scalar or pattern. A variant that would change nothing is
/// left out with a note; an unknown pattern is an error.
std::optional<std::vector<meta::Rule>> ablations(const meta::Rule &rule, const std::string &spec,
                                                 const meta::ModelBinding &binding,
                                                 const std::vector<double> &defaults,
                                                 std::vector<std::string> &notes,
                                                 std::string &err);

} // namespace plasticc::tool

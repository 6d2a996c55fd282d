//===- runtime/tool/EvalRun.cpp - the evaluation step of plasticc-meta ----===//
#include "runtime/tool/EvalRun.h"

#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/Logs.h"
#include "runtime/meta/Report.h"
#include "runtime/meta/Seeds.h"
#include "runtime/tool/MetaSpec.h"
#include "runtime/tool/Rules.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace plasticc::tool {

int EvalRun::prepare(std::vector<meta::Rule> candidates, int64_t defaultTrials,
                     int64_t defaultSweepSeeds) {
  const EvaluationOptions &e = o_.eval;
  config_.seeds = e.seeds;
  config_.trials = e.trials > 0 ? e.trials : defaultTrials;
  config_.tuneNetworks = e.sweepSeeds > 0 ? e.sweepSeeds : defaultSweepSeeds;
  config_.tune.grid = e.sweep;
  config_.tune.refine = e.sweepRefine;
  config_.penalty = e.penalty;
  config_.criterionWindow = e.criterionWindow;
  config_.criterionFraction = e.criterionFraction;
  config_.threads = s_.threads();
  config_.cluster = &ranks_.cluster();
  config_.seed = o_.seed;
  config_.weightBound = o_.weightBound;
  config_.learningRate = e.learningRate;
  if (int code = s_.defaultMeta(o_.seed, defaults_); code >= 0)
    return code;
  std::string why;
  std::optional<meta::LearningRate> rate = meta::findLearningRate(s_.binding(), e.learningRate, why);
  if (!rate)
    return fail(ExitUsage, why);
  if (e.criterionAsked && !s_.task().judged())
    return fail(ExitUsage, "task " + s_.task().name + " has neither 'choices' nor 'correct_below', "
                           "so no trial is correct or not: --criterion and --criterion-window "
                           "need a task with one of them");

  std::string err;
  std::string file = e.baselines.empty() ? sidecarBaselines(s_.modelPath()) : e.baselines;
  auto base = baselines(file, s_.binding(), defaults_, notes, err);
  if (!base)
    return fail(ExitUsage, err);
  if (e.ablate) {
    if (candidates.empty())
      return fail(ExitUsage, "--ablate needs a rule to ablate (--rule)");
    if (e.ablateGroups && splitSpec(e.ablateSpec).empty())
      return fail(ExitUsage, "--ablate-groups: '" + e.ablateSpec + "' names no group (NAME,... "
                             "where * matches any index)");
    std::vector<std::string> unused;
    if (!ablations(candidates.front(), e.ablateSpec, s_.binding(), defaults_, unused, err))
      return fail(ExitUsage, err); // checked now, built in run() from the final rule
  }
  for (meta::Rule &c : candidates) {
    c.candidate = true;
    if (!c.origin.empty())
      notes.push_back(c.name + ": " + c.origin);
    rules_.push_back(c);
  }
  if (e.retune)
    for (const meta::Rule &c : candidates) {
      meta::Rule r = c;
      r.name = c.name + ", " + rate->name + " tuned";
      r.tune = true;
      rules_.push_back(r);
    }
  rules_.push_back(meta::noPlasticity(defaults_));
  for (meta::Rule &b : *base)
    rules_.push_back(std::move(b));
  std::set<std::string> names;
  std::vector<std::string> ruleNames;
  for (const meta::Rule &r : rules_) {
    if (!names.insert(r.name).second)
      return fail(ExitUsage, "two rules are named '" + r.name + "' (give each --rule its own "
                             "LABEL:, and each baseline its own name)");
    ruleNames.push_back(r.name);
  }
  auto trialSteps = [this, trial = tasks::Trial()](int64_t network, int64_t k) mutable {
    uint64_t seed = meta::networkSeed(o_.seed, meta::SeedDomain::HeldOut, 0,
                                      static_cast<uint64_t>(network));
    s_.generator().generate(meta::taskSeed(seed), static_cast<uint64_t>(k), trial);
    return trial.steps;
  };
  activity_ = planActivity(e, s_.pool().info(), config_.seeds, config_.trials, trialSteps,
                           ruleNames, o_.out, err);
  if (!err.empty())
    return fail(ExitUsage, err);
  return -1;
}

void EvalRun::setCandidateMeta(const std::vector<double> &meta) {
  for (meta::Rule &r : rules_)
    if (r.candidate)
      r.meta = meta;
}

int EvalRun::run() {
  meta::Evaluator evaluator(s_.runner(), config_);
  std::string err;
  std::vector<meta::Rule> ablated; // of the first candidate, as it is now
  std::vector<std::string> ablationNotes;
  if (o_.eval.ablate)
    ablated = *ablations(rules_.front(), o_.eval.ablateSpec, s_.binding(), defaults_,
                         ablationNotes, err); // checked in prepare()
  const size_t n = rules_.size() + ablated.size();
  size_t at = 0;
  auto progress = [&, first = rules_.size()](const std::string &name) {
    if (!o_.quiet)
      std::cerr << "plasticc-meta: evaluating " << (at >= first ? "'" + rules_.front().name + "' without " : "")
                << name << " (rule " << at + 1 << " of " << n << ") on "
                << count(config_.seeds, "held-out network") << "...\n";
    ++at;
  };
  // The ablated variants run with the table's rules: one penalty floor for all.
  std::vector<meta::Rule> all = rules_;
  all.insert(all.end(), ablated.begin(), ablated.end());
  std::vector<meta::RuleResult> results;
  try {
    results = evaluator.evaluateAll(all, progress);
  } catch (const std::runtime_error &ex) {
    return fail(ExitFailure, ex.what());
  }
  std::vector<meta::RuleResult> without(results.begin() + static_cast<long>(rules_.size()),
                                        results.end());
  results.resize(rules_.size());
  const std::string rate = evaluator.learningRate().name;
  std::string table = meta::formatTable(results, s_.task(), config_, evaluator.penalty(), notes,
                                        evaluator.worstCompleted(), rate);
  std::string ablationCsv;
  if (o_.eval.ablate) {
    const meta::RuleResult &full = results.front();
    std::ostringstream at;
    at << rate << " " << full.eta;
    table += "\n" + meta::formatAblation(full, without, at.str(), o_.eval.ablateGroups);
    for (const std::string &note : ablationNotes)
      table += "  " + note + "\n";
    ablationCsv = "without,mean_reward,change,change_sem\n";
    for (const meta::RuleResult &a : without) {
      meta::MeanSem d = meta::pairedDifference(a.perNetwork, full.perNetwork);
      char line[256];
      std::snprintf(line, sizeof line, "\"%s\",%.10g,%.10g,%.10g\n", a.rule.name.c_str(),
                    a.meanReward.mean, d.mean, d.sem);
      ablationCsv += line;
    }
  }
  if (!ranks_.lead())
    return -1; // rank 0 prints and writes
  if (!o_.quiet)
    std::cout << table << std::flush;
  if (!meta::writeEvaluation(o_.out, results, table, err) ||
      (!ablationCsv.empty() && !meta::writeFileAtomically(o_.out + "/ablation.csv", ablationCsv, err)))
    return fail(ExitFailure, err);
  if (activity_ ? !recordActivity(*activity_, evaluator, results, o_.out, o_.quiet, err)
                : !clearActivity(o_.out, err))
    return fail(ExitFailure, err);
  return -1;
}

} // namespace plasticc::tool

//===- runtime/tool/Activity.cpp - --record: held-out activity as .npy ----===//
#include "runtime/tool/Activity.h"

#include "runtime/meta/Logs.h"
#include "runtime/meta/Recording.h"
#include "runtime/meta/Seeds.h"
#include "runtime/tool/OutputDir.h"
#include "runtime/tool/Session.h"
#include "support/Files.h"
#include "support/Npy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

namespace fs = std::filesystem;

namespace plasticc::tool {

namespace {

/// Recordings past this many bytes are refused before anything runs.
constexpr double kMaxBytes = 4.0 * (1ull << 30);

/// The PNGs scripts/plot_activity.py draws from a recording.
const char *const kPlots[] = {"activity.png", "weight_change.png", "rule_surface.png"};

/// A recording of plasticc-meta (not a directory of the user's that happens
/// to be called activity): it holds our marker (OutputDir.h).
bool isRecording(const fs::path &root) {
  std::error_code ec;
  return fs::is_regular_file(root / kDirectoryMarker, ec);
}

/// "learned, eta tuned" -> "learned_eta_tuned": a directory name.
std::string slug(const std::string &name) {
  std::string s;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!s.empty() && s.back() != '_')
      s += '_';
  }
  while (!s.empty() && s.back() == '_')
    s.pop_back();
  return s.empty() ? "rule" : s;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

/// One file of the recording: DIR/activity/REL.
bool writeArray(const fs::path &root, const std::string &rel, const std::vector<double> &values,
                const std::vector<int64_t> &shape, std::string &err) {
  std::error_code ec;
  fs::create_directories((root / rel).parent_path(), ec);
  if (ec) {
    err = "cannot create '" + (root / rel).parent_path().string() + "': " + ec.message();
    return false;
  }
  return writeFileAtomically((root / rel).string(), npyBytes(values, shape), err);
}

/// Checks names against the stored quantities; fills `plan.quantities`.
bool planQuantities(const std::vector<std::string> &names, const runtime::ModelInfo &info,
                    ActivityPlan &plan, std::string &err) {
  std::string stored;
  for (const runtime::QuantityInfo &q : info.quantities)
    if (q.kind != "input" && q.kind != "noise")
      stored += (stored.empty() ? "" : ", ") + q.name;
  for (const std::string &name : names) {
    const runtime::QuantityInfo *q = info.find(name);
    if (!q) {
      err = "--record: model '" + info.name + "' has no quantity '" + name + "' (it stores " +
            stored + ")";
      return false;
    }
    if (q->kind == "input" || q->kind == "noise") {
      err = "--record: '" + name + "' is " + (q->kind == "input" ? "an input" : "a noise") +
            ", given to the network, not stored in it (it stores " + stored + ")";
      return false;
    }
    if (std::find(plan.quantities.begin(), plan.quantities.end(), q) == plan.quantities.end())
      plan.quantities.push_back(q);
  }
  return true;
}

} // namespace

std::optional<ActivityPlan> planActivity(const EvaluationOptions &e, const runtime::ModelInfo &info,
                                         int64_t networks, int64_t trials,
                                         const std::function<int64_t(int64_t, int64_t)> &trialSteps,
                                         const std::vector<std::string> &ruleNames,
                                         const std::string &dir, std::string &err) {
  err.clear();
  if (e.record.empty()) {
    if (e.recordAsked)
      err = "--record-networks, --record-trials and --record-rules choose what --record records: "
            "give --record NAME,...";
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path root = fs::path(dir) / "activity";
  if (fs::exists(root, ec) && !isRecording(root)) {
    err = "--record writes '" + root.string() + "', which exists and is not a recording of "
          "plasticc-meta (no " + kDirectoryMarker + " in it): move it or choose another --out";
    return std::nullopt;
  }
  ActivityPlan plan;
  if (!planQuantities(e.record, info, plan, err))
    return std::nullopt;
  for (int64_t i : e.recordNetworks) {
    if (i >= networks) {
      err = "--record-networks: network " + std::to_string(i) + " is not held out (networks are "
            "counted from 0; there are " + std::to_string(networks) + ")";
      return std::nullopt;
    }
    if (std::find(plan.networks.begin(), plan.networks.end(), i) == plan.networks.end())
      plan.networks.push_back(i);
  }
  std::vector<int64_t> asked = e.recordTrials;
  if (asked.empty())
    asked = trials > 1 ? std::vector<int64_t>{1, trials} : std::vector<int64_t>{1};
  for (int64_t k : asked) {
    if (k > trials) {
      err = "--record-trials: trial " + std::to_string(k) + " is past the " +
            std::to_string(trials) + " trials of each held-out network (trials are counted from 1, "
            "as in trials.csv)";
      return std::nullopt;
    }
    plan.trials.push_back(k - 1);
  }
  std::sort(plan.trials.begin(), plan.trials.end());
  plan.trials.erase(std::unique(plan.trials.begin(), plan.trials.end()), plan.trials.end());
  for (const std::string &name : e.recordRules) {
    if (std::find(ruleNames.begin(), ruleNames.end(), name) == ruleNames.end()) {
      std::string known;
      for (const std::string &r : ruleNames)
        known += (known.empty() ? "'" : ", '") + r + "'";
      err = "--record-rules: no rule of the table is named '" + name + "' (its rules: " + known + ")";
      return std::nullopt;
    }
    plan.rules.push_back(name);
  }
  double elements = 0, steps = 0;
  for (const runtime::QuantityInfo *q : plan.quantities)
    elements += static_cast<double>(q->numElements());
  for (int64_t i : plan.networks) // the trials' own lengths (drawn per trial by some tasks)
    for (int64_t k : plan.trials)
      steps += static_cast<double>(trialSteps(i, k));
  double bytes = 8.0 * elements * steps *
                 static_cast<double>(plan.rules.empty() ? ruleNames.size() : plan.rules.size());
  if (bytes > kMaxBytes) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3g GB", bytes / 1e9);
    err = "--record would write " + std::string(text) + " (more than 4 GiB): record fewer "
          "quantities, networks, trials or rules";
    return std::nullopt;
  }
  return plan;
}

bool recordActivity(const ActivityPlan &plan, const meta::Evaluator &evaluator,
                    const std::vector<meta::RuleResult> &results, const std::string &dir,
                    bool quiet, std::string &err) {
  const fs::path root = fs::path(dir) / "activity";
  if (!clearActivity(dir, err)) // an earlier run's (--force or --resume) is replaced whole
    return false;
  // The marker first: a recording cut short is still known as ours.
  std::error_code ec;
  fs::create_directories(root, ec);
  if (!writeFileAtomically((root / kDirectoryMarker).string(),
                           "written by plasticc-meta --record; replaced whole by its next run\n",
                           err))
    return false;
  std::string index = "rule,directory,network,seed,trial,task_reward,correct,diverged,quantity,"
                      "kind,shape,file,start_file,end_file\n";
  nlohmann::json rules = nlohmann::json::array();
  std::set<std::string> used;
  for (const meta::RuleResult &res : results) {
    if (!plan.rules.empty() &&
        std::find(plan.rules.begin(), plan.rules.end(), res.rule.name) == plan.rules.end())
      continue;
    std::string name = slug(res.rule.name);
    for (int n = 2; !used.insert(name).second; ++n)
      name = slug(res.rule.name) + "_" + std::to_string(n);
    if (!quiet)
      std::cerr << "plasticc-meta: recording " << res.rule.name << " on "
                << count(static_cast<int64_t>(plan.networks.size()), "held-out network") << " into "
                << (root / name).string() << "\n";
    rules.push_back({{"name", res.rule.name}, {"directory", name}, {"plastic", res.rule.plastic},
                     {"eta", std::isnan(res.eta) ? nlohmann::json() : nlohmann::json(res.eta)},
                     {"meta", res.rule.meta}});
    for (int64_t i : plan.networks) {
      meta::ActivityRecorder recorder(plan.quantities, plan.trials);
      meta::NetworkResult replayed = evaluator.replay(res, i, recorder);
      const meta::NetworkOutcome &outcome = res.networks[static_cast<size_t>(i)];
      if (outcome.divergedAt >= 0 && !quiet && plan.trials.back() > outcome.divergedAt)
        std::cerr << "plasticc-meta: note: held-out network " << i << " diverged in trial "
                  << outcome.divergedAt + 1 << " under " << res.rule.name
                  << "; that trial is recorded (diverged = 1 in index.csv), the later ones "
                     "cannot be\n";
      for (size_t k = 0; k < replayed.trials.size(); ++k)
        if (replayed.trials[k].score.reward != outcome.reward[k]) {
          err = "internal error: replaying held-out network " + std::to_string(i) + " under '" +
                res.rule.name + "' gave another reward in trial " + std::to_string(k + 1) +
                " than its evaluation; nothing recorded is trustworthy";
          return false;
        }
      for (const meta::Recording &r : recorder.recordings()) {
        const runtime::QuantityInfo &q = *r.quantity;
        std::string base = name + "/network" + std::to_string(i) + "/trial" +
                           std::to_string(r.trial + 1) + "/" + q.name;
        std::vector<int64_t> shape = {r.steps};
        shape.insert(shape.end(), q.shape.begin(), q.shape.end());
        if (!writeArray(root, base + ".npy", r.values, shape, err))
          return false;
        std::string start, end;
        if (!r.start.empty() &&
            !writeArray(root, start = base + ".start.npy", r.start, q.shape, err))
          return false;
        if (!r.end.empty() && !writeArray(root, end = base + ".end.npy", r.end, q.shape, err))
          return false;
        index += meta::csvField(res.rule.name) + "," + name + "," + std::to_string(i) + "," +
                 meta::seedText(outcome.seed) + "," + std::to_string(r.trial + 1) + "," +
                 meta::csvNumber(outcome.reward[static_cast<size_t>(r.trial)]) +
                 "," + (outcome.correct[static_cast<size_t>(r.trial)] ? "1" : "0") + "," +
                 (r.trial == outcome.divergedAt ? "1" : "0") + "," + q.name +
                 "," + q.kind + "," + shapeText(shape) + "," + base + ".npy," + start + "," + end +
                 "\n";
      }
    }
  }
  nlohmann::json doc = {{"rules", rules}};
  nlohmann::json names = nlohmann::json::array();
  for (const runtime::QuantityInfo &q : evaluator.runner().binding().info().quantities)
    if (q.kind == "meta")
      names.push_back({{"name", q.name}, {"shape", q.shape}});
  doc["meta_quantities"] = names;
  return writeFileAtomically((root / "index.csv").string(), index, err) &&
         writeFileAtomically((root / "rules.json").string(), doc.dump(1) + "\n", err);
}

bool clearActivity(const std::string &dir, std::string &err) {
  const fs::path root = fs::path(dir) / "activity";
  if (!isRecording(root))
    return true; // none, or the user's own directory: not ours to remove
  std::error_code ec;
  fs::remove_all(root, ec);
  for (const char *png : kPlots)
    if (!ec)
      fs::remove(fs::path(dir) / png, ec);
  if (ec) {
    err = "cannot remove the earlier recording '" + root.string() + "': " + ec.message();
    return false;
  }
  return true;
}

} // namespace plasticc::tool

//===- runtime/meta/Logs.cpp - CSV and JSON outputs -----------------------===//
#include "runtime/meta/Logs.h"

#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/Seeds.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <sstream>

namespace plasticc::meta {

std::string csvNumber(double v) {
  if (std::isnan(v))
    return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string csvField(const std::string &s) {
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

namespace {

nlohmann::json nested(const double *v, const std::vector<int64_t> &shape, size_t dim) {
  if (dim == shape.size())
    return *v;
  nlohmann::json a = nlohmann::json::array();
  int64_t stride = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d)
    stride *= shape[d];
  for (int64_t i = 0; i < shape[dim]; ++i)
    a.push_back(nested(v + i * stride, shape, dim + 1));
  return a;
}
} // namespace

std::string csvHeader(const ModelBinding &b) {
  std::string h = "iteration,J,task_reward,grad_norm,networks,skipped,seconds,trials,penalty,"
                  "diverged,divergence_penalty";
  for (int64_t k = 0; k < b.metaScalars(); ++k)
    h += "," + csvField(b.metaScalarName(k));
  for (int64_t k = 0; k < b.metaScalars(); ++k)
    h += "," + csvField("dJ/d" + b.metaScalarName(k));
  return h;
}

std::string csvRow(const IterationRecord &r) {
  std::string s =
      std::to_string(r.iteration) + "," + csvNumber(r.J) + "," + csvNumber(r.taskReward) + "," +
      csvNumber(r.gradNorm) + "," + std::to_string(r.networks) + "," + std::to_string(r.skipped) +
      "," + csvNumber(r.seconds) + "," + std::to_string(r.trials) + "," + csvNumber(r.penalty) +
      "," + std::to_string(r.diverged) + "," + csvNumber(r.divergencePenalty);
  for (double v : r.meta)
    s += "," + csvNumber(v);
  for (double v : r.grad)
    s += "," + csvNumber(v);
  return s;
}

bool CsvLog::open(const std::string &path, const ModelBinding &binding,
                  const std::vector<IterationRecord> &history, std::string &err) {
  std::string text = csvHeader(binding) + "\n";
  for (const IterationRecord &r : history)
    text += csvRow(r) + "\n";
  if (!writeFileAtomically(path, text, err))
    return false;
  file_ = std::fopen(path.c_str(), "a");
  path_ = path;
  if (!file_) {
    err = "cannot append to '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

bool CsvLog::append(const IterationRecord &record, std::string &err) {
  std::string row = csvRow(record) + "\n";
  if (!file_ || std::fputs(row.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    err = "cannot append to '" + path_ + "'";
    return false;
  }
  return true;
}

CsvLog::~CsvLog() {
  if (file_)
    std::fclose(file_);
}

bool writeRuleJson(const std::string &path, const ModelBinding &b, const std::vector<double> &meta,
                   const TrainingState &state, const Provenance &p, std::string &err) {
  nlohmann::json quantities = nlohmann::json::array();
  for (const MetaEntry &e : b.metaEntries())
    quantities.push_back({{"name", e.name},
                          {"shape", e.shape},
                          {"values", nested(meta.data() + e.offset, e.shape, 0)}});
  nlohmann::json flat = nlohmann::json::object();
  for (int64_t k = 0; k < b.metaScalars(); ++k)
    flat[b.metaScalarName(k)] = meta[static_cast<size_t>(k)];
  nlohmann::json j = {{"model", b.info().name},
                      {"model_hash", b.info().sourceHash},
                      {"task", b.task().name},
                      {"iterations", state.iteration},
                      {"meta", quantities},
                      {"scalars", flat}};
  if (!state.history.empty())
    j["last_J"] = state.history.back().J;
  j["provenance"] = toJson(p.run);
  j["provenance"]["iterations"] = p.iterations;
  j["provenance"]["out"] = p.out;
  return writeFileAtomically(path, j.dump(2) + "\n", err);
}

bool writeEvaluation(const std::string &dir, const std::vector<RuleResult> &results,
                     const std::string &table, std::string &err) {
  std::string eval = "rule,detail,candidate,eta,mean_reward,mean_reward_sem,final_reward,"
                     "fraction_correct,networks,diverged,criterion_median,criterion_q1,"
                     "criterion_q3,criterion_reached,tuning_network_trials,tuning_reward\n";
  std::string curves = "rule,trial,mean_reward,sem,fraction_correct,fraction_correct_sem\n";
  std::string nets = "rule,network,seed,mean_reward,diverged_at_trial,trials_to_criterion\n";
  std::string trials = "rule,network,trial,reward,correct\n";
  for (const RuleResult &r : results) {
    eval += csvField(r.rule.name) + "," + csvField(r.rule.detail) + "," +
            (r.rule.candidate ? "1" : "0") + "," + csvNumber(r.eta) + "," +
            csvNumber(r.meanReward.mean) + "," + csvNumber(r.meanReward.sem) + "," +
            csvNumber(r.finalReward) + "," + csvNumber(r.fractionCorrect) + "," +
            std::to_string(r.networks.size()) + "," + std::to_string(r.diverged) + "," +
            std::to_string(r.criterion.median) + "," + std::to_string(r.criterion.q1) + "," +
            std::to_string(r.criterion.q3) + "," + std::to_string(r.criterion.reached) + "," +
            std::to_string(r.tuneNetworkTrials) + "," +
            (r.tuning ? csvNumber(r.tuning->score) : std::string()) + "\n";
    for (size_t k = 0; k < r.curve.size(); ++k)
      curves += csvField(r.rule.name) + "," + std::to_string(k + 1) + "," + csvNumber(r.curve[k]) +
                "," + csvNumber(r.curveSem[k]) + "," + csvNumber(r.correct[k]) + "," +
                csvNumber(r.correctSem[k]) + "\n";
    for (size_t i = 0; i < r.networks.size(); ++i) {
      const NetworkOutcome &o = r.networks[i];
      nets += csvField(r.rule.name) + "," + std::to_string(i) + "," + seedText(o.seed) + "," +
              csvNumber(o.mean) + "," + (o.divergedAt < 0 ? "" : std::to_string(o.divergedAt + 1)) +
              "," + (o.toCriterion < 0 ? "" : std::to_string(o.toCriterion)) + "\n";
      const bool judged = !std::isnan(r.fractionCorrect);
      for (size_t k = 0; k < o.reward.size(); ++k)
        trials += csvField(r.rule.name) + "," + std::to_string(i) + "," + std::to_string(k + 1) +
                  "," + csvNumber(o.reward[k]) + "," + (judged ? (o.correct[k] ? "1" : "0") : "") +
                  "\n";
    }
  }
  return writeFileAtomically(dir + "/evaluation.txt", table, err) &&
         writeFileAtomically(dir + "/evaluation.csv", eval, err) &&
         writeFileAtomically(dir + "/curves.csv", curves, err) &&
         writeFileAtomically(dir + "/networks.csv", nets, err) &&
         writeFileAtomically(dir + "/trials.csv", trials, err);
}

} // namespace plasticc::meta

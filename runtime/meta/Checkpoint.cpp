//===- runtime/meta/Checkpoint.cpp - JSON checkpoints, written atomically -===//
#include "runtime/meta/Checkpoint.h"

#include "support/Files.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace plasticc::meta {

using nlohmann::json;

namespace {
constexpr int kFormatVersion = 1;

// JSON has no NaN: write null, read it back as NaN.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number(const json &j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}
json numbers(const std::vector<double> &v) {
  json a = json::array();
  for (double x : v)
    a.push_back(number(x));
  return a;
}
std::vector<double> numbers(const json &j) {
  std::vector<double> v;
  for (const json &x : j)
    v.push_back(number(x));
  return v;
}

/// A malformed value in a checkpoint: what is wrong, for the message.
struct BadValue : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `j` as an integer in [lo, hi]; a float, a string or a value out of range
/// is a BadValue naming `what` (get<int64_t> would cast 1e30 with undefined
/// behaviour).
int64_t integer(const json &j, const char *what, int64_t lo = 0,
                int64_t hi = std::numeric_limits<int64_t>::max()) {
  bool inRange = j.is_number_unsigned() ? j.get<uint64_t>() <= static_cast<uint64_t>(hi)
                                        : j.is_number_integer() && j.get<int64_t>() <= hi;
  if (!inRange || j.get<int64_t>() < lo)
    throw BadValue(std::string(what) + " must be an integer in [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "], got " + j.dump());
  return j.get<int64_t>();
}
int64_t integerOr(const json &j, const char *key, int64_t fallback) {
  return j.contains(key) ? integer(j.at(key), key) : fallback;
}

/// The checks by meaning that the JSON shape cannot express: finite meta
/// values and Adam moments (v >= 0), counts in range and in order.
void checkValues(const Checkpoint &cp) {
  const TrainingState &s = cp.state;
  for (double v : s.meta)
    if (!std::isfinite(v))
      throw BadValue("a meta value is not a finite number");
  for (size_t k = 0; k < s.adam.m.size(); ++k)
    if (!std::isfinite(s.adam.m[k]) || !std::isfinite(s.adam.v[k]) || s.adam.v[k] < 0)
      throw BadValue("Adam's moments must be finite, the second one >= 0");
  if (s.iteration > cp.totalIterations)
    throw BadValue("iteration " + std::to_string(s.iteration) + " is past total_iterations " +
                   std::to_string(cp.totalIterations));
  if (s.adam.t > s.iteration)
    throw BadValue("Adam's step count " + std::to_string(s.adam.t) + " is past the iteration " +
                   std::to_string(s.iteration));
  for (size_t k = 0; k < s.history.size(); ++k)
    if (s.history[k].iteration != static_cast<int64_t>(k) + 1 ||
        s.history[k].meta.size() != s.meta.size() || s.history[k].grad.size() != s.meta.size())
      throw BadValue("the log's row " + std::to_string(k + 1) + " is out of order or of another size");
}

RunIdentity identityFrom(const json &j) {
  RunIdentity id;
  id.modelName = j.at("model").get<std::string>();
  id.modelHash = j.at("model_hash").get<std::string>();
  id.taskName = j.at("task").get<std::string>();
  id.taskHash = j.at("task_hash").get<std::string>();
  id.batch = integer(j.at("batch"), "batch");
  id.trials = integer(j.at("trials"), "trials");
  id.steps = integer(j.at("steps"), "steps");
  if (!j.at("seed").is_number_unsigned())
    throw BadValue("seed must be an integer in [0, 2^64 - 1], got " + j.at("seed").dump());
  id.seed = j.at("seed").get<uint64_t>();
  id.adam.lr = j.at("lr").get<double>();
  id.adam.beta1 = j.at("beta1").get<double>();
  id.adam.beta2 = j.at("beta2").get<double>();
  id.adam.eps = j.at("eps").get<double>();
  id.adam.clip = j.at("clip").get<double>();
  id.weightBound = j.at("weight_bound").get<double>();
  id.onDivergence = j.at("on_divergence").get<std::string>();
  id.frozen = j.value("frozen", "");
  id.estimator = j.value("estimator", "pathwise"); // checkpoints before the score estimator
  id.reward = j.value("reward", "model");
  id.scoreBaseline = j.value("score_baseline", "batch");
  id.curriculum = integerOr(j, "curriculum", 0);
  id.normalizeGradient = j.value("normalize_grad", false);
  id.weightChangePenalty = j.value("weight_change_penalty", 0.0);
  id.esSigma = j.value("es_sigma", 0.0);
  id.esShaping = j.value("es_shaping", std::string(id.esSigma > 0 ? "difference" : ""));
  if (j.contains("divergence_penalty"))
    id.divergencePenalty = number(j.at("divergence_penalty"));
  return id;
}

json toJson(const IterationRecord &r) {
  return {{"iteration", r.iteration}, {"J", number(r.J)},
          {"task_reward", number(r.taskReward)}, {"grad_norm", number(r.gradNorm)},
          {"networks", r.networks}, {"skipped", r.skipped},
          {"seconds", r.seconds}, {"trials", r.trials}, {"penalty", number(r.penalty)},
          {"diverged", r.diverged}, {"divergence_penalty", number(r.divergencePenalty)},
          {"meta", numbers(r.meta)},
          {"grad", numbers(r.grad)}};
}

IterationRecord recordFrom(const json &j) {
  IterationRecord r;
  r.iteration = integer(j.at("iteration"), "a log row's iteration");
  r.J = number(j.at("J"));
  r.taskReward = number(j.at("task_reward"));
  r.gradNorm = number(j.at("grad_norm"));
  r.networks = integer(j.at("networks"), "networks");
  r.skipped = integer(j.at("skipped"), "skipped");
  r.seconds = j.at("seconds").get<double>();
  r.trials = integerOr(j, "trials", 0); // 0 in checkpoints before the curriculum
  r.penalty = j.contains("penalty") ? number(j.at("penalty")) : 0.0;
  r.diverged = integerOr(j, "diverged", 0);
  if (j.contains("divergence_penalty"))
    r.divergencePenalty = number(j.at("divergence_penalty"));
  r.meta = numbers(j.at("meta"));
  r.grad = numbers(j.at("grad"));
  return r;
}
} // namespace

nlohmann::json toJson(const RunIdentity &id) {
  return {{"model", id.modelName},
          {"model_hash", id.modelHash},
          {"task", id.taskName},
          {"task_hash", id.taskHash},
          {"batch", id.batch},
          {"trials", id.trials},
          {"steps", id.steps},
          {"seed", id.seed},
          {"lr", id.adam.lr},
          {"beta1", id.adam.beta1},
          {"beta2", id.adam.beta2},
          {"eps", id.adam.eps},
          {"clip", id.adam.clip},
          {"weight_bound", id.weightBound},
          {"on_divergence", id.onDivergence},
          {"frozen", id.frozen},
          {"estimator", id.estimator},
          {"reward", id.reward},
          {"score_baseline", id.scoreBaseline},
          {"curriculum", id.curriculum},
          {"normalize_grad", id.normalizeGradient},
          {"weight_change_penalty", id.weightChangePenalty},
          {"divergence_penalty", number(id.divergencePenalty)},
          {"es_sigma", id.esSigma},
          {"es_shaping", id.esShaping}};
}

namespace {
/// --divergence-penalty as a message names it (NaN: its default).
std::string penaltyText(double v) {
  if (std::isnan(v))
    return "the default (the worst completed trial)";
  std::ostringstream s;
  s << v;
  return s.str();
}
} // namespace

std::string RunIdentity::mismatch(const RunIdentity &o) const {
  auto differs = [](const std::string &what, const auto &now, const auto &then) {
    std::ostringstream s;
    s << what << " is " << now << " but the checkpoint was made with " << then;
    return s.str();
  };
  if (modelHash != o.modelHash)
    return "the model (" + o.modelName + ": its source, the C++ files it imports or its -D values) differs from the one "
           "the checkpoint was made with (" +
           modelName + ", source hash " + modelHash.substr(0, 12) + ")";
  if (taskHash != o.taskHash)
    return "the task file (" + o.taskName + ") differs from the one the checkpoint was made with (" +
           taskName + ")";
  if (batch != o.batch) return differs("--batch", o.batch, batch);
  if (trials != o.trials) return differs("--trials", o.trials, trials);
  if (steps != o.steps) return differs("--steps", o.steps, steps);
  if (seed != o.seed) return differs("--seed", o.seed, seed);
  if (adam.lr != o.adam.lr) return differs("--lr", o.adam.lr, adam.lr);
  if (adam.clip != o.adam.clip) return differs("--clip", o.adam.clip, adam.clip);
  if (adam.beta1 != o.adam.beta1 || adam.beta2 != o.adam.beta2 || adam.eps != o.adam.eps)
    return "Adam's betas or eps differ from the checkpoint's";
  if (weightBound != o.weightBound) return differs("--weight-bound", o.weightBound, weightBound);
  if (estimator != o.estimator) return differs("--estimator", o.estimator, estimator);
  if (reward != o.reward) return differs("--reward", o.reward, reward);
  if (scoreBaseline != o.scoreBaseline)
    return differs("--score-baseline", o.scoreBaseline, scoreBaseline);
  if (curriculum != o.curriculum) return differs("--curriculum", o.curriculum, curriculum);
  if (normalizeGradient != o.normalizeGradient)
    return differs("--normalize-grad", o.normalizeGradient ? "on" : "off",
                   normalizeGradient ? "on" : "off");
  if (weightChangePenalty != o.weightChangePenalty)
    return differs("--weight-change-penalty", o.weightChangePenalty, weightChangePenalty);
  if (esSigma != o.esSigma) return differs("--es-sigma", o.esSigma, esSigma);
  if (esShaping != o.esShaping) return differs("--es-shaping", o.esShaping, esShaping);
  if ((onDivergence == "penalize") != (o.onDivergence == "penalize"))
    return differs("--on-divergence", o.onDivergence, onDivergence);
  if (onDivergence == "penalize" && !(divergencePenalty == o.divergencePenalty ||
                                      (std::isnan(divergencePenalty) && std::isnan(o.divergencePenalty))))
    return differs("--divergence-penalty", penaltyText(o.divergencePenalty),
                   penaltyText(divergencePenalty));
  if (frozen != o.frozen)
    return "--freeze gives {" + o.frozen + "} but the checkpoint was made with {" + frozen + "}";
  return "";
}

std::string textHash(const std::string &text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool writeCheckpoint(const std::string &path, const Checkpoint &cp, std::string &err) {
  json history = json::array();
  for (const IterationRecord &r : cp.state.history)
    history.push_back(toJson(r));
  json j = {{"format", "plasticc-meta checkpoint"},
            {"version", kFormatVersion},
            {"identity", toJson(cp.identity)},
            {"total_iterations", cp.totalIterations},
            {"iteration", cp.state.iteration},
            {"meta", numbers(cp.state.meta)},
            {"adam", {{"m", numbers(cp.state.adam.m)}, {"v", numbers(cp.state.adam.v)},
                      {"t", cp.state.adam.t}}},
            {"history", history}};
  return writeFileAtomically(path, j.dump(1) + "\n", err);
}

std::optional<Checkpoint> readCheckpoint(const std::string &path, std::string &err) {
  std::string text;
  if (!readFile(path, text, err)) {
    err = "cannot read checkpoint '" + path + "': " + err;
    return std::nullopt;
  }
  return parseCheckpoint(text, path, err);
}

std::optional<Checkpoint> parseCheckpoint(const std::string &text, const std::string &path,
                                          std::string &err) {
  try {
    json j = json::parse(text);
    if (j.value("format", "") != "plasticc-meta checkpoint" ||
        j.value("version", 0) != kFormatVersion) {
      err = "'" + path + "' is not a plasticc-meta checkpoint of version " +
            std::to_string(kFormatVersion);
      return std::nullopt;
    }
    Checkpoint cp;
    cp.identity = identityFrom(j.at("identity"));
    cp.totalIterations = integer(j.at("total_iterations"), "total_iterations");
    cp.state.iteration = integer(j.at("iteration"), "iteration");
    cp.state.meta = numbers(j.at("meta"));
    cp.state.adam.m = numbers(j.at("adam").at("m"));
    cp.state.adam.v = numbers(j.at("adam").at("v"));
    cp.state.adam.t = integer(j.at("adam").at("t"), "Adam's step count t");
    for (const json &r : j.at("history"))
      cp.state.history.push_back(recordFrom(r));
    size_t P = cp.state.meta.size();
    if (cp.state.adam.m.size() != P || cp.state.adam.v.size() != P ||
        static_cast<int64_t>(cp.state.history.size()) != cp.state.iteration) {
      err = "checkpoint '" + path + "' is inconsistent (meta, Adam state and log disagree)";
      return std::nullopt;
    }
    checkValues(cp);
    return cp;
  } catch (const json::exception &e) {
    err = "checkpoint '" + path + "' is malformed: " + e.what();
    return std::nullopt;
  } catch (const BadValue &e) {
    err = "checkpoint '" + path + "' holds a bad value: " + e.what();
    return std::nullopt;
  }
}

} // namespace plasticc::meta

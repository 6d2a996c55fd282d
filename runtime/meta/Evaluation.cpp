//===- runtime/meta/Evaluation.cpp - tuning, held-out runs, penalties -----===//
#include "runtime/meta/Evaluation.h"

#include "runtime/meta/Distributed.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace plasticc::meta {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v, int precision = 4) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

std::string plural(int64_t n, const char *noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

} // namespace

Rule noPlasticity(const std::vector<double> &meta) {
  Rule r{"no plasticity", "weights fixed", meta};
  r.plastic = false;
  return r;
}

double worstTrialReward(const std::vector<NetworkResult> &nets) {
  double worst = kNaN;
  for (const NetworkResult &n : nets)
    for (const TrialRecord &t : n.trials)
      if (std::isnan(worst) || t.score.reward < worst)
        worst = t.score.reward;
  return worst;
}

std::optional<LearningRate> findLearningRate(const ModelBinding &b, const std::string &name,
                                             std::string &err) {
  LearningRate r;
  auto asMeta = [&](const std::string &n) {
    int64_t k = b.metaIndex(n);
    if (k < 0)
      return false;
    r.kind = n.rfind("log_", 0) == 0 ? LearningRate::Kind::LogMeta : LearningRate::Kind::Meta;
    r.metaIndex = k;
    r.name = n;
    return true;
  };
  auto asParam = [&](const std::string &n) {
    if (!(r.param = b.scalarParam(n)))
      return false;
    r.kind = LearningRate::Kind::Param;
    r.name = n;
    return true;
  };
  if (!name.empty()) {
    if (asParam(name) || asMeta(name))
      return r;
    err = "--learning-rate: model '" + b.info().name + "' has no scalar param or meta scalar '" +
          name + "'";
    return std::nullopt;
  }
  if (asParam("eta") || asMeta("eta") || asMeta("log_eta"))
    return r;
  r.name = "scale";
  return r;
}

Evaluator::Evaluator(const NetworkRunner &runner, EvalConfig config)
    : runner_(runner), config_(std::move(config)), penalty_(config_.penalty) {
  const ModelBinding &b = runner.binding();
  std::string err;
  std::optional<LearningRate> rate = findLearningRate(b, config_.learningRate, err);
  if (!rate)
    throw std::invalid_argument(err); // the tool checks the name first
  rate_ = *rate;
  auto ws = runner.workspace(0);
  runner.initOnly(networkSeed(config_.seed, SeedDomain::HeldOut, 0, 0), nullptr, *ws);
  defaultMeta_.assign(static_cast<size_t>(b.metaScalars()), 0.0);
  b.readMeta(ws->state(), defaultMeta_.data());
  if (rate_.param)
    std::memcpy(&defaultParam_, static_cast<const char *>(ws->state()) + rate_.param->offset,
                sizeof(double));
}

NetworkOptions Evaluator::options(const Rule &rule, double scale) const {
  NetworkOptions o;
  o.trials = config_.trials;
  o.tangents = false;
  o.plasticity = rule.plastic;
  o.weightBound = config_.weightBound;
  if (rate_.param && scale != 1.0)
    o.params.push_back({rate_.param, defaultParam_ * scale});
  return o;
}

std::vector<double> Evaluator::scaled(const std::vector<double> &meta, double scale) const {
  std::vector<double> m = meta;
  if (scale == 1.0)
    return m;
  size_t k = static_cast<size_t>(rate_.metaIndex);
  switch (rate_.kind) {
  case LearningRate::Kind::Param:
    break;
  case LearningRate::Kind::Meta:
    m[k] *= scale;
    break;
  case LearningRate::Kind::LogMeta:
    m[k] += std::log(scale);
    break;
  case LearningRate::Kind::Coefficients:
    // The rule's coefficients are its learning rate: scale what differs
    // from the defaults.
    for (size_t i = 0; i < m.size(); ++i)
      if (m[i] != defaultMeta_[i])
        m[i] *= scale;
    break;
  }
  return m;
}

double Evaluator::rateValue(const Rule &rule, double scale) const {
  switch (rate_.kind) {
  case LearningRate::Kind::Param: return defaultParam_ * scale;
  case LearningRate::Kind::Meta: return rule.meta[static_cast<size_t>(rate_.metaIndex)] * scale;
  case LearningRate::Kind::LogMeta:
    return rule.meta[static_cast<size_t>(rate_.metaIndex)] + std::log(scale);
  case LearningRate::Kind::Coefficients: return scale;
  }
  return kNaN;
}

std::vector<NetworkResult> Evaluator::runAll(const Rule &rule, double scale, SeedDomain domain,
                                             int64_t count) const {
  std::vector<double> m = scaled(rule.meta, scale);
  NetworkOptions opt = options(rule, scale);
  const int threads = std::max(config_.threads, 1);
  std::vector<std::unique_ptr<Workspace>> spaces(static_cast<size_t>(threads));
  const Cluster &cluster = config_.cluster ? *config_.cluster : singleProcess();
  return runNetworks(cluster, threads, count, [&](int64_t i, int worker) {
    auto &ws = spaces[static_cast<size_t>(worker)];
    if (!ws)
      ws = runner_.workspace(worker);
    uint64_t seed = networkSeed(config_.seed, domain, 0, static_cast<uint64_t>(i));
    return runner_.run(seed, m.data(), opt, *ws);
  });
}

NetworkResult Evaluator::replay(const RuleResult &result, int64_t index,
                                StateObserver &observer) const {
  std::vector<double> m = scaled(result.rule.meta, result.scale);
  NetworkOptions opt = options(result.rule, result.scale);
  opt.observer = &observer;
  std::unique_ptr<Workspace> ws = runner_.workspace(0);
  uint64_t seed = networkSeed(config_.seed, SeedDomain::HeldOut, 0, static_cast<uint64_t>(index));
  return runner_.run(seed, m.data(), opt, *ws);
}

NetworkOutcome Evaluator::outcome(const NetworkResult &net) const {
  NetworkOutcome o;
  o.seed = net.seed;
  const size_t K = static_cast<size_t>(config_.trials);
  o.reward.assign(K, penalty_);
  o.correct.assign(K, false);
  for (size_t k = 0; k < net.trials.size() && k < K; ++k) {
    o.reward[k] = net.trials[k].score.reward;
    o.correct[k] = net.trials[k].score.correct;
  }
  if (net.divergence) {
    o.divergedAt = net.divergence->trial;
    o.divergence = net.divergence->describe();
  }
  double sum = 0;
  for (double r : o.reward)
    sum += r;
  o.mean = sum / static_cast<double>(std::max<size_t>(K, 1));
  o.toCriterion = trialsToCriterion(o.correct, config_.criterionWindow, config_.criterionFraction);
  return o;
}

RuleResult Evaluator::tuned(const Rule &rule) const {
  RuleResult res;
  res.rule = rule;
  res.scale = rule.scale;
  if (!rule.tune)
    return res;
  // Mean reward of the tuning networks; a learning rate under which one of
  // them diverges is never chosen.
  auto score = [&](double scale) {
    double sum = 0;
    std::vector<NetworkResult> nets = runAll(rule, scale, SeedDomain::Sweep, config_.tuneNetworks);
    for (const NetworkResult &n : nets) {
      if (n.divergence)
        return -std::numeric_limits<double>::infinity();
      sum += n.meanTaskReward;
    }
    return sum / static_cast<double>(nets.size());
  };
  res.tuning = tuneScale(score, config_.tune);
  res.scale = res.tuning->scale;
  res.tuneNetworkTrials =
      static_cast<int64_t>(res.tuning->tried.size()) * config_.tuneNetworks * config_.trials;
  return res;
}

RuleResult Evaluator::evaluate(const Rule &rule) const {
  RuleResult res = tuned(rule);
  std::vector<NetworkResult> nets = runAll(rule, res.scale, SeedDomain::HeldOut, config_.seeds);
  return heldOut(rule, std::move(res), nets);
}

RuleResult Evaluator::heldOut(const Rule &rule, RuleResult res,
                              const std::vector<NetworkResult> &nets) const {
  res.eta = rule.plastic ? rateValue(rule, res.scale) : kNaN;
  if (res.tuning) {
    const std::string what =
        rate_.kind == LearningRate::Kind::Coefficients ? "coefficient scale" : rate_.name;
    res.notes.push_back(rule.name + ": " + what + " tuned over " +
                        plural(static_cast<int64_t>(res.tuning->tried.size()), "point") + " x " +
                        plural(config_.tuneNetworks, "network") + " x " +
                        plural(config_.trials, "trial") + " (" +
                        std::to_string(res.tuneNetworkTrials) + " network-trials) -> " +
                        num(res.eta, 4) + " (tuning reward " +
                        num(res.tuning->score, 4) + ")");
  }
  for (const NetworkResult &n : nets) {
    res.networks.push_back(outcome(n));
    const NetworkOutcome &o = res.networks.back();
    res.perNetwork.push_back(o.mean);
    if (o.divergedAt >= 0) {
      ++res.diverged;
      res.notes.push_back(rule.name + ": held-out network (seed " + seedText(o.seed) +
                          ") diverged at " + o.divergence);
    }
  }
  summarise(res);
  return res;
}

void Evaluator::summarise(RuleResult &res) const {
  const int64_t K = config_.trials;
  const int64_t last = std::max<int64_t>(1, (K + 5) / 10); // the last 10% of trials
  res.meanReward = meanSem(res.perNetwork);
  res.curve.assign(static_cast<size_t>(K), kNaN);
  res.curveSem = res.correct = res.correctSem = res.curve;
  std::vector<int64_t> toCriterion;
  double final = 0, finalCorrect = 0;
  for (int64_t k = 0; k < K; ++k) {
    std::vector<double> r, c;
    for (const NetworkOutcome &o : res.networks) {
      r.push_back(o.reward[static_cast<size_t>(k)]);
      c.push_back(o.correct[static_cast<size_t>(k)] ? 1.0 : 0.0);
    }
    MeanSem mr = meanSem(r), mc = meanSem(c);
    res.curve[k] = mr.mean;
    res.curveSem[k] = mr.sem;
    res.correct[k] = mc.mean;
    res.correctSem[k] = mc.sem;
    if (k >= K - last) {
      final += mr.mean / static_cast<double>(last);
      finalCorrect += mc.mean / static_cast<double>(last);
    }
  }
  for (const NetworkOutcome &o : res.networks)
    toCriterion.push_back(o.toCriterion);
  res.finalReward = final;
  const bool discrete = runner_.binding().task().judged();
  res.fractionCorrect = discrete ? finalCorrect : kNaN;
  if (!discrete) { // no trial is correct or not
    std::fill(res.correct.begin(), res.correct.end(), kNaN);
    std::fill(res.correctSem.begin(), res.correctSem.end(), kNaN);
  }
  res.criterion = criterionQuartiles(toCriterion);
}

std::vector<RuleResult> Evaluator::evaluateAll(const std::vector<Rule> &rules,
                                               const std::function<void(const std::string &)> &progress) {
  // Every rule's networks first: the penalty is a floor under all of them.
  std::vector<RuleResult> tunedRules;
  std::vector<std::vector<NetworkResult>> nets;
  worst_ = std::numeric_limits<double>::quiet_NaN();
  for (const Rule &rule : rules) {
    if (progress)
      progress(rule.name);
    tunedRules.push_back(tuned(rule));
    nets.push_back(runAll(rule, tunedRules.back().scale, SeedDomain::HeldOut, config_.seeds));
    double w = worstTrialReward(nets.back());
    if (!std::isnan(w) && !(w >= worst_))
      worst_ = w;
  }
  penalty_ = std::isnan(config_.penalty) ? worst_ : config_.penalty;
  if (std::isnan(penalty_))
    throw std::runtime_error("every held-out network of every rule diverged in its first trial, "
                             "so the divergence penalty is undefined (set one with --penalty)");
  std::vector<RuleResult> out;
  for (size_t i = 0; i < rules.size(); ++i)
    out.push_back(heldOut(rules[i], std::move(tunedRules[i]), nets[i]));
  return out;
}

} // namespace plasticc::meta

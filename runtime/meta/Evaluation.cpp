//===- runtime/meta/Evaluation.cpp - baselines, sweep, held-out runs ------===//
#include "runtime/meta/Evaluation.h"

#include "runtime/meta/ParallelFor.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <sstream>

namespace plasticc::meta {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v, int precision = 4) {
  if (std::isnan(v))
    return "-";
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

/// Mean task reward over all trials of the completed networks; -inf if any
/// network diverged (a learning rate that blows up is never "best").
double sweepScore(const std::vector<NetworkResult> &nets) {
  double sum = 0;
  for (const NetworkResult &n : nets) {
    if (n.divergence)
      return -std::numeric_limits<double>::infinity();
    sum += n.meanTaskReward;
  }
  return nets.empty() ? kNaN : sum / static_cast<double>(nets.size());
}
} // namespace

Evaluator::Evaluator(const NetworkRunner &runner, EvalConfig config)
    : runner_(runner), config_(std::move(config)) {
  const ModelBinding &b = runner.binding();
  eta_ = b.scalarParam("eta");
  auto ws = runner.workspace(0);
  runner.initOnly(networkSeed(config_.seed, SeedDomain::HeldOut, 0, 0), nullptr, *ws);
  defaultMeta_.assign(static_cast<size_t>(b.metaScalars()), 0.0);
  b.readMeta(ws->state(), defaultMeta_.data());
  if (eta_)
    std::memcpy(&defaultEta_, static_cast<const char *>(ws->state()) + eta_->offset,
                sizeof(double));
}

std::vector<Rule> Evaluator::baselines(std::vector<std::string> &notes) const {
  const ModelBinding &b = runner_.binding();
  const MetaEntry *theta = nullptr;
  for (const MetaEntry &e : b.metaEntries())
    if (e.name == "theta")
      theta = &e;
  if (!theta) {
    notes.push_back("baselines skipped: model '" + b.info().name +
                    "' has no meta 'theta' (the polynomial rule of docs/model.md)");
    return {};
  }
  // Start from the model's defaults with theta zeroed: other meta
  // parameters (a learned time constant, say) keep their declared values.
  std::vector<double> zero = defaultMeta_;
  std::fill(zero.begin() + theta->offset, zero.begin() + theta->offset + theta->count, 0.0);
  std::vector<Rule> rules;
  rules.push_back({"no plasticity", "theta = 0", zero, false});
  struct Known {
    const char *name, *coefficient;
  } known[] = {{"node perturbation", "theta[1,1]"}, {"Miconi supralinear", "theta[3,3]"}};
  for (const Known &k : known) {
    int64_t i = b.metaIndex(k.coefficient);
    if (i < 0) {
      notes.push_back(std::string("baseline '") + k.name + "' skipped: model '" + b.info().name +
                      "' has no " + k.coefficient);
      continue;
    }
    Rule r{k.name, std::string(k.coefficient) + " = 1", zero, true};
    r.meta[static_cast<size_t>(i)] = 1.0;
    rules.push_back(std::move(r));
  }
  return rules;
}

NetworkOptions Evaluator::options(double scale) const {
  NetworkOptions o;
  o.trials = config_.trials;
  o.tangents = false;
  o.weightBound = config_.weightBound;
  if (eta_ && scale != 1.0)
    o.params.push_back({eta_, defaultEta_ * scale});
  return o;
}

std::vector<double> Evaluator::scaled(const std::vector<double> &meta, double scale) const {
  if (eta_ || scale == 1.0)
    return meta;
  // Without an `eta` the rule's coefficients are the learning rate:
  // scale what differs from the defaults.
  std::vector<double> m = meta;
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i] != defaultMeta_[i])
      m[i] *= scale;
  return m;
}

std::vector<NetworkResult> Evaluator::runAll(const std::vector<double> &meta, double scale,
                                             SeedDomain domain, int64_t count) const {
  std::vector<NetworkResult> out(static_cast<size_t>(count));
  std::vector<double> m = scaled(meta, scale);
  NetworkOptions opt = options(scale);
  int threads = static_cast<int>(std::min<int64_t>(std::max(config_.threads, 1), count));
  std::vector<std::unique_ptr<Workspace>> spaces(static_cast<size_t>(std::max(threads, 1)));
  parallelFor(threads, count, [&](int64_t i, int worker) {
    auto &ws = spaces[static_cast<size_t>(worker)];
    if (!ws)
      ws = runner_.workspace(worker);
    uint64_t seed = networkSeed(config_.seed, domain, 0, static_cast<uint64_t>(i));
    out[static_cast<size_t>(i)] = runner_.run(seed, m.data(), opt, *ws);
  });
  return out;
}

RuleResult Evaluator::evaluate(const Rule &rule) const {
  RuleResult res;
  res.rule = rule;
  res.eta = eta_ ? defaultEta_ : kNaN;
  if (rule.sweep && !config_.sweep.empty()) {
    double best = -std::numeric_limits<double>::infinity();
    std::string tried;
    for (double s : config_.sweep) {
      double score = sweepScore(runAll(rule.meta, s, SeedDomain::Sweep, config_.sweepSeeds));
      tried += (tried.empty() ? "" : ", ") + num(eta_ ? defaultEta_ * s : s, 3) + ": " +
               (std::isinf(score) ? "diverged" : num(score, 3));
      if (score > best) {
        best = score;
        res.scale = s;
      }
    }
    if (eta_)
      res.eta = defaultEta_ * res.scale;
    res.notes.push_back(rule.name + ": " + (eta_ ? "eta" : "coefficient") + " sweep (" + tried +
                        ") -> " + num(eta_ ? res.eta : res.scale, 3));
  }

  std::vector<NetworkResult> nets = runAll(rule.meta, res.scale, SeedDomain::HeldOut, config_.seeds);
  const int64_t K = config_.trials;
  const int64_t last = std::max<int64_t>(1, (K + 5) / 10); // the last 10% of trials
  res.curve.assign(static_cast<size_t>(K), 0.0);
  res.curveSem.assign(static_cast<size_t>(K), 0.0);
  std::vector<double> sq(static_cast<size_t>(K), 0.0);
  double correct = 0;
  res.perNetwork.assign(nets.size(), kNaN);
  for (size_t i = 0; i < nets.size(); ++i) {
    const NetworkResult &n = nets[i];
    if (n.divergence) {
      ++res.diverged;
      char seed[32];
      std::snprintf(seed, sizeof seed, "%#018llx", static_cast<unsigned long long>(n.seed));
      res.notes.push_back(rule.name + ": held-out network (seed " + seed + ") diverged at " +
                          n.divergence->describe());
      continue;
    }
    ++res.networks;
    double own = 0;
    for (int64_t k = 0; k < K; ++k) {
      double r = n.trials[static_cast<size_t>(k)].score.reward;
      own += r;
      res.curve[k] += r;
      sq[k] += r * r;
      if (k >= K - last)
        correct += n.trials[static_cast<size_t>(k)].score.correct ? 1 : 0;
    }
    res.perNetwork[i] = own / static_cast<double>(K);
  }
  if (res.networks == 0) {
    res.meanReward = res.finalReward = res.fractionCorrect = kNaN;
    return res;
  }
  double n = static_cast<double>(res.networks);
  double total = 0, final = 0;
  for (int64_t k = 0; k < K; ++k) {
    double mean = res.curve[k] / n;
    double var = std::max(0.0, sq[k] / n - mean * mean);
    res.curve[k] = mean;
    res.curveSem[k] = res.networks > 1 ? std::sqrt(var / (n - 1)) : 0.0;
    total += mean;
    if (k >= K - last)
      final += mean;
  }
  res.meanReward = total / static_cast<double>(K);
  res.finalReward = final / static_cast<double>(last);
  res.fractionCorrect =
      runner_.binding().task().discrete() ? correct / (n * static_cast<double>(last)) : kNaN;
  return res;
}

namespace {

/// Mean and standard error of learned - other over the networks both
/// completed (paired: the same held-out seeds).
struct Difference {
  double mean = kNaN, sem = kNaN;
  int64_t networks = 0;
};

Difference pairedDifference(const RuleResult &learned, const RuleResult &other) {
  Difference d;
  double sum = 0, sq = 0;
  size_t n = std::min(learned.perNetwork.size(), other.perNetwork.size());
  for (size_t i = 0; i < n; ++i) {
    double x = learned.perNetwork[i] - other.perNetwork[i];
    if (std::isnan(x))
      continue;
    sum += x;
    sq += x * x;
    ++d.networks;
  }
  if (d.networks == 0)
    return d;
  double m = static_cast<double>(d.networks);
  d.mean = sum / m;
  d.sem = d.networks > 1 ? std::sqrt(std::max(0.0, sq / m - d.mean * d.mean) / (m - 1)) : kNaN;
  return d;
}

} // namespace

std::string verdict(const std::vector<RuleResult> &results) {
  const RuleResult *learned = nullptr;
  for (const RuleResult &r : results)
    if (r.rule.name == "learned")
      learned = &r;
  if (!learned || results.size() < 2)
    return "";
  const RuleResult *best = nullptr;
  std::string ties, losses;
  for (const RuleResult &r : results) {
    if (&r == learned || std::isnan(r.meanReward))
      continue; // a rule whose every network diverged has no mean: it loses
    if (!best || r.meanReward > best->meanReward)
      best = &r;
    Difference d = pairedDifference(*learned, r);
    if (!(std::fabs(d.mean) > 2 * d.sem)) // also when the error is unknown (< 2 networks)
      ties += (ties.empty() ? "" : ", ") + r.rule.name + " (" + num(r.meanReward) + ")";
    else if (d.mean < 0)
      losses += (losses.empty() ? "" : ", ") + r.rule.name + " (" + num(r.meanReward) + ")";
  }
  if (!best)
    return "verdict: the learned rule beats every baseline (every baseline diverged on every "
           "held-out network)\n";
  Difference d = pairedDifference(*learned, *best);
  std::string detail = "mean reward during learning " + num(learned->meanReward) + " vs " +
                       num(best->meanReward) + " for the best baseline, " + best->rule.name +
                       ": difference " + num(d.mean) + ", standard error " + num(d.sem) +
                       " over " + std::to_string(d.networks) + " held-out network" +
                       (d.networks == 1 ? "" : "s");
  if (!losses.empty())
    return "verdict: the learned rule does not beat " + losses + " (worse by more than 2 "
           "standard errors); " + detail + "\n";
  if (!ties.empty())
    return "verdict: the learned rule ties with " + ties + " (difference within 2 standard "
           "errors); " + detail + "\n";
  return "verdict: the learned rule beats every baseline (by more than 2 standard errors); " +
         detail + "\n";
}

std::string formatTable(const std::vector<RuleResult> &results, const tasks::Task &task,
                        const EvalConfig &config, const std::vector<std::string> &extraNotes) {
  std::ostringstream s;
  int64_t last = std::max<int64_t>(1, (config.trials + 5) / 10);
  s << "Evaluation on " << config.seeds << " held-out network" << (config.seeds == 1 ? "" : "s")
    << " x " << config.trials << " trial" << (config.trials == 1 ? "" : "s") << " of " << task.name << " (networks never used in meta-training)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-16s %9s %12s %12s %12s %9s\n", "rule", "", "eta",
                "mean reward", "final reward", task.discrete() ? "correct" : "", "diverged");
  s << line;
  std::snprintf(line, sizeof line, "%-20s %-16s %9s %12s %12s %12s %9s\n", "", "", "",
                "(learning)", ("(last " + std::to_string(last) + ")").c_str(),
                task.discrete() ? ("(last " + std::to_string(last) + ")").c_str() : "", "");
  s << line;
  for (const RuleResult &r : results) {
    std::snprintf(line, sizeof line, "%-20s %-16s %9s %12s %12s %12s %9s\n",
                  r.rule.name.c_str(), r.rule.detail.c_str(), num(r.eta, 3).c_str(),
                  num(r.meanReward).c_str(), num(r.finalReward).c_str(),
                  task.discrete() ? num(r.fractionCorrect, 3).c_str() : "",
                  (std::to_string(r.diverged) + "/" + std::to_string(config.seeds)).c_str());
    s << line;
  }
  bool first = true;
  for (const RuleResult &r : results)
    for (const std::string &note : r.notes) {
      s << (first ? "notes:\n" : "") << "  " << note << '\n';
      first = false;
    }
  for (const std::string &note : extraNotes) {
    s << (first ? "notes:\n" : "") << "  " << note << '\n';
    first = false;
  }
  s << verdict(results);
  return s.str();
}

} // namespace plasticc::meta

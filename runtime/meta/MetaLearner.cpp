//===- runtime/meta/MetaLearner.cpp - meta-iterations and their reduction -===//
#include "runtime/meta/MetaLearner.h"

#include "runtime/meta/Distributed.h"
#include "runtime/meta/Seeds.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

namespace plasticc::meta {

std::string NetworkFailure::describe() const {
  return "meta-iteration " + std::to_string(iteration) + ", network " + std::to_string(network) +
         " (seed " + meta::seedText(seed) + (rollout.empty() ? "" : ", " + rollout) + "), " +
         divergence.describe();
}

int64_t trialsAt(const MetaConfig &c, int64_t iteration) {
  if (c.curriculumStart <= 0 || c.curriculumStart >= c.trials)
    return c.trials;
  const int64_t ramp = std::max<int64_t>(1, c.iterations / 2);
  if (iteration >= ramp)
    return c.trials;
  double f = static_cast<double>(iteration) / static_cast<double>(ramp);
  double k = static_cast<double>(c.curriculumStart) *
             std::pow(static_cast<double>(c.trials) / static_cast<double>(c.curriculumStart), f);
  return std::clamp<int64_t>(static_cast<int64_t>(std::lround(k)), c.curriculumStart, c.trials);
}

namespace {
/// The mean reward J averages, of one network.
double networkJ(const NetworkResult &n, RewardSource source) {
  return source == RewardSource::Task ? n.meanTaskReward : n.meanReward;
}

/// DivergencePolicy::Penalize: completes each diverged rollout of `nets` to
/// K trials, each lost trial scoring the penalty (config's, else the worst
/// completed trial of `nets`) with dR and score 0, and takes its means and
/// gradient over K again. Returns the penalty and the floor of J's reward;
/// a NaN penalty (nothing changed) when no trial completed to take a floor
/// from.
std::pair<double, double> penalizeDiverged(std::vector<NetworkResult> &nets, int64_t K, size_t P,
                                           const MetaConfig &c) {
  double floorModel = std::numeric_limits<double>::infinity(), floorTask = floorModel;
  for (const NetworkResult &n : nets)
    for (const TrialRecord &t : n.trials) {
      floorModel = std::min(floorModel, t.modelReward - t.penalty);
      floorTask = std::min(floorTask, t.score.reward);
    }
  const double floor = c.score.reward == RewardSource::Task ? floorTask : floorModel;
  double model = c.divergencePenalty, task = c.divergencePenalty;
  if (std::isnan(c.divergencePenalty)) {
    if (!std::isfinite(floorModel))
      return {std::numeric_limits<double>::quiet_NaN(), floor};
    model = floorModel;
    task = floorTask;
  }
  for (NetworkResult &n : nets) {
    if (!n.divergence)
      continue;
    TrialRecord lost;
    lost.modelReward = model;
    lost.score.reward = task;
    lost.dR.assign(P, 0.0);
    if (c.scoreEstimator)
      lost.noiseScore.assign(P, 0.0);
    n.trials.resize(static_cast<size_t>(K), lost);
    n.meanReward = n.meanPenalty = n.meanTaskReward = 0;
    n.grad.assign(P, 0.0);
    for (const TrialRecord &t : n.trials) {
      n.meanReward += (t.modelReward - t.penalty) / static_cast<double>(K);
      n.meanPenalty += t.penalty / static_cast<double>(K);
      n.meanTaskReward += t.score.reward / static_cast<double>(K);
      for (size_t p = 0; p < P && p < t.dR.size(); ++p)
        n.grad[p] += t.dR[p] / static_cast<double>(K);
    }
  }
  return {c.score.reward == RewardSource::Task ? task : model, floor};
}
} // namespace

MetaLearner::MetaLearner(const NetworkRunner &runner, MetaConfig config)
    : runner_(runner), config_(config) {}

TrainingState MetaLearner::initialState(std::vector<double> meta) const {
  TrainingState s;
  s.adam = Adam::initialState(meta.size());
  s.meta = std::move(meta);
  return s;
}

int64_t MetaLearner::rolloutsPerNetwork() const {
  const bool paired = config_.scoreEstimator && (config_.score.baseline == ScoreOptions::Baseline::Pairs ||
                                                 config_.score.baseline == ScoreOptions::Baseline::Mirror);
  return paired || config_.evolutionSigma > 0 ? 2 : 1;
}

std::vector<NetworkResult> MetaLearner::rollouts(int64_t iteration, const std::vector<double> &meta,
                                                 const NetworkOptions &opt) const {
  const int64_t B = config_.batch, R = rolloutsPerNetwork();
  // Rollout k of network b: the score estimator's second noise stream or
  // mirrored noise, or evolution strategies' meta - s eps.
  const bool mirror =
      config_.scoreEstimator && config_.score.baseline == ScoreOptions::Baseline::Mirror;
  const bool es = config_.evolutionSigma > 0;
  const int threads = std::max(config_.threads, 1);
  std::vector<std::unique_ptr<Workspace>> spaces(static_cast<size_t>(threads));
  const Cluster &cluster = config_.cluster ? *config_.cluster : singleProcess();
  return runNetworks(cluster, threads, B * R, [&](int64_t i, int worker) {
    auto &ws = spaces[static_cast<size_t>(worker)];
    if (!ws)
      ws = runner_.workspace(worker);
    uint64_t seed = networkSeed(config_.seed, SeedDomain::Training,
                                static_cast<uint64_t>(iteration), static_cast<uint64_t>(i / R));
    NetworkOptions mine = opt;
    mine.noiseStream = mirror || es ? 0 : static_cast<uint64_t>(i % R);
    mine.mirrorNoise = mirror && i % R == 1;
    std::vector<double> at = meta;
    if (es) { // meta + s eps for the first rollout, meta - s eps for the second
      std::vector<double> step = perturbation(seed);
      for (size_t p = 0; p < at.size(); ++p)
        if (!frozen(p))
          at[p] += i % R == 0 ? step[p] : -step[p];
    }
    return runner_.run(seed, at.data(), mine, *ws);
  });
}

IterationOutcome MetaLearner::measure(int64_t iteration, const std::vector<double> &meta) const {
  auto start = std::chrono::steady_clock::now();
  const int64_t B = config_.batch, R = rolloutsPerNetwork();
  const bool es = config_.evolutionSigma > 0;
  NetworkOptions opt;
  opt.trials = trialsAt(config_, iteration);
  opt.weightChangePenalty = config_.weightChangePenalty;
  opt.tangents = !es;
  opt.weightBound = config_.weightBound;
  std::vector<NetworkResult> results = rollouts(iteration, meta, opt);

  // Reduce in network order: the same sums whatever thread ran what.
  IterationOutcome out;
  IterationRecord &r = out.record;
  r.iteration = iteration + 1;
  r.trials = opt.trials;
  r.meta = meta;
  r.grad.assign(meta.size(), 0.0);
  const bool penalize = config_.onDivergence == DivergencePolicy::Penalize;
  double penalty = std::numeric_limits<double>::quiet_NaN();
  if (penalize)
    std::tie(penalty, r.worstTrial) = penalizeDiverged(results, opt.trials, meta.size(), config_);
  std::vector<const NetworkResult *> completed;
  for (int64_t b = 0; b < B; ++b) {
    // A network counts when all its rollouts completed, or were penalized.
    const NetworkResult *failed = nullptr;
    int64_t which = 0;
    for (int64_t k = 0; k < R && !failed; ++k)
      if (results[static_cast<size_t>(b * R + k)].divergence)
        failed = &results[static_cast<size_t>(b * R + (which = k))];
    if (failed) {
      out.failures.push_back({iteration + 1, b, failed->seed, *failed->divergence,
                              rolloutName(which)});
      if (!penalize || std::isnan(penalty)) {
        ++r.skipped;
        continue;
      }
      ++r.diverged;
      r.divergencePenalty = penalty;
    }
    ++r.networks;
    for (int64_t k = 0; k < R; ++k) {
      const NetworkResult &n = results[static_cast<size_t>(b * R + k)];
      completed.push_back(&n);
      r.J += networkJ(n, config_.score.reward) / R;
      r.taskReward += n.meanTaskReward / R;
      r.penalty += n.meanPenalty / R;
    }
  }
  // The estimate of each completed network, summed in network order.
  std::vector<std::vector<double>> perNetwork;
  if (config_.scoreEstimator)
    perNetwork = scoreFunctionGradients(completed, config_.score);
  else if (es)
    perNetwork = evolutionGradients(completed);
  for (size_t i = 0; i < static_cast<size_t>(r.networks); ++i) {
    const std::vector<double> &g =
        config_.scoreEstimator || es ? perNetwork[i] : completed[i]->grad;
    for (size_t p = 0; p < r.grad.size(); ++p)
      r.grad[p] += g[p];
  }
  if (r.networks > 0) {
    double inv = 1.0 / static_cast<double>(r.networks);
    r.J *= inv;
    r.taskReward *= inv;
    r.penalty *= inv;
    for (double &g : r.grad)
      g *= inv;
  }
  r.gradNorm = l2norm(r.grad);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string MetaLearner::rolloutName(int64_t k) const {
  if (rolloutsPerNetwork() == 1)
    return "";
  if (config_.evolutionSigma > 0)
    return k == 0 ? "at meta + sigma eps" : "at meta - sigma eps";
  if (config_.score.baseline == ScoreOptions::Baseline::Mirror)
    return k == 0 ? "noise xi" : "noise -xi";
  return "noise stream " + std::to_string(k);
}

bool MetaLearner::frozen(size_t p) const {
  return p < config_.frozen.size() && config_.frozen[p];
}

std::vector<double> MetaLearner::perturbation(uint64_t network) const {
  const size_t P = static_cast<size_t>(runner_.binding().metaScalars());
  std::vector<double> step(P, 0.0);
  const uint64_t s = perturbationSeed(network);
  for (size_t p = 0; p < P; ++p)
    if (!frozen(p))
      step[p] = config_.evolutionSigma * random::normal(s, 0, p, 0.0, 1.0);
  return step;
}

std::vector<std::vector<double>>
MetaLearner::evolutionGradients(const std::vector<const NetworkResult *> &pairs) const {
  // pairs[2i] ran at meta + s eps, pairs[2i + 1] at meta - s eps.
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    // (J+ - J-) / (2 s) eps = (J+ - J-) / (2 s^2) times the step s eps.
    std::vector<double> g = perturbation(pairs[i]->seed);
    const double s = config_.evolutionSigma;
    const double dJ = networkJ(*pairs[i], config_.score.reward) -
                      networkJ(*pairs[i + 1], config_.score.reward);
    const double w = (config_.evolutionSign ? (dJ > 0) - (dJ < 0) : dJ) / (2 * s * s);
    for (double &e : g)
      e *= w;
    out.push_back(std::move(g));
  }
  return out;
}

MetaLearner::Status MetaLearner::train(TrainingState &state, TrainingObserver &observer,
                                       std::string &why) const {
  Adam adam(config_.adam);
  while (state.iteration < config_.iterations) {
    IterationOutcome o = measure(state.iteration, state.meta);
    bool stop = config_.onDivergence == DivergencePolicy::Stop && !o.failures.empty();
    for (const NetworkFailure &f : o.failures)
      observer.onFailure(f, !stop);
    if (stop) {
      why = "stopped at " + o.failures.front().describe() +
            " (--on-divergence=stop); outputs are those of meta-iteration " +
            std::to_string(state.iteration);
      return Status::Stopped;
    }
    if (o.record.diverged == o.record.networks) { // also when none counted (all skipped)
      why = "every network of meta-iteration " + std::to_string(o.record.iteration) +
            " diverged; stopped (outputs are those of meta-iteration " +
            std::to_string(state.iteration) + ")";
      return Status::Stopped;
    }
    // Frozen scalars get no gradient, so Adam never moves them; the log
    // still records their true gradient.
    std::vector<double> step = o.record.grad;
    if (config_.normalizeGradient) { // direction only; Adam sets the size
      double norm = l2norm(step);
      if (norm > 0)
        for (double &g : step)
          g /= norm;
    }
    for (size_t p = 0; p < step.size(); ++p)
      if (frozen(p))
        step[p] = 0.0;
    adam.ascend(state.adam, state.meta, step);
    ++state.iteration;
    state.history.push_back(o.record);
    if (!observer.onIteration(state.history.back(), state))
      return state.iteration < config_.iterations ? Status::Interrupted : Status::Completed;
  }
  return Status::Completed;
}

} // namespace plasticc::meta

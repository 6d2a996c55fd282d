//===- runtime/tasks/TaskGenerator.cpp - making one trial -----------------===//
#include "runtime/tasks/TaskGenerator.h"

#include "dialect/Random.h"

#include <algorithm>
#include <cmath>

namespace plasticc::tasks {

namespace {
// Streams of the trial's counter-based draws: one per condition variable
// (stream = its index), and the input noise, far from them.
constexpr uint64_t kInputNoiseStream = 1u << 20;

uint64_t trialSeed(uint64_t seed, uint64_t trial) {
  return random::bits(seed, trial, 0x7a5c0de5ULL);
}

/// Index into c.values of the value drawn for uniform `u` in [0, 1)
/// (uniformly, or by c.weights).
size_t drawIndex(const Condition &c, double u) {
  size_t n = c.values.size();
  if (c.weights.empty())
    return std::min(n - 1, static_cast<size_t>(u * static_cast<double>(n)));
  double acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc += c.weights[i];
    if (u < acc)
      return i;
  }
  return n - 1;
}

/// The trial's conditions (`out`) and its type: the index of its combination
/// of values, mixed radix over the conditions, the last varying fastest (-1
/// with a continuous condition). A cycling task's trial k takes combination
/// k mod the number of types; a random one draws each condition from its
/// own stream of the trial's seed `s`.
int64_t drawConditions(const Task &task, uint64_t trial, uint64_t s, std::vector<double> &out) {
  const size_t C = task.conditions.size();
  std::vector<size_t> index(C, 0);
  if (task.order == TrialOrder::Cycle) {
    uint64_t k = trial % static_cast<uint64_t>(std::max<int64_t>(task.trialTypes(), 1));
    for (size_t c = C; c-- > 0;) {
      index[c] = k % task.conditions[c].values.size();
      k /= task.conditions[c].values.size();
    }
  }
  int64_t type = 0;
  for (size_t c = 0; c < C; ++c) {
    const Condition &cond = task.conditions[c];
    double u = task.order == TrialOrder::Cycle ? 0.0 : random::unit(s, c, 0);
    if (cond.continuous) {
      out[c] = cond.lo + (cond.hi - cond.lo) * u;
      type = -1;
      continue;
    }
    if (task.order != TrialOrder::Cycle)
      index[c] = drawIndex(cond, u);
    out[c] = cond.values[index[c]];
    if (type >= 0)
      type = type * static_cast<int64_t>(cond.values.size()) + static_cast<int64_t>(index[c]);
  }
  return type;
}
} // namespace

TaskGenerator::TaskGenerator(const Task &task, int64_t steps) : task_(task) {
  int64_t natural = task.steps();
  steps_ = steps > 0 ? steps : natural;
  bounds_.push_back(0);
  int64_t cum = 0;
  for (const Epoch &e : task.epochs) {
    cum += e.steps;
    // Proportional rescaling: boundary at round(cum * T / T0), in 128 bits
    // (both factors are at most kMaxSteps when they come from a task file
    // and --steps, but the product must not wrap for any caller).
    __int128 scaled = static_cast<__int128>(cum) * steps_ + natural / 2;
    bounds_.push_back(natural > 0 ? static_cast<int64_t>(scaled / natural) : 0);
  }
}

int64_t TaskGenerator::scoredSteps() const {
  int64_t n = 0;
  for (size_t e = 0; e < task_.epochs.size(); ++e)
    if (task_.epochs[e].mask != 0)
      n += bounds_[e + 1] - bounds_[e];
  return n;
}

int64_t TaskGenerator::naturalScoredStart() const {
  int64_t start = 0;
  for (const Epoch &e : task_.epochs) {
    if (e.mask != 0 && e.steps > 0)
      return start;
    start += e.steps;
  }
  return -1;
}

void TaskGenerator::generate(uint64_t seed, uint64_t trial, Trial &out) const {
  const int64_t T = steps_, I = task_.inputs, O = task_.outputs;
  uint64_t s = trialSeed(seed, trial);
  out.steps = T;
  out.index = static_cast<int64_t>(trial);
  out.conditions.resize(task_.conditions.size());
  out.type = drawConditions(task_, trial, s, out.conditions);
  out.u.assign(static_cast<size_t>(T * I), 0.0);
  out.y.assign(static_cast<size_t>(T * O), 0.0);
  out.m.assign(static_cast<size_t>(T), 0.0);

  std::vector<double> in(I), tgt(O);
  for (size_t e = 0; e < task_.epochs.size(); ++e) {
    const Epoch &ep = task_.epochs[e];
    for (int64_t i = 0; i < I; ++i)
      in[i] = ep.input[i].eval(out.conditions);
    for (int64_t o = 0; o < O; ++o)
      tgt[o] = ep.target[o].eval(out.conditions);
    for (int64_t t = bounds_[e]; t < bounds_[e + 1]; ++t) {
      for (int64_t i = 0; i < I; ++i) {
        double noise = ep.inputNoise > 0
                           ? random::normal(s, kInputNoiseStream, static_cast<uint64_t>(t * I + i),
                                            0.0, ep.inputNoise * ep.inputNoise)
                           : 0.0;
        out.u[t * I + i] = in[i] + noise;
      }
      for (int64_t o = 0; o < O; ++o)
        out.y[t * O + o] = tgt[o];
      out.m[t] = ep.mask;
    }
  }

  out.choice = -1;
  if (!task_.discrete())
    return;
  std::vector<double> mean(O, 0.0);
  double w = 0;
  for (int64_t t = 0; t < T; ++t) {
    w += out.m[t];
    for (int64_t o = 0; o < O; ++o)
      mean[o] += out.m[t] * out.y[t * O + o];
  }
  if (w > 0) {
    for (double &v : mean)
      v /= w;
    out.choice = nearestChoice(task_.choices, mean.data());
  }
}

int nearestChoice(const std::vector<std::vector<double>> &choices, const double *v) {
  int best = -1;
  double bestDist = INFINITY;
  for (size_t c = 0; c < choices.size(); ++c) {
    double d = 0;
    for (size_t o = 0; o < choices[c].size(); ++o)
      d += (v[o] - choices[c][o]) * (v[o] - choices[c][o]);
    if (d < bestDist) {
      bestDist = d;
      best = static_cast<int>(c);
    }
  }
  return best;
}

} // namespace plasticc::tasks

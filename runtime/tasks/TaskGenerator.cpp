//===- runtime/tasks/TaskGenerator.cpp - making one trial -----------------===//
#include "runtime/tasks/TaskGenerator.h"

#include "dialect/Random.h"

#include <algorithm>
#include <cmath>

namespace plasticc::tasks {

namespace {
// Streams of the trial's counter-based draws: one per condition variable
// (stream = its index), one per random epoch duration, and the input
// noise, far from them.
constexpr uint64_t kInputNoiseStream = 1u << 20;
constexpr uint64_t kDurationStream = 1u << 19;

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
/// A duration in ms for uniform `u` in [0, 1), before rounding to dt
/// (neurogym/core.py sample_time; the truncated exponential by inverting
/// its CDF on [lo, hi), the distribution neurogym's trunc_exp samples by
/// rejection).
double drawMs(const Duration &d, double u, const std::vector<double> &vars) {
  switch (d.kind) {
  case Duration::Kind::Fixed: return d.ms;
  case Duration::Kind::Uniform: return d.lo + (d.hi - d.lo) * u;
  case Duration::Kind::TruncatedExponential:
    return d.lo - d.mean * std::log1p(-u * -std::expm1(-(d.hi - d.lo) / d.mean));
  case Duration::Kind::Choice: {
    size_t n = d.values.size();
    return d.values[std::min(n - 1, static_cast<size_t>(u * static_cast<double>(n)))];
  }
  case Duration::Kind::Formula: return d.formula.eval(vars);
  }
  return 0;
}

/// Whole steps of a drawn duration: rounded down (NeuroGym's t // dt), and
/// kept in [0, kMaxSteps] (a formula may give a negative or huge value).
int64_t durationSteps(double ms, double dt) {
  double steps = std::floor(ms / dt);
  if (!(steps > 0))
    return 0;
  return static_cast<int64_t>(std::min(steps, static_cast<double>(kMaxSteps)));
}
/// The most steps a duration can draw (1 for a formula: unknown, not none).
int64_t longestSteps(const Duration &d, double dt) {
  switch (d.kind) {
  case Duration::Kind::Fixed: return durationSteps(d.ms, dt);
  case Duration::Kind::Choice:
    return durationSteps(*std::max_element(d.values.begin(), d.values.end()), dt);
  case Duration::Kind::Formula: return 1;
  default: return durationSteps(d.hi, dt);
  }
}
} // namespace

size_t Trial::epochAt(int64_t t) const {
  auto it = std::upper_bound(bounds.begin(), bounds.end(), t);
  return static_cast<size_t>(std::max<std::ptrdiff_t>(it - bounds.begin() - 1, 0));
}

TaskGenerator::TaskGenerator(const Task &task, int64_t steps) : task_(task) {
  int64_t natural = task.steps();
  steps_ = steps > 0 && !task.randomTiming() ? steps : natural;
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
  for (size_t e = 0; e < task_.epochs.size(); ++e) {
    const Epoch &ep = task_.epochs[e];
    if (ep.mask == 0)
      continue;
    if (!task_.randomTiming())
      n += bounds_[e + 1] - bounds_[e];
    else
      n += longestSteps(ep.duration, task_.dtMs);
  }
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
  uint64_t s = trialSeed(seed, trial);
  out.index = static_cast<int64_t>(trial);
  out.conditions.resize(task_.conditions.size());
  out.type = drawConditions(task_, trial, s, out.conditions);
  drawTiming(s, out);
  const int64_t T = out.steps, I = task_.inputs, O = task_.outputs;
  out.u.assign(static_cast<size_t>(T * I), 0.0);
  out.y.assign(static_cast<size_t>(T * O), 0.0);
  out.m.assign(static_cast<size_t>(T), 0.0);
  out.answer.assign(task_.actions ? static_cast<size_t>(T) : 0, 0);
  for (size_t e = 0; e < task_.epochs.size(); ++e)
    fillEpoch(e, s, out);

  out.choice = -1;
  if (task_.actions) {
    for (size_t e = 0; e < task_.epochs.size() && out.choice < 0; ++e)
      if (task_.epochs[e].answer && out.bounds[e] < out.bounds[e + 1])
        out.choice = out.answer[static_cast<size_t>(out.bounds[e])];
    return;
  }
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

/// The trial's epoch boundaries and the variables formulas read: fixed (and
/// possibly rescaled) timing, or each epoch's duration drawn in order from
/// its own stream, so that a formula may use the durations before it.
void TaskGenerator::drawTiming(uint64_t s, Trial &out) const {
  const size_t C = task_.conditions.size(), E = task_.epochs.size();
  out.vars.assign(C + 2 + E, 0.0);
  std::copy(out.conditions.begin(), out.conditions.end(), out.vars.begin());
  out.vars[C] = task_.dtMs;
  if (!task_.randomTiming()) {
    out.bounds = bounds_;
    for (size_t e = 0; e < E; ++e) // as rescaled by --steps, in the task's dt
      out.vars[C + 2 + e] = static_cast<double>(bounds_[e + 1] - bounds_[e]) * task_.dtMs;
    out.steps = steps_;
    return;
  }
  out.bounds.assign(E + 1, 0);
  for (size_t e = 0; e < E; ++e) {
    const Duration &d = task_.epochs[e].duration;
    double u = d.random() ? random::unit(s, kDurationStream + e, 0) : 0.0;
    int64_t n = durationSteps(drawMs(d, u, out.vars), task_.dtMs);
    n = std::min(n, kMaxSteps - out.bounds[e]); // a trial is at most kMaxSteps long
    out.vars[C + 2 + e] = static_cast<double>(n) * task_.dtMs;
    out.bounds[e + 1] = out.bounds[e] + n;
  }
  out.steps = out.bounds[E];
}

/// Inputs (with their noise), target, mask and answer of epoch e's steps.
/// A formula that reads `t` is evaluated at every step, others once (which
/// formulas read it is found once per epoch, not at every step).
void TaskGenerator::fillEpoch(size_t e, uint64_t s, Trial &out) const {
  const Epoch &ep = task_.epochs[e];
  const int64_t I = task_.inputs, O = task_.outputs;
  const int32_t tv = task_.timeVar();
  std::vector<double> vars = out.vars;
  /// One formula of the epoch: its value, re-evaluated each step if it reads t.
  struct Channel {
    const TaskExpr *f = nullptr;
    bool perStep = false;
    double value = 0;
  };
  auto channels = [&](const std::vector<TaskExpr> &fs) {
    std::vector<Channel> cs;
    for (const TaskExpr &f : fs)
      cs.push_back({&f, f.uses(tv), 0.0});
    return cs;
  };
  auto at = [&](Channel &c, int64_t t, bool first) {
    if (first || c.perStep) {
      vars[static_cast<size_t>(tv)] = static_cast<double>(t - out.bounds[e]) * task_.dtMs;
      c.value = c.f->eval(vars);
    }
    return c.value;
  };
  std::vector<Channel> in = channels(ep.input), sd = channels(ep.inputNoise),
                       tgt = channels(ep.target);
  Channel answer{ep.answer ? &*ep.answer : nullptr, ep.answer && ep.answer->uses(tv), 0.0};
  const bool oneHot = task_.actions && !ep.targetGiven;
  for (int64_t t = out.bounds[e]; t < out.bounds[e + 1]; ++t) {
    const bool first = t == out.bounds[e];
    for (int64_t i = 0; i < I; ++i) {
      double noise = at(sd[i], t, first);
      noise = noise > 0 ? random::normal(s, kInputNoiseStream, static_cast<uint64_t>(t * I + i), 0.0,
                                         noise * noise)
                        : 0.0;
      out.u[t * I + i] = at(in[i], t, first) + noise;
    }
    if (ep.answer)
      out.answer[static_cast<size_t>(t)] = static_cast<int>(std::lround(at(answer, t, first)));
    for (int64_t o = 0; o < O; ++o)
      out.y[t * O + o] = oneHot ? (o == (ep.answer ? out.answer[static_cast<size_t>(t)] : 0) ? 1.0 : 0.0)
                                : at(tgt[o], t, first);
    out.m[t] = ep.mask;
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

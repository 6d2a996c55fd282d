//===- runtime/meta/Network.cpp - the inner learning loop -----------------===//
#include "runtime/meta/Network.h"

#include "dialect/Random.h"
#include "runtime/Noise.h"
#include "runtime/meta/Seeds.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace plasticc::meta {

std::string Divergence::describe() const {
  std::ostringstream s;
  s << "trial " << trial + 1 << ": " << what; // 1-based, as the user counts
  if (std::isnan(value))
    s << " is NaN";
  else if (std::isinf(value))
    s << " is " << (value > 0 ? "+Inf" : "-Inf");
  else
    s << " = " << value << " exceeds the weight bound " << bound << " (--weight-bound)";
  if (over > 1 && !std::isnan(value) && !std::isinf(value))
    s << ", the largest of " << over << " of its " << elements << " elements past it";
  return s.str();
}

void Workspace::Free::operator()(void *p) const { std::free(p); }

namespace {

/// Puts back the weights saved in `fixed` (the "no plasticity" baseline).
void restore(const NetworkRunner::FixedWeights &fixed, char *state) {
  for (const auto &[q, bytes] : fixed)
    std::memcpy(state + q->offset, bytes.data(), bytes.size());
}

} // namespace

Workspace::Workspace(runtime::Backend &backend) : backend_(backend) {
  const runtime::ModelInfo &info = backend.info();
  int64_t align = std::max<int64_t>(info.stateAlign, 64);
  bytes_ = (std::max<int64_t>(info.stateBytes, 1) + align - 1) / align * align;
  state_.reset(std::aligned_alloc(static_cast<size_t>(align), static_cast<size_t>(bytes_)));
  if (!state_)
    throw std::bad_alloc();
  inputs.assign(static_cast<size_t>(info.inputLength), 0.0);
  noise.assign(static_cast<size_t>(info.noiseLength), 0.0);
  dR.assign(static_cast<size_t>(info.metaScalars), 0.0);
}

std::unique_ptr<Workspace> NetworkRunner::workspace(int worker) const {
  return std::make_unique<Workspace>(pool_.forWorker(worker));
}

void NetworkRunner::initOnly(uint64_t seed, const double *meta, Workspace &ws) const {
  // Zeroed first so that nothing a backend leaves unwritten (padding, tangent
  // blocks it expects to start at zero) depends on the buffer's history.
  std::memset(ws.state(), 0, static_cast<size_t>(ws.stateBytes()));
  ws.backend().init(ws.state(), meta, seed);
}

NetworkResult NetworkRunner::run(uint64_t seed, const double *meta, const NetworkOptions &opt,
                                 Workspace &ws) const {
  runtime::Backend &backend = ws.backend();
  const runtime::ModelInfo &info = backend.info();
  const tasks::Task &task = binding_.task();
  const int64_t O = task.outputs, P = info.metaScalars;
  const runtime::NoiseSampler noise(info);
  NetworkResult res;
  res.seed = seed;
  res.grad.assign(static_cast<size_t>(opt.tangents ? P : 0), 0.0);

  initOnly(seed, meta, ws);
  char *state = static_cast<char *>(ws.state());
  for (const auto &[q, v] : opt.params)
    std::memcpy(state + q->offset, &v, sizeof v);

  // Without plasticity the weights at init are put back after every step and
  // every reward event (a model may change its plastic weights in either).
  FixedWeights fixed;
  if (!opt.plasticity)
    for (const runtime::QuantityInfo &q : info.quantities)
      if (q.kind == "weight")
        fixed.push_back({&q, std::vector<char>(state + q.offset,
                                               state + q.offset + q.numElements() * sizeof(double))});

  const uint64_t tseed = taskSeed(seed);
  const uint64_t nseed =
      opt.noiseStream == 0 ? noiseSeed(seed) : random::bits(noiseSeed(seed), 0x57e4, opt.noiseStream);
  double sumR = 0, sumTask = 0, sumPenalty = 0;
  // The weights the penalty watches: those the reward event changes.
  std::vector<const runtime::QuantityInfo *> plastic;
  if (opt.weightChangePenalty > 0)
    for (const runtime::QuantityInfo &q : info.quantities)
      if (q.kind == "weight" && q.tangentOffset >= 0) // the ones the rule changes
        plastic.push_back(&q);
  for (int64_t k = 0; k < opt.trials; ++k) {
    gen_.generate(tseed, static_cast<uint64_t>(k), ws.trial);
    const int64_t T = ws.trial.steps; // drawn per trial with random epoch durations
    ws.z.assign(static_cast<size_t>(T * O), 0.0);
    // The plastic weights and their tangents at the trial's start, for the
    // weight-change penalty (the step and the reward event may change them).
    std::vector<std::vector<double>> before;
    if (opt.weightChangePenalty > 0)
      for (const runtime::QuantityInfo *q : plastic) {
        const double *v = reinterpret_cast<const double *>(state + q->offset);
        before.emplace_back(v, v + q->numElements());
        if (opt.tangents && q->tangentOffset >= 0) {
          const double *d = reinterpret_cast<const double *>(state + q->tangentOffset);
          before.back().insert(before.back().end(), d, d + q->numElements() * P);
        }
      }
    // A whole trial in one call (the compiled model's whole-trial schedule)
    // unless an observer watches each step or weights are put back after each.
    double R = opt.observer || !fixed.empty() ? stepByStep(k, T, nseed, noise, opt, fixed, ws)
                                               : wholeTrial(k, T, nseed, noise, opt, ws);
    double penalty = 0;
    if (opt.weightChangePenalty > 0)
      penalty = weightChangePenalty(state, before, plastic, opt, P, ws.dR);
    restore(fixed, state);
    if (opt.observer)
      opt.observer->trialEnded(k, state);
    if (auto d = check(state, R, opt.tangents ? &ws.dR : nullptr, k, opt.weightBound)) {
      res.divergence = d;
      break;
    }
    TrialRecord rec{R, penalty, tasks::scoreTrial(task, ws.trial, ws.z.data()), {}, {}};
    if (opt.tangents) {
      rec.dR = ws.dR;
      if (info.scoreIndex >= 0) {
        const double *s = reinterpret_cast<const double *>(
            state + info.quantities[static_cast<size_t>(info.scoreIndex)].tangentOffset);
        rec.noiseScore.assign(s, s + P);
      }
    }
    res.trials.push_back(rec);
    sumR += R - penalty;
    sumPenalty += penalty;
    sumTask += rec.score.reward;
    for (int64_t p = 0; p < static_cast<int64_t>(res.grad.size()); ++p)
      res.grad[p] += ws.dR[p];
  }
  double K = static_cast<double>(std::max<int64_t>(opt.trials, 1));
  res.meanReward = sumR / K;
  res.meanPenalty = sumPenalty / K;
  res.meanTaskReward = sumTask / K;
  for (double &g : res.grad)
    g /= K;
  return res;
}

double NetworkRunner::wholeTrial(int64_t k, int64_t T, uint64_t nseed, const runtime::NoiseSampler &noise,
                                 const NetworkOptions &opt, Workspace &ws) const {
  const runtime::ModelInfo &info = ws.backend().info();
  const int64_t L = info.inputLength, Ln = info.noiseLength, O = binding_.task().outputs;
  const int64_t width = runtime::outputLength(info), column = binding_.outputColumn();
  ws.inputs.assign(static_cast<size_t>(std::max<int64_t>(T * L, L)), 0.0);
  ws.noise.assign(static_cast<size_t>(std::max<int64_t>(T * Ln, Ln)), 0.0);
  ws.outputs.resize(static_cast<size_t>(T * width));
  for (int64_t t = 0; t < T; ++t) {
    binding_.fillInputs(ws.trial, t, ws.inputs.data() + t * L);
    noise.fill(nseed, static_cast<uint64_t>(k), t, opt.mirrorNoise, ws.noise.data() + t * Ln);
  }
  double R = ws.backend().runTrial(ws.state(), ws.inputs.data(), ws.noise.data(), T, ws.outputs.data(),
                                   opt.tangents ? ws.dR.data() : nullptr, opt.tangents);
  for (int64_t t = 0; t < T; ++t)
    std::copy_n(ws.outputs.data() + t * width + column, O, ws.z.data() + t * O);
  return R;
}

double NetworkRunner::stepByStep(int64_t k, int64_t T, uint64_t nseed, const runtime::NoiseSampler &noise,
                                 const NetworkOptions &opt, const FixedWeights &fixed,
                                 Workspace &ws) const {
  runtime::Backend &backend = ws.backend();
  char *state = static_cast<char *>(ws.state());
  const int64_t O = binding_.task().outputs;
  backend.beginTrial(state);
  if (opt.observer)
    opt.observer->trialStarted(k, state);
  for (int64_t t = 0; t < T; ++t) {
    binding_.fillInputs(ws.trial, t, ws.inputs.data());
    noise.fill(nseed, static_cast<uint64_t>(k), t, opt.mirrorNoise, ws.noise.data());
    if (opt.tangents)
      backend.step(state, ws.inputs.data(), ws.noise.data());
    else
      backend.stepPrimal(state, ws.inputs.data(), ws.noise.data());
    restore(fixed, state);
    binding_.readOutput(state, ws.z.data() + t * O);
    if (opt.observer)
      opt.observer->stepped(k, t, T, state);
  }
  return backend.endTrial(state, opt.tangents ? ws.dR.data() : nullptr);
}

double NetworkRunner::weightChangePenalty(const char *state,
                                          const std::vector<std::vector<double>> &before,
                                          const std::vector<const runtime::QuantityInfo *> &plastic,
                                          const NetworkOptions &opt, int64_t P,
                                          std::vector<double> &dR) const {
  // lambda * mean (dW)^2 over every weight element, and its tangent.
  double sum = 0;
  int64_t count = 0;
  std::vector<double> dsum(static_cast<size_t>(P), 0.0);
  for (size_t w = 0; w < plastic.size(); ++w) {
    const runtime::QuantityInfo *q = plastic[w];
    const int64_t n = q->numElements();
    const double *v = reinterpret_cast<const double *>(state + q->offset);
    const bool lanes = opt.tangents && q->tangentOffset >= 0;
    const double *d = lanes ? reinterpret_cast<const double *>(state + q->tangentOffset) : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      double delta = v[i] - before[w][static_cast<size_t>(i)];
      sum += delta * delta;
      if (lanes)
        for (int64_t p = 0; p < P; ++p) {
          double dDelta = d[p * n + i] - before[w][static_cast<size_t>(n + p * n + i)];
          dsum[static_cast<size_t>(p)] += 2 * delta * dDelta;
        }
    }
    count += n;
  }
  const double scale = opt.weightChangePenalty / static_cast<double>(std::max<int64_t>(count, 1));
  if (opt.tangents)
    for (int64_t p = 0; p < P && p < static_cast<int64_t>(dR.size()); ++p)
      dR[static_cast<size_t>(p)] -= scale * dsum[static_cast<size_t>(p)];
  return scale * sum;
}

std::optional<Divergence> NetworkRunner::check(const void *state, double R,
                                               const std::vector<double> *dR, int64_t trial,
                                               double bound) const {
  // The network's quantities first: a NaN weight is the cause worth naming,
  // a NaN reward only its consequence.
  const char *base = static_cast<const char *>(state);
  for (const runtime::QuantityInfo *q : binding_.watched()) {
    const int64_t n = q->numElements();
    const double *v = reinterpret_cast<const double *>(base + q->offset);
    bool isWeight = q->kind == "weight";
    // A non-finite element is named at once; past the bound, the largest
    // |w| is named with the count (see Divergence::over), whatever its index.
    int64_t over = 0, largest = -1;
    for (int64_t k = 0; k < n; ++k) {
      if (!std::isfinite(v[k]))
        return Divergence{trial, elementName(q->name, q->shape, k), v[k], 0};
      if (isWeight && std::fabs(v[k]) > bound) {
        ++over;
        if (largest < 0 || std::fabs(v[k]) > std::fabs(v[largest]))
          largest = k;
      }
    }
    if (over > 0)
      return Divergence{trial, elementName(q->name, q->shape, largest), v[largest], bound, over, n};
    if (!dR || q->tangentOffset < 0)
      continue;
    const double *d = reinterpret_cast<const double *>(base + q->tangentOffset);
    const int64_t P = binding_.metaScalars();
    const bool isScore = binding_.info().scoreIndex >= 0 &&
                         &binding_.info().quantities[static_cast<size_t>(binding_.info().scoreIndex)] == q;
    for (int64_t i = 0; i < n * P; ++i)
      if (!std::isfinite(d[i]))
        return Divergence{trial,
                          "d" + elementName(q->name, q->shape, i % n) + "/d" +
                              binding_.metaScalarName(i / n) +
                              (isScore ? " (the score divides the noise by its scale: a scale "
                                         "of 0 makes it NaN)"
                                       : ""),
                          d[i], 0};
  }
  if (!std::isfinite(R))
    return Divergence{trial, "R (the model's reward)", R, 0};
  if (dR)
    for (size_t p = 0; p < dR->size(); ++p)
      if (!std::isfinite((*dR)[p]))
        return Divergence{trial, "dR/d" + binding_.metaScalarName(static_cast<int64_t>(p)),
                          (*dR)[p], 0};
  return std::nullopt;
}

} // namespace plasticc::meta

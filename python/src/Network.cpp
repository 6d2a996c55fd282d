//===- python/src/Network.cpp - one network's state, for Python -----------===//
#include "Network.h"

#include "runtime/Noise.h"
#include "runtime/meta/Seeds.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace plasticc::python {

Network::Network(std::shared_ptr<const Model> model, uint64_t seed, const double *meta)
    : model_(std::move(model)), seed_(seed), backend_(model_->makeBackend()),
      state_(model_->info()) {
  backend_->init(state_.data(), meta, seed);
}

double *Network::value(const runtime::QuantityInfo &q) {
  return reinterpret_cast<double *>(static_cast<char *>(state_.data()) + q.offset);
}

double *Network::startCopy(const runtime::QuantityInfo &q) {
  return reinterpret_cast<double *>(static_cast<char *>(state_.data()) + q.initOffset);
}

double *Network::tangent(const runtime::QuantityInfo &q) {
  return reinterpret_cast<double *>(static_cast<char *>(state_.data()) + q.tangentOffset);
}

std::vector<double> Network::metaNoise(uint64_t k, int64_t steps) const {
  const runtime::ModelInfo &info = model_->info();
  runtime::NoiseSampler sampler(info);
  std::vector<double> out(steps * info.noiseLength);
  for (int64_t t = 0; t < steps; ++t)
    sampler.fill(meta::noiseSeed(seed_), k, t, false, out.data() + t * info.noiseLength);
  return out;
}

bool Network::writableInPlace(const runtime::QuantityInfo &q) {
  return q.kind == "param" || q.kind == "weight" || q.kind == "baseline";
}

void Network::restoreStates() {
  for (const runtime::QuantityInfo &q : model_->info().quantities)
    if (q.kind == "state")
      std::memcpy(value(q), startCopy(q), q.numElements() * sizeof(double));
}

void Network::set(const runtime::QuantityInfo &q, const double *values) {
  if (!writableInPlace(q) && q.kind != "state")
    throw std::invalid_argument("'" + q.name + "' is " + (q.kind == "input" ? "an " : "a ") +
                                q.kind + "; only params, weights, baselines and states can be set" +
                                (q.kind == "meta" ? " (meta: model.network(seed, meta=...))" : ""));
  restoreStates();
  size_t bytes = q.numElements() * sizeof(double);
  std::memcpy(value(q), values, bytes);
  backend_->setTrialStart(state_.data());
  if (q.kind == "state") { // a derived state set itself keeps what it was given
    std::memcpy(value(q), values, bytes);
    std::memcpy(startCopy(q), values, bytes);
  }
}

TrialOutcome Network::runTrial(const double *inputs, const double *noise, int64_t steps,
                               const std::vector<Recording> &record, bool tangents) {
  const runtime::ModelInfo &info = model_->info();
  void *s = state_.data();
  TrialOutcome out;
  if (tangents)
    out.dReward.resize(info.metaScalars);
  if (record.empty()) { // one call: the compiled model's whole-trial schedule
    out.reward = backend_->runTrial(s, inputs, noise, steps, nullptr,
                                    tangents ? out.dReward.data() : nullptr, tangents);
    return out;
  }
  backend_->beginTrial(s);
  for (int64_t t = 0; t < steps; ++t) {
    const double *in = inputs + t * info.inputLength, *xi = noise + t * info.noiseLength;
    if (tangents)
      backend_->step(s, in, xi);
    else
      backend_->stepPrimal(s, in, xi);
    for (const Recording &r : record) {
      int64_t n = r.quantity->numElements();
      std::copy_n(value(*r.quantity), n, r.out + t * n);
    }
  }
  out.reward = backend_->endTrial(s, tangents ? out.dReward.data() : nullptr);
  return out;
}

} // namespace plasticc::python

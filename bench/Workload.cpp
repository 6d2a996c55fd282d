//===- bench/Workload.cpp - the inputs and noise both models are fed ------===//
#include "bench/Workload.h"

#include "runtime/CueDelayResponse.h"
#include "support/Diagnostics.h"

#include <random>

namespace plasticc::bench {

Workload::Workload(int n, int trials, int steps, uint64_t seed)
    : n_(n), trials_(trials), steps_(steps) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  for (int k = 0; k < trials; ++k) {
    runtime::CueDelayTrial trial = runtime::cueDelayResponse(k % 2, steps);
    for (int t = 0; t < steps; ++t) {
      u_.push_back(trial.u0[t]);
      u_.push_back(trial.u1[t]);
      y_.push_back(trial.y[t]);
      m_.push_back(trial.m[t]);
      for (int i = 0; i < n; ++i)
        xi_.push_back(normal(rng));
    }
  }
}

Workload::InputOffsets Workload::offsets(const runtime::ModelInfo &info) {
  auto slot = [&](const char *name, int64_t length) {
    const runtime::QuantityInfo *q = info.find(name);
    PLASTICC_INTERNAL_ASSERT(q && q->kind == "input" && q->numElements() == length,
                             std::string("the model has no input ") + name);
    return q->offset;
  };
  return {slot("u", 2), slot("y", 1), slot("m", 1)};
}

} // namespace plasticc::bench

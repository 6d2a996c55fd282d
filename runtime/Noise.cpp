//===- runtime/Noise.cpp - drawing a model's per-step noise vector --------===//
#include "runtime/Noise.h"

#include "dialect/Random.h"

namespace plasticc::runtime {

NoiseSampler::NoiseSampler(const ModelInfo &info)
    : elements_(static_cast<size_t>(info.noiseLength)) {
  for (const QuantityInfo &q : info.quantities) {
    if (q.kind != "noise")
      continue;
    Element e{Kind::Normal, q.noiseA, q.noiseB};
    if (q.noiseDist == "uniform")
      e.kind = Kind::Uniform;
    else if (q.noiseDist == "bernoulli")
      e.kind = Kind::Bernoulli;
    else if (q.noiseA == 0 && q.noiseB == 1)
      e.kind = Kind::StandardNormal;
    for (int64_t i = 0; i < q.numElements(); ++i)
      elements_[static_cast<size_t>(q.offset + i)] = e;
  }
}

void NoiseSampler::fill(uint64_t seed, uint64_t k, int64_t t, bool mirror, double *noise) const {
  const int64_t L = static_cast<int64_t>(elements_.size());
  for (int64_t i = 0; i < L; ++i) {
    const Element &e = elements_[static_cast<size_t>(i)];
    const uint64_t c = static_cast<uint64_t>(t * L + i);
    double v = 0;
    switch (e.kind) {
    case Kind::StandardNormal:
      v = random::normal(seed, k, c, 0.0, 1.0);
      v = mirror ? -v : v;
      break;
    case Kind::Normal:
      v = random::normal(seed, k, c, e.a, e.b);
      v = mirror ? 2 * e.a - v : v;
      break;
    case Kind::Uniform:
      v = random::uniform(seed, k, c, e.a, e.b);
      v = mirror ? e.a + e.b - v : v;
      break;
    case Kind::Bernoulli:
      v = random::unit(seed, k, c) < e.a ? 1.0 : 0.0;
      break;
    }
    noise[i] = v;
  }
}

} // namespace plasticc::runtime

//===- runtime/Backend.cpp - the per-step whole trial ---------------------===//
#include "runtime/Backend.h"

#include <cstring>

namespace plasticc::runtime {

int64_t outputLength(const ModelInfo &info) {
  int64_t n = 0;
  for (const QuantityInfo &q : info.quantities)
    if (q.kind == "output")
      n += q.numElements();
  return n;
}

double Backend::runTrial(void *state, const double *inputs, const double *noise, int64_t steps,
                         double *outputs, double *dRdMeta, bool tangents) {
  const ModelInfo &mi = info();
  const int64_t width = outputLength(mi);
  beginTrial(state);
  for (int64_t t = 0; t < steps; ++t) {
    const double *in = inputs ? inputs + t * mi.inputLength : nullptr;
    const double *xi = noise ? noise + t * mi.noiseLength : nullptr;
    if (tangents)
      step(state, in, xi);
    else
      stepPrimal(state, in, xi);
    if (!outputs)
      continue;
    double *out = outputs + t * width;
    for (const QuantityInfo &q : mi.quantities)
      if (q.kind == "output") {
        std::memcpy(out, static_cast<const char *>(state) + q.offset,
                    static_cast<size_t>(q.numElements()) * sizeof(double));
        out += q.numElements();
      }
  }
  return endTrial(state, dRdMeta);
}

} // namespace plasticc::runtime

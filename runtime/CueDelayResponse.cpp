//===- runtime/CueDelayResponse.cpp - the default task's inputs -----------===//
#include "runtime/CueDelayResponse.h"

#include <cmath>

namespace plasticc::runtime {

CueDelayTrial cueDelayResponse(int cue, int64_t steps) {
  int64_t cueEnd = std::llround(0.2 * static_cast<double>(steps));
  int64_t scoreStart = std::llround(0.8 * static_cast<double>(steps));
  CueDelayTrial trial;
  for (int64_t t = 0; t < steps; ++t) {
    bool shown = t < cueEnd;
    trial.u0.push_back(shown && cue == 0 ? 1.0 : 0.0);
    trial.u1.push_back(shown && cue == 1 ? 1.0 : 0.0);
    trial.y.push_back(cue == 0 ? 1.0 : -1.0);
    trial.m.push_back(t >= scoreStart ? 1.0 : 0.0);
  }
  return trial;
}

} // namespace plasticc::runtime

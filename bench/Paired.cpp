//===- bench/Paired.cpp - timing two implementations side by side ---------===//
#include "bench/Paired.h"

#include "bench/Machine.h"

#include <algorithm>

namespace plasticc::bench {

double quantile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  double at = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(at);
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

namespace {

/// One implementation's position in its sequence of steps.
struct Cursor {
  Runner *runner;
  long step = 0;
};

/// Runs the next `block` steps of `c` (a trial boundary only at a block
/// start) and returns their thread CPU seconds.
double runBlock(Cursor &c, int stepsPerTrial, int block, bool tangents) {
  int k = static_cast<int>(c.step / stepsPerTrial), t = static_cast<int>(c.step % stepsPerTrial);
  if (t == 0)
    c.runner->beginTrial();
  double t0 = threadSeconds();
  for (int s = 0; s < block; ++s)
    c.runner->step(k, t + s, tangents);
  double seconds = threadSeconds() - t0;
  c.step += block;
  return seconds;
}

} // namespace

PairedTimes pairedSteps(Runner &a, Runner &b, int stepsPerTrial, int block, bool tangents,
                        double budget, int minRounds, int maxRounds) {
  Cursor ca{&a}, cb{&b};
  // Warm-up: one block each (pages touched, caches and predictors trained).
  runBlock(ca, stepsPerTrial, block, tangents);
  runBlock(cb, stepsPerTrial, block, tangents);
  PairedTimes out;
  double spent = 0;
  for (int round = 0; round < maxRounds && (round < minRounds || spent < budget); ++round) {
    double ta, tb;
    if (round % 2 == 0) {
      ta = runBlock(ca, stepsPerTrial, block, tangents);
      tb = runBlock(cb, stepsPerTrial, block, tangents);
    } else {
      tb = runBlock(cb, stepsPerTrial, block, tangents);
      ta = runBlock(ca, stepsPerTrial, block, tangents);
    }
    spent += ta + tb;
    out.a.push_back(ta / block);
    out.b.push_back(tb / block);
    out.ratio.push_back(ta / tb);
  }
  return out;
}

std::vector<double> soloSteps(Runner &r, int stepsPerTrial, int block, bool tangents, double budget,
                              int minRounds) {
  Cursor c{&r};
  for (int s = 0; s < stepsPerTrial; s += block) // warm-up: one trial
    runBlock(c, stepsPerTrial, block, tangents);
  std::vector<double> out;
  double spent = 0;
  for (int round = 0; round < minRounds || spent < budget; ++round) {
    double t = runBlock(c, stepsPerTrial, block, tangents);
    spent += t;
    out.push_back(t / block);
  }
  return out;
}

double timeMetaGradient(Runner &r, int trials, int stepsPerTrial, int lanes,
                        std::vector<double> &dJ) {
  std::vector<double> dR(lanes);
  dJ.assign(lanes, 0.0);
  double t0 = threadSeconds();
  for (int k = 0; k < trials; ++k) {
    r.trial(k, stepsPerTrial, dR.data());
    for (int p = 0; p < lanes; ++p)
      dJ[p] += dR[p] / trials;
  }
  return threadSeconds() - t0;
}

} // namespace plasticc::bench

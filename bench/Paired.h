//===- bench/Paired.h - timing two implementations side by side -----------===//
//
// On a shared, noisy machine, the ratio of two separately measured times
// drifts with whatever else runs. Here the two implementations take turns
// in one process: each round runs the same block of work on one and then
// on the other (the order alternates from round to round), each timed in
// thread CPU time, and the ratio is taken per round, so a slow spell hits
// both sides of a ratio. Statistics are medians and quartiles over rounds.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "bench/Runners.h"

#include <vector>

namespace plasticc::bench {

/// Seconds per unit of work (a step or a meta-gradient) of each round.
struct PairedTimes {
  std::vector<double> a, b; ///< per round, implementation a and b
  std::vector<double> ratio; ///< per round, a / b
};

/// The q-quantile (0..1, linear interpolation) of `v`; 0 if empty.
double quantile(std::vector<double> v, double q);

/// Steps `a` and `b` through the same trials in rounds of `block` steps
/// (block divides stepsPerTrial; a trial starts with beginTrial, untimed),
/// until `budget` seconds of CPU time are spent and at least `minRounds`
/// rounds ran (at most `maxRounds`). Times are per step.
PairedTimes pairedSteps(Runner &a, Runner &b, int stepsPerTrial, int block, bool tangents,
                        double budget, int minRounds, int maxRounds);

/// Steps `r` alone (the other implementation's state out of the caches'
/// way) in blocks as pairedSteps does, until `budget` CPU seconds and at
/// least `minRounds` blocks; seconds per step of each block.
std::vector<double> soloSteps(Runner &r, int stepsPerTrial, int block, bool tangents, double budget,
                              int minRounds);

/// One meta-gradient of `r` from its current state: K = `trials` trials of
/// `stepsPerTrial` steps with tangents (begin, steps, end), dJ/dtheta (the
/// mean of the trials' dR/dtheta, `lanes` entries) into dJ. Returns its
/// thread CPU seconds.
double timeMetaGradient(Runner &r, int trials, int stepsPerTrial, int lanes,
                        std::vector<double> &dJ);

} // namespace plasticc::bench

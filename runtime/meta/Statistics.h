//===- runtime/meta/Statistics.h - means, paired differences, criterion ---===//
//
// The numbers an evaluation reports, each with its uncertainty: the mean of
// per-network values and its standard error, the paired difference of two
// rules over the same held-out networks, the median and interquartile range
// of trials to criterion (where a network that never reaches the criterion
// is a censored value, larger than every trial count), and trials to
// criterion itself (Miconi 2017, eLife 6:e20899: 95% correct over 100
// successive trials).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace plasticc::meta {

/// A mean and its standard error (sample standard deviation / sqrt(n)).
/// sem is NaN for n < 2; mean is NaN for n = 0.
struct MeanSem {
  double mean;
  double sem;
  int64_t n;
};

/// Mean and standard error of `values` (no value is skipped).
MeanSem meanSem(const std::vector<double> &values);

/// Mean and standard error of a[i] - b[i] over i < min(|a|, |b|) (paired:
/// the same held-out networks).
MeanSem pairedDifference(const std::vector<double> &a, const std::vector<double> &b);

/// Trials to criterion of one network: the 1-based number of the trial that
/// ends the first window of `window` successive trials of which at least a
/// fraction `fraction` are correct; -1 if no window qualifies (including
/// when there are fewer than `window` trials).
int64_t trialsToCriterion(const std::vector<bool> &correct, int64_t window, double fraction);

/// Median and quartiles of trials to criterion, where -1 (not reached) is
/// larger than every count. A quantile that falls on a censored value is -1.
/// Quantiles are the lower order statistics at ceil(q n) (no interpolation,
/// so that a censored value is never averaged with a count).
struct Quartiles {
  int64_t q1 = -1, median = -1, q3 = -1;
  int64_t reached = 0, n = 0;
};
Quartiles criterionQuartiles(const std::vector<int64_t> &trials);

} // namespace plasticc::meta

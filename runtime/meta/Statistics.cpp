//===- runtime/meta/Statistics.cpp - means, paired differences, criterion -===//
#include "runtime/meta/Statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plasticc::meta {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

MeanSem meanSem(const std::vector<double> &values) {
  MeanSem r{kNaN, kNaN, static_cast<int64_t>(values.size())};
  if (values.empty())
    return r;
  double n = static_cast<double>(values.size()), sum = 0;
  for (double v : values)
    sum += v;
  r.mean = sum / n;
  if (values.size() < 2)
    return r;
  double sq = 0; // two passes: the differences are small next to the values
  for (double v : values)
    sq += (v - r.mean) * (v - r.mean);
  r.sem = std::sqrt(sq / (n - 1) / n);
  return r;
}

MeanSem pairedDifference(const std::vector<double> &a, const std::vector<double> &b) {
  std::vector<double> d(std::min(a.size(), b.size()));
  for (size_t i = 0; i < d.size(); ++i)
    d[i] = a[i] - b[i];
  return meanSem(d);
}

int64_t trialsToCriterion(const std::vector<bool> &correct, int64_t window, double fraction) {
  const int64_t K = static_cast<int64_t>(correct.size());
  if (window < 1 || K < window)
    return -1;
  // At least `need` correct of `window`; the small epsilon keeps 0.95 * 100
  // from rounding up to 96.
  const int64_t need = static_cast<int64_t>(std::ceil(fraction * static_cast<double>(window) - 1e-9));
  int64_t inWindow = 0;
  for (int64_t k = 0; k < K; ++k) {
    inWindow += correct[static_cast<size_t>(k)] ? 1 : 0;
    if (k >= window)
      inWindow -= correct[static_cast<size_t>(k - window)] ? 1 : 0;
    if (k >= window - 1 && inWindow >= need)
      return k + 1;
  }
  return -1;
}

Quartiles criterionQuartiles(const std::vector<int64_t> &trials) {
  Quartiles q;
  q.n = static_cast<int64_t>(trials.size());
  if (trials.empty())
    return q;
  std::vector<int64_t> sorted = trials;
  const int64_t never = std::numeric_limits<int64_t>::max();
  for (int64_t &t : sorted)
    if (t < 0)
      t = never;
    else
      ++q.reached;
  std::sort(sorted.begin(), sorted.end());
  auto at = [&](double p) {
    size_t i = static_cast<size_t>(std::max<double>(1, std::ceil(p * static_cast<double>(q.n)))) - 1;
    return sorted[i] == never ? int64_t{-1} : sorted[i];
  };
  q.q1 = at(0.25);
  q.median = at(0.5);
  q.q3 = at(0.75);
  return q;
}

} // namespace plasticc::meta

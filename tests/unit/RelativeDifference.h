//===- tests/unit/RelativeDifference.h - comparing a state with a reference ===//
//
// The tests that run a model against the same dynamics written out as plain
// loops compare whole arrays normwise: max |a - b| over max |a|.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace plasticc::testing {

/// Max |a - b| over max |a| (a: the reference; the absolute difference if a
/// is all zero).
inline double relDiff(const std::vector<double> &a, const double *b) {
  double scale = 0, diff = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    scale = std::max(scale, std::fabs(a[k]));
    diff = std::max(diff, std::fabs(a[k] - b[k]));
  }
  return scale == 0 ? diff : diff / scale;
}

} // namespace plasticc::testing

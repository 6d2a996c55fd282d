//===- runtime/meta/Tuning.h - a learning rate tuned by search ------------===//
//
// A fair comparison gives every rule its best learning rate, found with a
// stated budget. The search works on log(scale), where scale multiplies a
// reference learning rate: a coarse grid (by default x3 steps from 0.1 to
// 1000), extended past an edge when the best point sits on it, then
// golden-section refinement inside the bracket around the best grid point.
// The best point ever evaluated wins. The objective is expected to use
// common random numbers (the same networks at every scale), which makes it
// a smooth function of the scale and the search meaningful.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace plasticc::meta {

/// How the search is run.
struct TuneConfig {
  /// Multiples of the reference learning rate tried first (any order, > 0).
  std::vector<double> grid = {0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};
  /// Golden-section evaluations after the grid (0: grid only).
  int refine = 8;
  /// Grid points added, one step at a time, past an edge that holds the best.
  int extend = 3;
};

/// One evaluated point.
struct TunePoint {
  double scale;
  double score;
};

/// The outcome: the best scale, its score, and every point in the order tried.
struct TuneResult {
  double scale = 1;
  double score = 0;
  std::vector<TunePoint> tried;
};

/// Maximises `score(scale)` (NaN counts as -infinity) as the file comment
/// says. Evaluates exactly tried.size() points: the grid, up to `extend`
/// more, and `refine` golden-section points.
TuneResult tuneScale(const std::function<double(double)> &score, const TuneConfig &config);

} // namespace plasticc::meta

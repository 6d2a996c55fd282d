//===- runtime/meta/Tuning.cpp - grid, extension, golden section ----------===//
#include "runtime/meta/Tuning.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace plasticc::meta {

namespace {

class Search {
public:
  explicit Search(const std::function<double(double)> &score) : score_(score) {}

  double eval(double scale) {
    double s = score_(scale);
    if (std::isnan(s))
      s = -std::numeric_limits<double>::infinity();
    result_.tried.push_back({scale, s});
    if (result_.tried.size() == 1 || s > result_.score) {
      result_.score = s;
      result_.scale = scale;
    }
    return s;
  }

  /// Golden-section search for the maximum of score(exp(u)) on [a, c].
  void golden(double a, double c, int evaluations) {
    const double phi = (std::sqrt(5.0) - 1) / 2;
    if (evaluations <= 0)
      return;
    double x1 = c - phi * (c - a), x2 = a + phi * (c - a);
    double f1 = eval(std::exp(x1));
    if (evaluations == 1)
      return;
    double f2 = eval(std::exp(x2));
    for (int done = 2; done < evaluations; ++done) {
      if (f1 > f2) { // the maximum lies in [a, x2]
        c = x2;
        x2 = x1;
        f2 = f1;
        x1 = c - phi * (c - a);
        f1 = eval(std::exp(x1));
      } else { // in [x1, c]
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + phi * (c - a);
        f2 = eval(std::exp(x2));
      }
    }
  }

  TuneResult take() { return std::move(result_); }

private:
  const std::function<double(double)> &score_;
  TuneResult result_;
};

} // namespace

TuneResult tuneScale(const std::function<double(double)> &score, const TuneConfig &config) {
  Search search(score);
  std::vector<double> grid = config.grid;
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  if (grid.empty())
    grid = {1.0};
  std::vector<double> scores;
  for (double s : grid)
    scores.push_back(search.eval(s));
  // The grid's step, for extending it and for a one-point grid's bracket.
  const double ratio = grid.size() > 1 ? grid[1] / grid[0] : 3.0;
  for (int added = 0; added < config.extend && grid.size() > 1; ++added) {
    size_t best = static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    if (best == 0) {
      grid.insert(grid.begin(), grid.front() / ratio);
      scores.insert(scores.begin(), search.eval(grid.front()));
    } else if (best + 1 == grid.size()) {
      grid.push_back(grid.back() * ratio);
      scores.push_back(search.eval(grid.back()));
    } else {
      break;
    }
  }
  size_t best = static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  double lo = best > 0 ? grid[best - 1] : grid[best] / ratio;
  double hi = best + 1 < grid.size() ? grid[best + 1] : grid[best] * ratio;
  search.golden(std::log(lo), std::log(hi), config.refine);
  return search.take();
}

} // namespace plasticc::meta

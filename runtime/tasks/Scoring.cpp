//===- runtime/tasks/Scoring.cpp - reward and choice of a trial -----------===//
#include "runtime/tasks/Scoring.h"

#include <algorithm>
#include <cmath>

namespace plasticc::tasks {

TrialScore scoreTrial(const Task &task, const Trial &trial, const double *z) {
  const int64_t T = trial.steps, O = task.outputs;
  TrialScore s;
  double err = 0, absErr = 0, scored = 0;
  std::vector<double> mean(static_cast<size_t>(O), 0.0);
  for (int64_t t = 0; t < T; ++t) {
    double m = trial.m[t];
    if (m == 0)
      continue; // also keeps a NaN output outside the window out of the score
    scored += m;
    for (int64_t o = 0; o < O; ++o) {
      double d = z[t * O + o] - trial.y[t * O + o];
      err += m * d * d;
      absErr += m * std::fabs(d);
      mean[o] += m * z[t * O + o];
    }
  }
  s.mse = err / std::max(1.0, scored);
  s.mae = absErr / std::max(1.0, scored);
  if (task.discrete() && scored > 0) {
    for (double &v : mean)
      v /= scored;
    s.choice = nearestChoice(task.choices, mean.data());
    s.correct = s.choice >= 0 && s.choice == trial.choice;
  }
  const double error = task.reward == RewardKind::NegMAE ? s.mae : s.mse;
  if (!std::isnan(task.correctBelow))
    s.correct = scored > 0 && error < task.correctBelow;
  s.reward = task.reward == RewardKind::Correct ? (s.correct ? 1.0 : 0.0) : -error;
  return s;
}

} // namespace plasticc::tasks

//===- runtime/tasks/Scoring.h - the task's reward and choice of a trial --===//
//
// The runtime scores every trial from the network's output z[t, :] itself,
// independently of the reward the model computes: this is what evaluation
// tables and learning curves report, and it is the same for every model run
// on the task. The default reward is docs/model.md's R = -err / max(1, sum_t m_t)
// with err = sum_t m_t sum_o (z_t[o] - y_t[o])^2; discrete tasks also get the
// network's choice (the response nearest its mean output over the scored
// window) and whether it was right, or, with the task's correct_below, whether
// the trial's error was below that threshold (Miconi 2017: mean absolute
// error < 1).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/tasks/TaskGenerator.h"

namespace plasticc::tasks {

/// The score of one trial.
struct TrialScore {
  double reward = 0;  // per Task::reward
  double mse = 0;     // -R of docs/model.md: mean squared error over the scored window
  double mae = 0;     // mean absolute error over the scored window (summed over outputs)
  int choice = -1;    // the network's response (discrete tasks), -1 if none
  bool correct = false;
};

/// Scores `trial` given the outputs `z` ([T, O], row-major).
TrialScore scoreTrial(const Task &task, const Trial &trial, const double *z);

} // namespace plasticc::tasks

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
  /// The network's response: the nearest choice (tasks with choices), the
  /// first action other than fixation in a response epoch (action tasks; 0
  /// when it never responded there); -1 if none.
  int choice = -1;
  bool correct = false;
};

/// Scores `trial` given the outputs `z` ([T, O], row-major).
TrialScore scoreTrial(const Task &task, const Trial &trial, const double *z);

/// The action the outputs `z` (Task::outputs values) select (ActionSpec).
int readAction(const ActionSpec &actions, const double *z);

/// The reward table applied to the actions of one trial, as NeuroGym's
/// TrialEnv.step and the tasks' _step (neurogym/core.py, envs/native): step
/// by step, an action other than fixation in a `fixate` epoch costs `abort`
/// (and ends the scoring if abort_ends_trial); the first one in a response
/// epoch earns `correct` if it is the answer there, else `fail`, and ends the
/// scoring; a trial nothing ended earns `miss` at its last step. The trial
/// is correct when its response is the answer at that step; a trial
/// without one, when the answer is fixation (0) at every step of every
/// response epoch (a withheld no-go). Sets reward, choice and correct.
void scoreActions(const Task &task, const Trial &trial, const double *z, TrialScore &score);

} // namespace plasticc::tasks

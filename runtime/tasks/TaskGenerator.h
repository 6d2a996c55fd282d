//===- runtime/tasks/TaskGenerator.h - per-trial inputs, target and mask --===//
//
// Turns a Task into the arrays one trial feeds a network: the input u[t, :],
// the target y[t, :] and the mask m[t] for T steps, and the condition values
// drawn for the trial. A trial is a pure function of (seed, trial index):
// every draw comes from the counter-based generator of dialect/Random.h, so
// trials are the same whichever thread makes them and in whatever order.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/tasks/Task.h"

#include <cstdint>
#include <vector>

namespace plasticc::tasks {

/// One trial's data, row-major in time: u is [T, I], y is [T, O], m is [T].
/// T is the same for every trial of a task with fixed timing, and drawn per
/// trial with random epoch durations.
struct Trial {
  int64_t steps = 0;
  std::vector<double> u, y, m;
  std::vector<double> conditions; // one value per Task::conditions entry
  /// The values of Task::variableNames() (t = 0): conditions, dt, t, and
  /// each epoch's duration in ms as this trial has it.
  std::vector<double> vars;
  /// First step of each epoch in this trial, and T last (epochs + 1 entries).
  std::vector<int64_t> bounds;
  /// Action tasks: the correct action at each step (NeuroGym's ground
  /// truth: the epoch's answer in response epochs, 0 = fixation elsewhere).
  std::vector<int> answer;
  int64_t index = 0; // k: the trial's index in the lifetime
  /// Index of the combination of condition values, mixed radix over
  /// Task::conditions (the last varies fastest); -1 with a continuous one.
  int64_t type = -1;
  /// Discrete tasks: index in Task::choices of the correct response (the
  /// choice nearest the mean target over the scored window); action tasks:
  /// the answer at the first step of the first response epoch; -1 otherwise.
  int choice = -1;

  /// The epoch step t falls in.
  size_t epochAt(int64_t t) const;
};

/// Makes trials of a task (see file comment).
class TaskGenerator {
public:
  /// `steps` > 0 stretches or shrinks the epochs proportionally to that many
  /// steps per trial (epoch boundaries rounded to the nearest step); 0 keeps
  /// the task's own timing (Task::steps()). A task with random durations
  /// keeps its own timing (the caller refuses `steps` for it).
  explicit TaskGenerator(const Task &task, int64_t steps = 0);

  const Task &task() const { return task_; }
  /// T of every trial; 0 when epoch durations are drawn per trial.
  int64_t steps() const { return steps_; }
  /// First step of epoch e (e == number of epochs gives steps()); fixed timing.
  int64_t epochStart(size_t e) const { return bounds_[e]; }

  /// Steps of a trial (as rescaled) whose output is scored (mask != 0), at
  /// most that with random durations; 0 means no trial gives a reward
  /// signal (e.g. --steps too small).
  int64_t scoredSteps() const;
  /// First scored step in the task's own timing (Task::steps()), or -1 when
  /// no epoch is scored; for messages.
  int64_t naturalScoredStart() const;

  /// Fills `out` with trial `trial` of the stream `seed` (reusing its storage).
  void generate(uint64_t seed, uint64_t trial, Trial &out) const;

private:
  void drawTiming(uint64_t s, Trial &out) const;
  void fillEpoch(size_t e, uint64_t s, Trial &out) const;

  const Task &task_;
  int64_t steps_;
  std::vector<int64_t> bounds_; // epoch boundaries, size epochs + 1
};

/// Index of the choice in `choices` nearest to `v` (Euclidean; ties go to the
/// first). `v` has choices[0].size() entries.
int nearestChoice(const std::vector<std::vector<double>> &choices, const double *v);

} // namespace plasticc::tasks

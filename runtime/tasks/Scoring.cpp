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
  if (task.actions) {
    double errorReward = s.reward;
    scoreActions(task, trial, z, s);
    if (task.reward != RewardKind::Actions)
      s.reward = errorReward; // actions judge the trial; the error rewards it
  }
  return s;
}

int readAction(const ActionSpec &actions, const double *z) {
  const size_t n = actions.names.size();
  const size_t from = actions.read == ActionSpec::Read::Threshold ? 1 : 0;
  size_t best = from;
  for (size_t a = from + 1; a < n; ++a)
    if (z[a] > z[best]) // ties (and NaNs) go to the lower action
      best = a;
  if (actions.read == ActionSpec::Read::Threshold && !(z[best] > actions.threshold))
    return 0;
  return static_cast<int>(best);
}

void scoreActions(const Task &task, const Trial &trial, const double *z, TrialScore &score) {
  const ActionSpec &spec = *task.actions;
  const int64_t O = task.outputs;
  std::vector<double> vars = trial.vars;
  const size_t tv = static_cast<size_t>(task.timeVar());
  double reward = 0;
  bool anyResponseEpoch = false, answerAlwaysFixate = true;
  score.choice = 0;
  score.correct = false;
  for (int64_t t = 0; t < trial.steps; ++t) {
    const size_t e = trial.epochAt(t);
    const Epoch &ep = task.epochs[e];
    vars[tv] = static_cast<double>(t - trial.bounds[e]) * task.dtMs;
    const int a = readAction(spec, z + t * O);
    if (ep.answer) {
      anyResponseEpoch = true;
      answerAlwaysFixate &= trial.answer[static_cast<size_t>(t)] == 0;
    }
    if (ep.fixate && a != 0) {
      reward += task.rewards.abort.eval(vars);
      if (spec.abortEndsTrial) {
        score.reward = reward;
        return;
      }
    } else if (ep.answer && a != 0) {
      score.choice = a;
      score.correct = a == trial.answer[static_cast<size_t>(t)];
      score.reward = reward + (score.correct ? task.rewards.correct : task.rewards.fail).eval(vars);
      return;
    }
  }
  score.reward = reward + task.rewards.miss.eval(vars);
  // Withholding is correct only where fixation is the answer throughout
  // (a no-go trial); NeuroGym's performance is 0 for a trial without a
  // response otherwise (ReadySetGo: a go was due).
  score.correct = anyResponseEpoch && answerAlwaysFixate;
}

} // namespace plasticc::tasks

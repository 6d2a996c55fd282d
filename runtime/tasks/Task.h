//===- runtime/tasks/Task.h - a task definition read from a TOML file -----===//
//
// Tasks are data, not C++: a TOML file names the epochs of a trial (with
// durations in ms), the time step, the input each epoch shows, the target
// and the scored window (mask), the condition variables drawn per trial, and
// the reward. This file holds the parsed definition and its loader; every
// mistake in a file (unknown key, wrong type, negative duration, a formula
// that uses an undeclared variable, ...) is reported as
// `file:line:col: error: reason` with the offending line, through the same
// DiagnosticEngine the compiler uses. docs/runtime.md documents the format.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/tasks/TaskExpr.h"
#include "support/Diagnostics.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plasticc::tasks {

/// The most steps a trial may have, from its task file or from --steps
/// (10^7: 10^4 s at dt = 1 ms); it keeps every product of step counts in
/// the generator inside int64.
constexpr int64_t kMaxSteps = 10'000'000;

/// The most trial types (combinations of the discrete conditions' values) a
/// task may have (10^6): the model's `condition` input is one-hot over them
/// and `order = "cycle"` counts through them.
constexpr int64_t kMaxTrialTypes = 1'000'000;

/// A variable drawn once per trial: one of `values` (with `weights`, uniform
/// if empty), or uniform in [lo, hi) when `continuous`.
struct Condition {
  std::string name;
  std::vector<double> values;
  std::vector<double> weights; // normalised to sum 1, or empty
  bool continuous = false;
  double lo = 0, hi = 0;
  Loc loc;
};

/// How long an epoch lasts in one trial, as NeuroGym's TrialEnv.sample_time
/// sets a period (neurogym/core.py): a fixed number of ms, a draw from a
/// distribution (uniform on [lo, hi), an exponential of mean `mean`
/// truncated to [lo, hi), or one of `values` with equal probability), or a
/// formula of the conditions and of earlier epochs' durations. A drawn
/// duration is rounded down to a multiple of dt, as NeuroGym does.
struct Duration {
  enum class Kind { Fixed, Uniform, TruncatedExponential, Choice, Formula };
  Kind kind = Kind::Fixed;
  double ms = 0;              // Fixed
  double lo = 0, hi = 0;      // Uniform, TruncatedExponential
  double mean = 0;            // TruncatedExponential
  std::vector<double> values; // Choice
  TaskExpr formula;           // Formula
  bool random() const { return kind != Kind::Fixed; }
};

/// One epoch of a trial: what the network sees and must output, and whether
/// the output is scored. `input` has Task::inputs formulas, `target`
/// Task::outputs, `inputNoise` Task::inputs (the standard deviation of the
/// Gaussian noise added to each input channel at every step of the epoch).
/// Formulas read Task::variableNames(); `t` is the time since the epoch's
/// start in ms.
struct Epoch {
  std::string name;
  Duration duration;
  double durationMs = 0; // fixed durations (0 when random)
  int64_t steps = 0;     // durationMs / dt (0 when random)
  std::vector<TaskExpr> input;
  std::vector<TaskExpr> target;
  bool targetGiven = false; // `target` written (else, with actions, one-hot of the answer)
  std::vector<TaskExpr> inputNoise;
  double mask = 0; // 1 where scored (`scored = true`), or the given weight
  /// Action tasks: a response (an action other than 0) here is an abort.
  bool fixate = false;
  /// Action tasks: the correct action at each step of a response epoch
  /// (a response here ends the trial's scoring); absent elsewhere.
  std::optional<TaskExpr> answer;
  Loc loc;
};

/// Discrete actions read from the model's outputs, one output per action
/// (action 0 is fixation), as NeuroGym's action spaces: "argmax" takes the
/// largest output; "threshold" takes the largest of outputs 1.. when it
/// exceeds `threshold`, else fixation (0).
struct ActionSpec {
  std::vector<std::string> names;
  enum class Read { Argmax, Threshold } read = Read::Argmax;
  double threshold = 0.5;
  /// NeuroGym's `abort` flag: a response during a `fixate` epoch ends the
  /// trial's scoring (false: it costs `abort` every step and goes on).
  bool abortEndsTrial = false;
  Loc loc;
};

/// NeuroGym's reward table (each a formula of Task::variableNames(), `t`
/// the time since the start of the epoch the event happens in): `correct`
/// and `fail` for the first response in a response epoch, `abort` for each
/// response in a fixate epoch, `miss` at the trial's end when nothing ended
/// it (NeuroGym's r_tmax).
struct RewardTable {
  TaskExpr correct = TaskExpr::constant(1.0);
  TaskExpr fail = TaskExpr::constant(0.0);
  TaskExpr abort = TaskExpr::constant(-0.1);
  TaskExpr miss = TaskExpr::constant(0.0);
};

/// How the runtime scores a trial from the model's output (docs/model.md
/// "One trial k"): minus the mean squared or the mean absolute error over the
/// scored window, 1/0 for a correct/incorrect trial, or the sum of the
/// reward table's entries over the trial's actions (NeuroGym's rewards).
enum class RewardKind { NegMSE, NegMAE, Correct, Actions };

/// How the trials of a lifetime pick their conditions: drawn at random per
/// trial, or every combination of the (discrete) conditions in turn, trial k
/// taking combination k mod Task::trialTypes() (Miconi 2017's DNMS cycles
/// its four trial types).
enum class TrialOrder { Random, Cycle };

/// Names of the model quantities a task talks to (the `[model]` table).
struct TaskBindingNames {
  std::string input = "u";  // model input fed with the task inputs, width Task::inputs
  std::string target = "y"; // model input fed with the target, width Task::outputs
  std::string mask = "m";   // scalar model input fed with the mask
  std::string output = "z"; // model output scored against the target
  std::string condition = "condition"; // optional model input: one-hot of the trial type
  std::string trial = "trial";         // optional scalar model input: the trial index k
};

/// A parsed task file (see file comment).
struct Task {
  std::string name;
  std::string description;
  double dtMs = 1.0;
  int64_t inputs = 0;  // I: task input channels
  int64_t outputs = 0; // O: target channels
  std::vector<Condition> conditions;
  std::vector<Epoch> epochs;
  RewardKind reward = RewardKind::NegMSE;
  /// Discrete tasks: the target vector of each possible response (Task::outputs
  /// entries each). The network's choice is the one nearest its mean output
  /// over the scored window. Empty for continuous tasks.
  std::vector<std::vector<double>> choices;
  /// A trial is correct when its error (the reward's: absolute for neg_mae,
  /// squared otherwise) is below this; NaN: correct means the nearest choice.
  double correctBelow = std::numeric_limits<double>::quiet_NaN();
  TrialOrder order = TrialOrder::Random;
  /// Action tasks (an `[actions]` table): how outputs become actions, and
  /// the reward of each; RewardKind::Actions scores by them.
  std::optional<ActionSpec> actions;
  RewardTable rewards;
  TaskBindingNames names;

  /// The file, kept for located messages about it later (e.g. when its
  /// widths do not fit a model), and the places such messages point at.
  std::shared_ptr<SourceFile> file;
  Loc inputsLoc, outputsLoc, dtLoc, modelLoc;

  /// Time steps per trial at the task's own timing: sum of epoch steps
  /// (0 when an epoch's duration is random: each trial has its own).
  int64_t steps() const;
  /// Whether some epoch's duration is drawn per trial.
  bool randomTiming() const;
  bool discrete() const { return !choices.empty(); }
  /// Whether a trial is correct or not: the task has choices, actions or a
  /// correct_below threshold.
  bool judged() const { return discrete() || actions.has_value() || !std::isnan(correctBelow); }
  /// The variables formulas read, in this order: the conditions, `dt` (ms),
  /// `t` (ms since the current epoch's start), then `dur_NAME` (ms) for each
  /// epoch NAME. Trial::vars holds their values.
  std::vector<std::string> variableNames() const;
  /// Index of `t` in variableNames(); the durations follow it.
  int32_t timeVar() const { return static_cast<int32_t>(conditions.size()) + 1; }
  /// Number of trial types: the product of the discrete conditions' value
  /// counts (1 without conditions); 0 if a condition is continuous.
  int64_t trialTypes() const;
  /// Names of the condition variables, in the order formulas index them.
  std::vector<std::string> conditionNames() const;
  /// Renders "file:line:col: error: message" plus the source line, as the
  /// loader does, for a problem found after loading ("file: error: message"
  /// when `loc` is invalid, i.e. the problem is with the file as a whole).
  std::string locatedError(Loc loc, const std::string &message) const;
};

/// Parses task text; `path` is used in messages. On failure returns nullopt
/// and `err` holds every diagnostic (file:line:col: error: ...), rendered.
std::optional<Task> parseTask(const std::string &text, const std::string &path, std::string &err);

/// Reads and parses a task file; unreadable files are an error in `err`.
std::optional<Task> loadTask(const std::string &path, std::string &err);

} // namespace plasticc::tasks

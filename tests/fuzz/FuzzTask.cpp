//===- tests/fuzz/FuzzTask.cpp - libFuzzer target over task files ---------===//
//
// Feeds arbitrary bytes to the task-file loader (tasks::parseTask: TOML,
// keys, counts, formulas) and, for every task it accepts, does what a run
// does with it: builds a TaskGenerator at the task's own timing and at a
// short --steps, generates a few trials (evaluating every formula for the
// conditions drawn) and scores them against a made-up output. Any crash,
// sanitizer report or uncaught exception is a bug: a bad file must come out
// as a located error. Built with -fsanitize=fuzzer,address,undefined (clang
// only); see README.md.
//
//===----------------------------------------------------------------------===//
#include "runtime/tasks/Scoring.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace plasticc::tasks;

/// Generates and scores `trials` trials of `task` at `steps` (0: its own
/// timing), unless one trial's arrays would pass `kMaxElements` doubles: a
/// task's widths are checked against the model's before a run generates
/// anything, so the harness, not the task, is the limit there.
void exercise(const Task &task, int64_t steps, int trials) {
  constexpr int64_t kMaxElements = 1 << 20;
  int64_t T = steps > 0 ? steps : task.steps();
  if (T <= 0 || task.inputs > kMaxElements || task.outputs > kMaxElements ||
      T > kMaxElements / (task.inputs + task.outputs + 1))
    return;
  TaskGenerator gen(task, steps);
  (void)gen.scoredSteps();
  (void)gen.naturalScoredStart();
  Trial trial;
  std::vector<double> z;
  for (int k = 0; k < trials; ++k) {
    gen.generate(/*seed=*/7, /*trial=*/static_cast<uint64_t>(k), trial);
    // Score the target itself (error 0) and a constant output.
    (void)scoreTrial(task, trial, trial.y.data());
    z.assign(trial.y.size(), 0.5);
    (void)scoreTrial(task, trial, z.data());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  std::string err;
  std::optional<Task> task = parseTask(text, "fuzz.toml", err);
  if (!task)
    return 0;
  (void)task->trialTypes();
  (void)task->conditionNames();
  (void)task->locatedError(task->dtLoc, "a message about dt");
  exercise(*task, 0, 3);
  exercise(*task, 37, 2); // a short --steps rescales every epoch
  return 0;
}

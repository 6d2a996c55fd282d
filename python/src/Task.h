//===- python/src/Task.h - a task file, for Python ------------------------===//
//
// plasticc.Task(name or path) reads a task file (runtime/tasks/Task.h;
// mistakes arrive as TaskFailure with the located diagnostics) and makes
// its trials, each a pure function of (seed, k) as in TaskGenerator.h.
// inputsFor() lays one trial out as a model's per-step input vector the
// way plasticc-meta does (meta::ModelBinding: u, y, m, and the optional
// one-hot `condition` and trial index `trial`), after checking that the
// model and the task fit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/tasks/TaskGenerator.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace plasticc::python {

/// The rendered diagnostics of a task file that does not load.
struct TaskFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A loaded task and its trial generator.
class Task {
public:
  /// Reads `path`; `steps` > 0 rescales every trial to that many steps
  /// (plasticc-meta's --steps), refused for random epoch durations.
  Task(const std::string &path, int64_t steps);

  const tasks::Task &task() const { return *task_; }
  const tasks::TaskGenerator &generator() const { return *generator_; }
  /// Trial k of the stream `seed`.
  tasks::Trial trial(uint64_t seed, uint64_t k) const;
  /// The model inputs of `trial`, T x info.inputLength, row-major; throws
  /// std::invalid_argument when the model and the task do not fit.
  std::vector<double> inputsFor(const runtime::ModelInfo &info, const tasks::Trial &trial) const;

private:
  std::unique_ptr<tasks::Task> task_;
  std::unique_ptr<tasks::TaskGenerator> generator_;
};

} // namespace plasticc::python

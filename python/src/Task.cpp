//===- python/src/Task.cpp - a task file, for Python ----------------------===//
#include "Task.h"

#include "runtime/meta/ModelBinding.h"

namespace plasticc::python {

Task::Task(const std::string &path, int64_t steps) {
  std::string err;
  std::optional<tasks::Task> task = tasks::loadTask(path, err);
  if (!task)
    throw TaskFailure(err);
  task_ = std::make_unique<tasks::Task>(std::move(*task));
  if (steps < 0 || steps > tasks::kMaxSteps)
    throw std::invalid_argument("steps must be in 0.." + std::to_string(tasks::kMaxSteps));
  if (steps > 0 && task_->randomTiming())
    throw std::invalid_argument("task '" + task_->name +
                                "' draws its epoch durations per trial: it keeps its own timing "
                                "(steps cannot be set)");
  generator_ = std::make_unique<tasks::TaskGenerator>(*task_, steps);
}

tasks::Trial Task::trial(uint64_t seed, uint64_t k) const {
  tasks::Trial out;
  generator_->generate(seed, k, out);
  return out;
}

std::vector<double> Task::inputsFor(const runtime::ModelInfo &info, const tasks::Trial &trial) const {
  std::string err;
  std::optional<meta::ModelBinding> binding = meta::ModelBinding::make(info, *task_, err);
  if (!binding)
    throw std::invalid_argument(err);
  std::vector<double> inputs(trial.steps * info.inputLength, 0.0);
  for (int64_t t = 0; t < trial.steps; ++t)
    binding->fillInputs(trial, t, inputs.data() + t * info.inputLength);
  return inputs;
}

} // namespace plasticc::python

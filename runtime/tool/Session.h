//===- runtime/tool/Session.h - a model and a task, loaded and bound ------===//
//
// What every plasticc-meta command does first, in order: find and load the
// task (its mistakes are the user's and cheap to find), load the model,
// refuse a state too big for memory, bind the two, and check that the
// task's time step is the model's `dt`. Each step reports its own failure
// with the exit code of Options.h; the loaded objects then serve training
// (MetaRun) and evaluation (EvalRun) alike.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/BackendPool.h"
#include "runtime/meta/ModelBinding.h"
#include "runtime/meta/Network.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"
#include "runtime/tool/ModelLoader.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plasticc::tool {

/// Prints "plasticc-meta: error: MESSAGE" (or a located diagnostic as it
/// is) on stderr and returns `code`.
int fail(int code, const std::string &message);

/// "1 network", "2 networks".
std::string count(int64_t n, const std::string &noun);

/// What to load.
struct SessionConfig {
  std::string model, task;
  int64_t steps = 0; // 0: the task's own timing
  bool interpret = false;
  int threads = 0;   // 0: the hardware's
  std::string estimator = "pathwise"; // LoadOptions::estimator
  std::vector<std::string> defines;   // LoadOptions::defines (-D NAME=VALUE)
  bool quiet = false;                 // -q: no note of the dims set from the task
};

/// A loaded, bound model and task (see file comment).
class Session {
public:
  /// Loads and binds; -1 to go on, else the exit code (message printed).
  int open(const SessionConfig &config);

  /// The model's declared meta values (a network drawn from `seed`); checks
  /// the model's `dt` against the task's. -1 to go on, else the exit code.
  int defaultMeta(uint64_t seed, std::vector<double> &meta) const;

  const tasks::Task &task() const { return *task_; }
  const LoadedModel &model() const { return *model_; }
  meta::BackendPool &pool() const { return *pool_; }
  const meta::ModelBinding &binding() const { return *binding_; }
  const tasks::TaskGenerator &generator() const { return *gen_; }
  const meta::NetworkRunner &runner() const { return *runner_; }
  int threads() const { return threads_; }
  const std::string &modelPath() const { return config_.model; }

private:
  int loadTaskFile();
  int loadModelFile();
  std::vector<std::string> definesForTask(const std::string &model) const;
  int bind();
  bool checkMemory(std::string &err) const;
  std::string noScoredStep() const;

  SessionConfig config_;
  std::string err_;
  std::optional<tasks::Task> task_;
  std::unique_ptr<LoadedModel> model_;
  std::unique_ptr<meta::BackendPool> pool_;
  std::optional<meta::ModelBinding> binding_;
  std::unique_ptr<tasks::TaskGenerator> gen_;
  std::unique_ptr<meta::NetworkRunner> runner_;
  int threads_ = 1;
};

} // namespace plasticc::tool

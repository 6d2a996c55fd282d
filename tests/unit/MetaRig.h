//===- tests/unit/MetaRig.h - a runner over a fake backend, for tests -----===//
//
// What the runtime's tests need to run networks without the compiler: a
// shipped task, a pool of fake backends (MetaFakes.h), the binding and
// generator between them, and the runner.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "MetaFakes.h"

#include "runtime/meta/BackendPool.h"
#include "runtime/meta/ModelBinding.h"
#include "runtime/meta/Network.h"
#include "runtime/tasks/Task.h"
#include "runtime/tasks/TaskGenerator.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace plasticc::testing {

inline tasks::Task loadShipped(const std::string &name) {
  std::string err;
  auto t = tasks::loadTask(std::string(PLASTICC_SOURCE_DIR) + "/examples/tasks/" + name + ".toml",
                           err);
  EXPECT_TRUE(t) << err;
  return std::move(*t);
}

/// Everything a runner needs, for one backend kind and one task.
struct Rig {
  tasks::Task task;
  meta::BackendPool pool;
  std::optional<meta::ModelBinding> binding;
  tasks::TaskGenerator gen;
  meta::NetworkRunner runner;

  Rig(tasks::Task t, meta::BackendPool::Factory factory, int64_t steps = 0)
      : task(std::move(t)), pool(std::move(factory)), binding(bind(pool, task)),
        gen(task, steps), runner(pool, *binding, gen) {}

  static std::optional<meta::ModelBinding> bind(meta::BackendPool &pool, const tasks::Task &task) {
    std::string err;
    auto b = meta::ModelBinding::make(pool.info(), task, err);
    EXPECT_TRUE(b) << err;
    return b;
  }
};

inline meta::BackendPool::Factory quadratic(QuadraticBackend::Options o = {}) {
  return [o]() -> std::unique_ptr<runtime::Backend> {
    return std::make_unique<QuadraticBackend>(o);
  };
}
inline meta::BackendPool::Factory referenceModel(int n, int d1) {
  return [n, d1]() -> std::unique_ptr<runtime::Backend> {
    return std::make_unique<ReferenceBackend>(n, d1);
  };
}

} // namespace plasticc::testing

//===- runtime/meta/BackendPool.h - one backend per worker thread ---------===//
//
// Networks run on worker threads, each on its own state buffer. Some
// backends keep scratch memory per instance (the reference interpreter
// does), so each worker gets its own instance from a factory; all of them
// run the same model and describe it with the same ModelInfo.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace plasticc::meta {

/// Backends of one model, made on demand, one per worker (see file comment).
class BackendPool {
public:
  using Factory = std::function<std::unique_ptr<runtime::Backend>()>;

  /// Makes the first backend at once (its info() describes the model).
  explicit BackendPool(Factory factory);

  /// The model's descriptor (of the first backend; the same for all).
  const runtime::ModelInfo &info() const { return backends_.front()->info(); }

  /// The backend of worker `worker` (made on first use); thread-safe.
  runtime::Backend &forWorker(int worker);

private:
  Factory factory_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<runtime::Backend>> backends_;
};

} // namespace plasticc::meta

//===- runtime/meta/BackendPool.cpp - per-worker backends -----------------===//
#include "runtime/meta/BackendPool.h"

namespace plasticc::meta {

BackendPool::BackendPool(Factory factory) : factory_(std::move(factory)) {
  backends_.push_back(factory_());
}

runtime::Backend &BackendPool::forWorker(int worker) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (static_cast<int>(backends_.size()) <= worker)
    backends_.push_back(factory_());
  return *backends_[static_cast<size_t>(worker)];
}

} // namespace plasticc::meta

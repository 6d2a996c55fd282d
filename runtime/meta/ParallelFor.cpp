//===- runtime/meta/ParallelFor.cpp - a counter-driven parallel loop ------===//
#include "runtime/meta/ParallelFor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace plasticc::meta {

void parallelFor(int threads, int64_t n, const std::function<void(int64_t, int)> &fn) {
  int workers = static_cast<int>(std::min<int64_t>(std::max(threads, 1), n));
  if (workers <= 1) {
    for (int64_t i = 0; i < n; ++i)
      fn(i, 0);
    return;
  }
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex errorMutex;
  auto work = [&](int worker) {
    for (int64_t i = next++; i < n && !failed; i = next++) {
      try {
        fn(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error)
          error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w)
    pool.emplace_back(work, w);
  work(0);
  for (auto &t : pool)
    t.join();
  if (error)
    std::rethrow_exception(error);
}

int defaultThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

} // namespace plasticc::meta

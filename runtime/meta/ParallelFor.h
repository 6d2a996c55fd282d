//===- runtime/meta/ParallelFor.h - run independent networks on threads ---===//
//
// The networks of a meta-iteration are independent, so they run on a few
// worker threads that take indices from a shared counter. Each index writes
// only its own result slot; the caller reduces the slots in index order
// afterwards, which is why the thread count cannot change any sum.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>

namespace plasticc::meta {

/// Calls fn(i, worker) for i in [0, n) on min(threads, n) threads (worker in
/// [0, threads)); returns when all are done. An exception thrown by fn is
/// rethrown here (the first one, after every worker has stopped).
void parallelFor(int threads, int64_t n, const std::function<void(int64_t, int)> &fn);

/// The default worker count: the hardware's, at least 1.
int defaultThreads();

} // namespace plasticc::meta

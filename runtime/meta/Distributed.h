//===- runtime/meta/Distributed.h - a loop over networks on every rank ----===//
//
// The one way the runtime runs a batch of independent networks: this rank
// runs its share of the indices (Cluster.h shareOf) on its worker threads
// (ParallelFor.h), then the ranks exchange their results (ResultCodec.h),
// so that every rank returns the whole vector in index order. The caller
// reduces it in index order, as before: neither the thread count nor the
// rank count can change a sum.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Cluster.h"
#include "runtime/meta/Network.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace plasticc::meta {

/// Runs fn(i, worker) for this rank's share of i in [0, n) on up to
/// `threads` threads, and returns the results of all n on every rank.
/// Collective: every rank calls it with the same n. Throws
/// std::runtime_error if a rank's results arrive malformed.
std::vector<NetworkResult> runNetworks(const Cluster &cluster, int threads, int64_t n,
                                       const std::function<NetworkResult(int64_t, int)> &fn);

} // namespace plasticc::meta

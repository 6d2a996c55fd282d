//===- runtime/meta/Distributed.cpp - share, run, gather ------------------===//
#include "runtime/meta/Distributed.h"

#include "runtime/meta/ParallelFor.h"
#include "runtime/meta/ResultCodec.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace plasticc::meta {

std::vector<NetworkResult> runNetworks(const Cluster &cluster, int threads, int64_t n,
                                       const std::function<NetworkResult(int64_t, int)> &fn) {
  std::vector<NetworkResult> results(static_cast<size_t>(n));
  const IndexRange mine = shareOf(n, cluster.rank(), cluster.size());
  const int workers = static_cast<int>(std::min<int64_t>(std::max(threads, 1), mine.size()));
  parallelFor(workers, mine.size(), [&](int64_t i, int worker) {
    results[static_cast<size_t>(mine.begin + i)] = fn(mine.begin + i, worker);
  });
  if (cluster.size() == 1)
    return results;
  std::vector<std::string> all = cluster.allGather(
      encodeResults(results, static_cast<size_t>(mine.begin), static_cast<size_t>(mine.size())));
  for (int r = 0; r < cluster.size(); ++r) {
    if (r == cluster.rank())
      continue;
    const IndexRange theirs = shareOf(n, r, cluster.size());
    size_t pos = 0;
    const std::string &bytes = all[static_cast<size_t>(r)];
    for (int64_t i = theirs.begin; i < theirs.end; ++i)
      if (!decodeResult(bytes, pos, results[static_cast<size_t>(i)]))
        throw std::runtime_error("the results of rank " + std::to_string(r) +
                                 " arrived malformed (network " + std::to_string(i) + ")");
    if (pos != bytes.size())
      throw std::runtime_error("rank " + std::to_string(r) + " sent more results than its share");
  }
  return results;
}

} // namespace plasticc::meta

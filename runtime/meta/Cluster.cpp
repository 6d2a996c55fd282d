//===- runtime/meta/Cluster.cpp - one process, shares, agreement ----------===//
#include "runtime/meta/Cluster.h"

#include <algorithm>
#include <cstdlib>

namespace plasticc::meta {

namespace {

class SingleProcess final : public Cluster {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> allGather(const std::string &mine) const override { return {mine}; }
  void barrier() const override {}
  void abandon(int) const override {}
};

} // namespace

const Cluster &singleProcess() {
  static const SingleProcess one;
  return one;
}

IndexRange shareOf(int64_t n, int rank, int ranks) {
  const int64_t R = std::max(ranks, 1), r = std::clamp<int64_t>(rank, 0, R - 1);
  const int64_t base = n / R, extra = n % R;
  // Ranks below `extra` run base + 1 indices, the others base.
  const int64_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

RankStatus agree(const Cluster &cluster, int code, const std::string &message) {
  if (cluster.size() == 1)
    return {0, code, message};
  // Each rank sends "CODE\nMESSAGE"; every rank picks the same one.
  std::vector<std::string> all = cluster.allGather(std::to_string(code) + "\n" + message);
  RankStatus first;
  for (int r = 0; r < static_cast<int>(all.size()); ++r) {
    const std::string &s = all[static_cast<size_t>(r)];
    size_t nl = s.find('\n');
    int c = std::atoi(s.substr(0, nl).c_str());
    if (c >= 0)
      return {r, c, nl == std::string::npos ? "" : s.substr(nl + 1)};
  }
  return first;
}

std::string shareFromRoot(const Cluster &cluster, const std::string &text) {
  if (cluster.size() == 1)
    return text;
  return cluster.allGather(cluster.rank() == 0 ? text : std::string()).front();
}

} // namespace plasticc::meta

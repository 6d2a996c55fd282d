//===- runtime/meta/Cluster.h - the processes a run is spread over --------===//
//
// A meta-iteration's networks are independent, so a run can spread them
// over processes (MPI ranks, docs/runtime.md "MPI") as well as threads.
// Every rank runs a contiguous share of the indices of each loop over
// networks, then every rank receives every other rank's results, so each
// holds the full vector and runs the same reduction and the same Adam step
// on it: the ranks' states stay identical without broadcasting them, and
// the results are those of one process bit for bit. This is the whole
// interface the runtime needs; the single-process implementation is here,
// the MPI one lives with the tool that initialises MPI (runtime/tool).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plasticc::meta {

/// The ranks of a run (see file comment). Every rank must make the same
/// sequence of calls: each call is collective.
class Cluster {
public:
  virtual ~Cluster() = default;
  /// This process's rank, in [0, size()).
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Every rank's `mine`, indexed by rank, on every rank.
  virtual std::vector<std::string> allGather(const std::string &mine) const = 0;
  /// Returns when every rank has called it.
  virtual void barrier() const = 0;
  /// Ends every rank at once with exit code `code` (MPI_Abort), for a rank
  /// that cannot reach the next collective call (out of memory); returns,
  /// doing nothing, for one process.
  virtual void abandon(int code) const = 0;
};

/// The run of one process: rank 0 of 1 (allGather returns {mine}).
const Cluster &singleProcess();

/// The indices [begin, end) of a loop that one rank runs.
struct IndexRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

/// Rank `rank`'s share of [0, n) among `ranks`: contiguous blocks in rank
/// order whose sizes differ by at most 1 (the first n mod ranks ranks get
/// one more), so concatenating the shares in rank order gives [0, n).
IndexRange shareOf(int64_t n, int rank, int ranks);

/// What one rank reports at a point where all must agree whether to go on.
struct RankStatus {
  int rank = 0;
  int code = -1;       // -1: go on; else the exit code it would stop with
  std::string message; // what it printed while failing (may be empty)
};

/// Agrees on whether to go on: every rank passes its own code (-1 to go on)
/// and message, and every rank gets the same answer: code -1 if all go on,
/// else the status of rank 0 if it stops, else of the lowest rank that
/// stops. Collective.
RankStatus agree(const Cluster &cluster, int code, const std::string &message);

/// Rank 0's `text`, on every rank (the others' `text` is ignored). Collective.
std::string shareFromRoot(const Cluster &cluster, const std::string &text);

} // namespace plasticc::meta

//===- runtime/tool/MpiCluster.cpp - Cluster over MPI_COMM_WORLD ----------===//
#include "runtime/tool/MpiCluster.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>

#if PLASTICC_HAVE_MPI
#include <mpi.h>
#endif

namespace plasticc::tool {

int launcherSize() {
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char *v = std::getenv(name))
      return std::max(0, std::atoi(v));
  return 0;
}

int launcherLocalSize() {
  for (const char *name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
    if (const char *v = std::getenv(name))
      return std::max(1, std::atoi(v));
  return 1;
}

#if PLASTICC_HAVE_MPI

bool builtWithMpi() { return true; }

namespace {

/// MPI_COMM_WORLD. Errors are fatal (MPI's default): a failed collective
/// ends the job, and mpirun names the rank.
class MpiCluster final : public meta::Cluster {
public:
  MpiCluster(int rank, int size) : rank_(rank), size_(size) {}
  ~MpiCluster() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> allGather(const std::string &mine) const override {
    uint64_t n = mine.size();
    std::vector<uint64_t> sizes(static_cast<size_t>(size_));
    MPI_Allgather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    std::vector<std::string> all(static_cast<size_t>(size_));
    uint64_t total = 0;
    for (int r = 0; r < size_; ++r) {
      all[static_cast<size_t>(r)].resize(sizes[static_cast<size_t>(r)]);
      total += sizes[static_cast<size_t>(r)];
    }
    if (total <= INT_MAX)
      gatherv(mine, sizes, all);
    else
      broadcastEach(mine, all);
    return all;
  }

  void barrier() const override { MPI_Barrier(MPI_COMM_WORLD); }
  void abandon(int code) const override { MPI_Abort(MPI_COMM_WORLD, code); }

private:
  /// The common case: everything fits MPI's int counts, one Allgatherv.
  void gatherv(const std::string &mine, const std::vector<uint64_t> &sizes,
               std::vector<std::string> &all) const {
    std::vector<int> counts(static_cast<size_t>(size_)), offsets(counts.size());
    int at = 0;
    for (size_t r = 0; r < counts.size(); ++r) {
      counts[r] = static_cast<int>(sizes[r]);
      offsets[r] = at;
      at += counts[r];
    }
    std::string flat(static_cast<size_t>(at), '\0');
    MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, flat.data(),
                   counts.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
    for (size_t r = 0; r < counts.size(); ++r)
      all[r].assign(flat, static_cast<size_t>(offsets[r]), static_cast<size_t>(counts[r]));
  }

  /// Past 2^31 bytes in all: each rank's buffer broadcast from it, in
  /// chunks MPI's int counts can hold.
  void broadcastEach(const std::string &mine, std::vector<std::string> &all) const {
    constexpr size_t kChunk = size_t(1) << 30;
    all[static_cast<size_t>(rank_)] = mine;
    for (int r = 0; r < size_; ++r) {
      std::string &buf = all[static_cast<size_t>(r)];
      for (size_t at = 0; at < buf.size(); at += kChunk)
        MPI_Bcast(buf.data() + at, static_cast<int>(std::min(kChunk, buf.size() - at)), MPI_BYTE,
                  r, MPI_COMM_WORLD);
    }
  }

  int rank_, size_;
};

} // namespace

std::unique_ptr<meta::Cluster> startMpi(int &argc, char **&argv, int launched, std::string &err) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto cluster = std::make_unique<MpiCluster>(rank, size);
  if (provided < MPI_THREAD_FUNNELED) {
    err = "this MPI library does not allow threads (MPI_THREAD_FUNNELED); plasticc-meta runs "
          "networks on worker threads within each rank";
    return nullptr; // MPI_Finalize runs as the cluster goes
  }
  if (launched > 1 && size != launched) {
    err = "started as " + std::to_string(launched) + " processes, but MPI sees " +
          std::to_string(size) + ": the launcher belongs to another MPI than the one this "
          "plasticc-meta was built with; launch it with that MPI's mpirun (Open MPI's on Debian)";
    return nullptr;
  }
  return cluster;
}

#else

bool builtWithMpi() { return false; }

std::unique_ptr<meta::Cluster> startMpi(int &, char **&, int, std::string &err) {
  err = "this plasticc-meta was built without MPI";
  return nullptr;
}

#endif

} // namespace plasticc::tool

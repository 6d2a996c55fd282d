//===- runtime/tool/plasticc-meta.cpp - the plasticc-meta tool ------------===//
//
// Entry point: start MPI if an MPI launcher started this process
// (MpiCluster.h), parse the command line (Options.h) and run the job
// (MetaRun.h) on this rank. docs/runtime.md is the user's manual.
//
//===----------------------------------------------------------------------===//
#include "runtime/meta/ParallelFor.h"
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/MpiCluster.h"
#include "runtime/tool/Options.h"
#include "runtime/tool/Ranks.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <new>

namespace {

/// Parses and runs on this rank; the exit code is the same on every rank.
int runRank(int argc, char **argv, plasticc::tool::Ranks &ranks) {
  using namespace plasticc::tool;
  Options options;
  int code = ranks.settle(parseOptions(argc, argv, options));
  if (code >= 0)
    return code;
  if (!ranks.lead())
    options.quiet = true; // rank 0 draws the progress and prints the table
  if (options.threads == 0 && ranks.size() > 1) // the node's cores, shared by its ranks
    options.threads = std::max(1, plasticc::meta::defaultThreads() / launcherLocalSize());
  try {
    return runMeta(options, ranks);
  } catch (const std::bad_alloc &) {
    // Last resort: runMeta refuses states too big for memory before it
    // allocates them, but other allocations (scratch arrays, logs) can fail.
    std::cerr << "plasticc-meta: error: out of memory (the model or the run does not fit in this "
                 "machine's memory; try fewer --threads or a smaller model)\n";
    ranks.cluster().abandon(ExitUsage); // the other ranks wait in a collective call
    return ExitUsage;
  }
}

} // namespace

int main(int argc, char **argv) {
  using namespace plasticc;
  const int launched = tool::launcherSize();
  if (launched > 1 && !tool::builtWithMpi()) {
    // Each copy would run the whole job alone, all writing one --out.
    std::cerr << "plasticc-meta: error: started as one of " << launched
              << " processes (by mpirun or another MPI launcher), but this plasticc-meta was "
                 "built without MPI; rebuild with MPI (libopenmpi-dev; CMake option "
                 "PLASTICC_MPI) or run it without mpirun\n";
    return tool::ExitUsage;
  }
  std::unique_ptr<meta::Cluster> mpi;
  if (launched > 0 && tool::builtWithMpi()) {
    std::string err;
    if (!(mpi = tool::startMpi(argc, argv, launched, err))) {
      std::cerr << "plasticc-meta: error: " << err << '\n';
      return tool::ExitUsage;
    }
  }
  int code;
  {
    tool::Ranks ranks(mpi ? *mpi : meta::singleProcess());
    code = runRank(argc, argv, ranks);
  }
  mpi.reset(); // MPI_Finalize
  return code;
}

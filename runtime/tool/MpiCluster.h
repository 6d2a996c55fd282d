//===- runtime/tool/MpiCluster.h - the ranks of an mpirun launch ----------===//
//
// plasticc-meta alone initialises MPI, in its main, and only when an MPI
// launcher started it (a plain run stays a plain process: no MPI start-up,
// nothing changes). Only the main thread calls MPI (MPI_THREAD_FUNNELED):
// worker threads run networks and never communicate. A build without MPI
// (CMake found none, or PLASTICC_MPI=OFF) that finds itself launched as
// several processes refuses to run rather than let each copy run the
// whole job alone.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Cluster.h"

#include <memory>
#include <string>

namespace plasticc::tool {

/// How many processes an MPI launcher started, from its environment
/// (OMPI_COMM_WORLD_SIZE of Open MPI's mpirun, PMI_SIZE of MPICH's and of
/// Slurm's PMI); 0 when none did.
int launcherSize();

/// How many of those processes run on this node (OMPI_COMM_WORLD_LOCAL_SIZE,
/// MPICH's MPI_LOCALNRANKS); 1 when the launcher does not say.
int launcherLocalSize();

/// Whether this plasticc-meta was built with MPI.
bool builtWithMpi();

/// Initialises MPI and returns its world as a Cluster (MPI_Finalize when it
/// is destroyed); nullptr and `err` when this build has no MPI, or MPI's
/// world does not have the `launched` processes the launcher started (a
/// launcher of another MPI than the build's).
std::unique_ptr<meta::Cluster> startMpi(int &argc, char **&argv, int launched, std::string &err);

} // namespace plasticc::tool

//===- runtime/tool/Ranks.h - what each rank of plasticc-meta does --------===//
//
// Under mpirun every rank loads the model and the task and runs its share
// of the networks (meta/Cluster.h); rank 0 alone claims --out, writes the
// log, checkpoints, rule, evaluation and plots, and talks to the user.
// The other ranks' messages are held back: wherever the ranks must agree
// whether to go on (after each step of the job, after each meta-iteration),
// a rank that stops passes its message to rank 0, which prints it once,
// and every rank exits with the same code. A rank that dies cannot agree:
// mpirun then names it and stops the others, and rank 0, stopped by
// SIGTERM, says where the last checkpoint is so that the run resumes; if
// rank 0 is the one that died, rank 1 says it, when it runs on the same
// node (it checks rank 0's PID; across nodes it cannot tell, and only
// mpirun's message names the rank).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Cluster.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <sstream>
#include <streambuf>
#include <string>

namespace plasticc::tool {

/// This process's place in a run (see file comment). One per process.
class Ranks {
public:
  /// On a rank other than 0, holds back what is written to std::cerr and
  /// std::cout; on rank 0 of several, installs the SIGTERM message.
  explicit Ranks(const meta::Cluster &cluster);
  ~Ranks();
  Ranks(const Ranks &) = delete;
  Ranks &operator=(const Ranks &) = delete;

  const meta::Cluster &cluster() const { return cluster_; }
  int size() const { return cluster_.size(); }
  /// Rank 0: the one that writes and prints.
  bool lead() const { return cluster_.rank() == 0; }

  /// Agrees with the other ranks whether to go on (-1) or stop with an exit
  /// code (meta::agree); when another rank stops and rank 0 does not,
  /// rank 0 prints that rank's message. Collective.
  int settle(int code);

  /// What in `mine` (a run's identity: model and task hashes, seed,
  /// settings) differs from rank 0's, as "model_hash, seed"; "" when the
  /// same. Every rank must load the same files with the same options, or
  /// the gathered results would mix two runs. Collective.
  std::string differsFromLead(const nlohmann::json &mine) const;

  /// Remembers the last complete checkpoint (rank 0 has written it), for
  /// the message printed if the run is stopped by SIGTERM.
  void noteCheckpoint(const std::string &path, int64_t iteration, int64_t total);
  /// The run is evaluating: training is complete at `path`.
  void noteEvaluating(const std::string &path, bool training);

private:
  const meta::Cluster &cluster_;
  std::ostringstream held_;            // a non-zero rank's messages
  std::streambuf *cerr_ = nullptr, *cout_ = nullptr;
};

/// The message rank 0 prints when SIGTERM stops it (mpirun sends it to every
/// rank when one fails or is lost, or when the job is cancelled), given
/// where the run stands.
std::string stoppedMessage(const std::string &state);

} // namespace plasticc::tool

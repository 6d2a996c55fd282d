//===- runtime/meta/Checkpoint.h - saving and resuming a meta-training run ===//
//
// A checkpoint is everything a run needs to continue to the same final
// result as if it had never stopped: the meta vector, Adam's moments and
// step count, the log so far, and the settings that must not change on
// resume (a different batch or seed would be a different run). Seeds are
// derived from the run seed and the iteration (Seeds.h), so no generator
// state needs saving. It is JSON, written to a temporary file in the same
// directory and renamed over the old one, so a crash mid-write never leaves
// a torn checkpoint. Doubles are written in the shortest form that reads
// back to the same bits (nlohmann's serializer), so nothing is rounded.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/MetaLearner.h"
#include "support/Files.h"

#include <nlohmann/json_fwd.hpp>

#include <limits>
#include <optional>
#include <string>

namespace plasticc::meta {

/// The settings a resumed run must share with the one that wrote the
/// checkpoint (the total iteration count may grow).
struct RunIdentity {
  std::string modelName, modelHash;
  std::string taskName, taskHash;
  int64_t batch = 0, trials = 0, steps = 0;
  uint64_t seed = 0;
  AdamConfig adam;
  double weightBound = 0;
  std::string onDivergence;
  std::string frozen; // frozen meta scalars, comma-separated ("" if none)
  std::string estimator = "pathwise"; // --estimator
  std::string reward = "model";       // --reward
  std::string scoreBaseline = "batch"; // --score-baseline (score estimator)
  int64_t curriculum = 0;              // --curriculum (0: off)
  bool normalizeGradient = false;      // --normalize-grad
  double weightChangePenalty = 0;      // --weight-change-penalty
  /// --divergence-penalty with --on-divergence penalize (NaN: the floor).
  double divergencePenalty = std::numeric_limits<double>::quiet_NaN();
  double esSigma = 0;                  // --es-sigma with --estimator es (0: another estimator)
  std::string esShaping;               // --es-shaping with --estimator es ("": another)
  /// Empty if `other` may continue this run; else the first difference,
  /// e.g. "--batch is 8 but the checkpoint was made with 4".
  std::string mismatch(const RunIdentity &other) const;
};

/// The identity as JSON (the checkpoint's "identity", rule.json's "provenance").
nlohmann::json toJson(const RunIdentity &id);

/// A saved run.
struct Checkpoint {
  RunIdentity identity;
  int64_t totalIterations = 0;
  TrainingState state;
};

/// Writes `cp` to `path` atomically (temporary file + rename); false and
/// `err` on failure (the old checkpoint, if any, is then untouched).
bool writeCheckpoint(const std::string &path, const Checkpoint &cp, std::string &err);

/// Reads a checkpoint; nullopt and `err` if missing, unreadable or malformed.
std::optional<Checkpoint> readCheckpoint(const std::string &path, std::string &err);

/// The same from the text of the file `path` (read elsewhere: under MPI,
/// rank 0 reads it and the other ranks receive its text).
std::optional<Checkpoint> parseCheckpoint(const std::string &text, const std::string &path,
                                          std::string &err);

/// The file helpers live in support/Files.h; the runtime calls them as its own.
using plasticc::readFile;
using plasticc::writeFileAtomically;

/// A stable 64-bit hash of some text (FNV-1a), as 16 hex digits.
std::string textHash(const std::string &text);

} // namespace plasticc::meta

//===- runtime/tool/MetaRun.h - one invocation of plasticc-meta -----------===//
//
// The job behind the command line, in order: find and load the task, load
// the model, check that they fit, meta-train (fresh or resumed from the
// checkpoint in --out), write the log, checkpoints, the learned rule, the
// evaluation against the baselines on held-out networks, and the plots.
// Each step reports its own failures with the exit code of Options.h.
// Under mpirun every rank takes every step and runs its share of the
// networks; rank 0 alone writes (Ranks.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/tool/Options.h"
#include "runtime/tool/Ranks.h"

#include <functional>
#include <string>

namespace plasticc::tool {

/// Asked after every meta-iteration whether to stop there (the Python
/// package asks Python whether Ctrl-C was pressed). A run asked to stop
/// saves its checkpoint, log and rule, skips the evaluation and returns
/// ExitInterrupted; --resume continues it.
using StopRequest = std::function<bool()>;

/// Runs plasticc-meta with parsed options on this process's rank (every
/// rank calls it; Ranks.h); returns the exit code, the same on every rank.
int runMeta(const Options &options, Ranks &ranks, StopRequest stop = {});

/// Finds a task: an existing file as given, else NAME.toml among the shipped
/// tasks ($PLASTICC_TASKS_DIR, then examples/tasks of the source tree).
/// Empty and a message in `err` (listing the known names) if none fits.
std::string resolveTask(const std::string &nameOrFile, std::string &err);

} // namespace plasticc::tool

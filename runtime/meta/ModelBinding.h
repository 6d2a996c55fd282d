//===- runtime/meta/ModelBinding.h - how a task plugs into a model --------===//
//
// A model sees a task only through its quantity table (runtime/Backend.h):
// the task's inputs, target and mask go to the model inputs named in the
// task's [model] table (by default u, y, m; optionally `condition`, the
// one-hot trial type, and `trial`, the trial index), the score is read from its
// output (z), and the meta parameters are the model's `meta` quantities,
// flattened row-major in declaration order (the order of the C ABI's meta
// vector). This file checks that the two fit, with located messages that
// name both sides, and gives names to meta scalars ("theta[1,1]") and
// element offsets to the quantities the runtime watches for divergence.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/tasks/TaskGenerator.h"

#include <optional>
#include <string>
#include <vector>

namespace plasticc::meta {

/// One meta quantity and where its scalars sit in the flat meta vector.
struct MetaEntry {
  std::string name;
  std::vector<int64_t> shape;
  int64_t offset = 0; // first scalar in the flat meta vector
  int64_t count = 1;
  const runtime::QuantityInfo *quantity = nullptr;
};

/// The checked link between a model and a task (see file comment). State
/// values are doubles (the backends' f64 layout, dialect/Layout.h).
class ModelBinding {
public:
  /// Binds `task` to the model `info`; on mismatch returns nullopt with a
  /// message in `err` (located in the task file where it points at a width).
  static std::optional<ModelBinding> make(const runtime::ModelInfo &info, const tasks::Task &task,
                                          std::string &err);

  const runtime::ModelInfo &info() const { return *info_; }
  const tasks::Task &task() const { return *task_; }

  /// P: the number of meta scalars.
  int64_t metaScalars() const { return metaScalars_; }
  const std::vector<MetaEntry> &metaEntries() const { return meta_; }
  /// Name of meta scalar k: "theta[1,2]", or "eta" for a scalar meta.
  std::string metaScalarName(int64_t k) const;
  /// Flat index of a meta scalar named like "theta[1,1]" (or "eta"); -1 if
  /// the model has no such scalar.
  int64_t metaIndex(const std::string &name) const;

  /// Fills the model's per-step input vector (info().inputLength doubles)
  /// for step t of `trial`.
  void fillInputs(const tasks::Trial &trial, int64_t t, double *inputs) const;
  /// Copies the model output (task.outputs doubles) out of `state`.
  void readOutput(const void *state, double *z) const;
  /// Where that output starts among all outputs of a step in
  /// Backend::runTrial's outputs (elements).
  int64_t outputColumn() const { return outputColumn_; }
  /// Reads / overwrites the meta vector held in a state.
  void readMeta(const void *state, double *meta) const;
  /// A scalar param of the model, or nullptr (e.g. "eta", "dt").
  const runtime::QuantityInfo *scalarParam(const std::string &name) const;

  /// Quantities that persist or evolve (state, weight, trace, baseline,
  /// output): what the divergence check scans after each trial.
  const std::vector<const runtime::QuantityInfo *> &watched() const { return watched_; }

private:
  const runtime::ModelInfo *info_ = nullptr;
  const tasks::Task *task_ = nullptr;
  std::vector<MetaEntry> meta_;
  int64_t metaScalars_ = 0;
  int64_t inputAt_ = -1, targetAt_ = -1, maskAt_ = -1; // element offsets in the inputs
  int64_t conditionAt_ = -1, trialAt_ = -1;            // optional: trial type, trial index
  int64_t outputByte_ = -1;
  int64_t outputColumn_ = 0;
  std::vector<const runtime::QuantityInfo *> watched_;
};

/// "W[3,17]" for element k of a quantity of that shape ("R" for a scalar).
std::string elementName(const std::string &name, const std::vector<int64_t> &shape, int64_t k);

} // namespace plasticc::meta

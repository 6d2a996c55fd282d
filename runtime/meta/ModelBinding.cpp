//===- runtime/meta/ModelBinding.cpp - checking a task against a model ----===//
#include "runtime/meta/ModelBinding.h"

#include <cstring>

namespace plasticc::meta {

std::string elementName(const std::string &name, const std::vector<int64_t> &shape, int64_t k) {
  if (shape.empty())
    return name;
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = k % shape[d];
    k /= shape[d];
  }
  std::string s = name + "[";
  for (size_t d = 0; d < idx.size(); ++d)
    s += (d ? "," : "") + std::to_string(idx[d]);
  return s + "]";
}

namespace {
std::string shapeText(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "a scalar";
  std::string s = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    s += (d ? "," : "") + std::to_string(shape[d]);
  return s + "]";
}

/// Checks that model input or output `q` has `width` elements.
bool checkWidth(const tasks::Task &task, const runtime::ModelInfo &info,
                const runtime::QuantityInfo &q, int64_t width, Loc loc, const std::string &taskSide,
                std::string &err) {
  if (q.numElements() == width)
    return true;
  err = task.locatedError(loc, taskSide + " but model '" + info.name + "' declares " + q.kind + " '" +
                                   q.name + "' with shape " + shapeText(q.shape) + " (" +
                                   std::to_string(q.numElements()) + " elements)");
  return false;
}

/// The condition input is a one-hot of the trial type: one element per
/// combination of the task's discrete conditions.
bool checkCondition(const tasks::Task &task, const runtime::ModelInfo &info,
                    const runtime::QuantityInfo &q, std::string &err) {
  for (const tasks::Condition &c : task.conditions)
    if (c.continuous) {
      err = task.locatedError(c.loc, "condition '" + c.name + "' is continuous, so trials have "
                                     "no type to feed model input '" + q.name + "' (a one-hot of "
                                     "the trial type needs conditions with lists of values)");
      return false;
    }
  std::string combos;
  for (const tasks::Condition &c : task.conditions)
    combos += (combos.empty() ? "" : " x ") + c.name + " (" + std::to_string(c.values.size()) + ")";
  Loc at = task.conditions.empty() ? task.modelLoc : task.conditions.front().loc;
  return checkWidth(task, info, q, task.trialTypes(), at,
                    "task has " + std::to_string(task.trialTypes()) +
                        (task.trialTypes() == 1 ? " trial type" : " trial types") +
                        (combos.empty() ? std::string(" (no conditions)") : ": " + combos),
                    err);
}
} // namespace

std::optional<ModelBinding> ModelBinding::make(const runtime::ModelInfo &info,
                                               const tasks::Task &task, std::string &err) {
  ModelBinding b;
  b.info_ = &info;
  b.task_ = &task;
  const tasks::TaskBindingNames &n = task.names;
  for (const runtime::QuantityInfo &q : info.quantities) {
    if (q.kind == "meta") {
      b.meta_.push_back({q.name, q.shape, b.metaScalars_, q.numElements(), &q});
      b.metaScalars_ += q.numElements();
    } else if (q.kind == "input") {
      if (q.name == n.input) {
        if (!checkWidth(task, info, q, task.inputs, task.inputsLoc,
                        "task has inputs = " + std::to_string(task.inputs), err))
          return std::nullopt;
        b.inputAt_ = q.offset;
      } else if (q.name == n.target) {
        if (!checkWidth(task, info, q, task.outputs, task.outputsLoc,
                        "task has outputs = " + std::to_string(task.outputs) + " (its target)",
                        err))
          return std::nullopt;
        b.targetAt_ = q.offset;
      } else if (q.name == n.mask) {
        if (!checkWidth(task, info, q, 1, task.modelLoc, // invalid: about the whole file
                        "the task's mask is one number per step", err))
          return std::nullopt;
        b.maskAt_ = q.offset;
      } else if (q.name == n.condition) {
        if (!checkCondition(task, info, q, err))
          return std::nullopt;
        b.conditionAt_ = q.offset;
      } else if (q.name == n.trial) {
        if (!checkWidth(task, info, q, 1, task.modelLoc,
                        "the trial index is one number per step", err))
          return std::nullopt;
        b.trialAt_ = q.offset;
      } else {
        err = "model '" + info.name + "' has input '" + q.name + "' that task '" + task.name +
              "' does not provide (the task feeds '" + n.input + "', '" + n.target + "', '" +
              n.mask + "', '" + n.condition + "' (the trial type, one-hot) and '" + n.trial +
              "' (the trial index); rename them in the task's [model] table)";
        return std::nullopt;
      }
    } else if (q.kind == "output" && q.name == n.output) {
      if (!checkWidth(task, info, q, task.outputs, task.outputsLoc,
                      "task has outputs = " + std::to_string(task.outputs), err))
        return std::nullopt;
      b.outputByte_ = q.offset;
    } else if (q.kind == "output" && b.outputByte_ < 0) {
      b.outputColumn_ += q.numElements(); // an output declared before the scored one
    }
    if (q.kind == "state" || q.kind == "weight" || q.kind == "trace" || q.kind == "baseline" ||
        q.kind == "output")
      b.watched_.push_back(&q);
  }
  if (task.inputs > 0 && b.inputAt_ < 0) {
    err = task.locatedError(task.inputsLoc, "task has inputs = " + std::to_string(task.inputs) +
                                                " but model '" + info.name + "' has no input '" +
                                                n.input + "'");
    return std::nullopt;
  }
  if (b.outputByte_ < 0) {
    err = "model '" + info.name + "' has no output '" + n.output + "' to score (task '" +
          task.name + "'; name another in the task's [model] table)";
    return std::nullopt;
  }
  if (b.metaScalars_ != info.metaScalars) {
    err = "model '" + info.name + "' describes " + std::to_string(info.metaScalars) +
          " meta scalars but its meta quantities hold " + std::to_string(b.metaScalars_);
    return std::nullopt;
  }
  return b;
}

std::string ModelBinding::metaScalarName(int64_t k) const {
  for (const MetaEntry &e : meta_)
    if (k >= e.offset && k < e.offset + e.count)
      return elementName(e.name, e.shape, k - e.offset);
  return "meta[" + std::to_string(k) + "]";
}

int64_t ModelBinding::metaIndex(const std::string &name) const {
  for (int64_t k = 0; k < metaScalars_; ++k)
    if (metaScalarName(k) == name)
      return k;
  return -1;
}

void ModelBinding::fillInputs(const tasks::Trial &trial, int64_t t, double *inputs) const {
  const int64_t I = task_->inputs, O = task_->outputs;
  std::memset(inputs, 0, sizeof(double) * static_cast<size_t>(info_->inputLength));
  if (inputAt_ >= 0)
    std::memcpy(inputs + inputAt_, trial.u.data() + t * I, sizeof(double) * I);
  if (targetAt_ >= 0)
    std::memcpy(inputs + targetAt_, trial.y.data() + t * O, sizeof(double) * O);
  if (maskAt_ >= 0)
    inputs[maskAt_] = trial.m[t];
  if (conditionAt_ >= 0 && trial.type >= 0)
    inputs[conditionAt_ + trial.type] = 1.0;
  if (trialAt_ >= 0)
    inputs[trialAt_] = static_cast<double>(trial.index);
}

void ModelBinding::readOutput(const void *state, double *z) const {
  std::memcpy(z, static_cast<const char *>(state) + outputByte_,
              sizeof(double) * static_cast<size_t>(task_->outputs));
}

void ModelBinding::readMeta(const void *state, double *meta) const {
  for (const MetaEntry &e : meta_)
    std::memcpy(meta + e.offset, static_cast<const char *>(state) + e.quantity->offset,
                sizeof(double) * static_cast<size_t>(e.count));
}

const runtime::QuantityInfo *ModelBinding::scalarParam(const std::string &name) const {
  const runtime::QuantityInfo *q = info_->find(name);
  return q && q->kind == "param" && q->shape.empty() ? q : nullptr;
}

} // namespace plasticc::meta

//===- compiler/transforms/Activity.cpp - which values depend on meta -----===//
#include "compiler/transforms/Activity.h"

namespace plasticc::transforms {

using ir::Op;
using ir::OpFamily;
using ir::OpKind;
using ir::QuantityKind;

bool isDifferentiable(const Op &op) {
  switch (ir::family(op.kind)) {
  case OpFamily::Unary:
    if (!ir::hasDerivative(op.kind)) // step, sign, floor, ceil
      return false;
    return op.kind != OpKind::Powi || (!op.attrs.ints.empty() && op.attrs.ints[0] != 0);
  case OpFamily::Binary:
  case OpFamily::Ternary:
  case OpFamily::Linalg:
  case OpFamily::Shape:
    return true;
  case OpFamily::Reduce:
    return op.kind == OpKind::Sum;
  case OpFamily::Leaf: // reads are handled by the analysis itself
  case OpFamily::Compare:
  case OpFamily::Random:
  case OpFamily::Effect:
    return false;
  }
  return false;
}

bool carriesTangent(const Op &op, size_t operandIndex) {
  return !(op.kind == OpKind::Select && operandIndex == 0);
}

namespace {

/// One sweep over `region` in program order. Returns true when a quantity
/// newly gets a tangent (the fixed-point iteration must go on).
bool sweep(const ir::Region &region, bool isInit, Activity &act, const DataSet &data) {
  bool changed = false;
  for (const auto &owned : region.ops) {
    Op *op = owned.get();
    PLASTICC_INTERNAL_ASSERT(op->kind != OpKind::ReadTangent && op->kind != OpKind::WriteTangent,
                             "activity analysis of a module that already has tangents");
    if (op->kind == OpKind::Read) {
      // Initial values get no tangents, so in init only meta reads are active.
      if (op->quantity->kind == QuantityKind::Meta || (!isInit && op->quantity->hasTangent))
        act.active.insert(op);
      continue;
    }
    if (op->kind == OpKind::Write) {
      ir::Quantity *q = op->quantity;
      if (!isInit && act.isActive(op->operands[0]) && !q->hasTangent &&
          !data.quantities.count(q)) {
        q->hasTangent = true;
        changed = true;
      }
      continue;
    }
    if (!isDifferentiable(*op))
      continue;
    for (size_t i = 0; i < op->operands.size(); ++i)
      if (carriesTangent(*op, i) && act.isActive(op->operands[i]) &&
          !data.samples.count(op->operands[i])) {
        act.active.insert(op);
        break;
      }
  }
  return changed;
}

} // namespace

Activity analyzeActivity(ir::Module &module, const DataSet &data) {
  PLASTICC_INTERNAL_ASSERT(module.lanes == 0, "activity analysis runs before tangents exist");
  Activity act;
  for (auto &q : module.quantities)
    if (q->kind == QuantityKind::Meta)
      q->hasTangent = true;
  // Monotone (activity only grows), so this terminates after at most one
  // extra sweep per quantity.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const ir::Region *r : {&module.trial, &module.step, &module.reward})
      changed = sweep(*r, /*isInit=*/false, act, data) || changed;
  }
  sweep(module.init, /*isInit=*/true, act, data);
  return act;
}

} // namespace plasticc::transforms

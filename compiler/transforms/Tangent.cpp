//===- compiler/transforms/Tangent.cpp - forward-mode tangents of a model -===//
#include "compiler/transforms/Tangent.h"

#include "compiler/transforms/Activity.h"
#include "compiler/transforms/TangentRules.h"
#include "dialect/Builder.h"

#include <unordered_map>

namespace plasticc::transforms {

using ir::Op;
using ir::OpKind;
using ir::QuantityKind;

namespace {

/// Reports each init-region write of a meta-dependent value to a quantity
/// other than a meta parameter (whose default it is). Returns false if any.
bool checkInitialValues(const ir::Module &m, DiagnosticEngine &diag, const OpLocator &locate) {
  // For each value: the first meta quantity it depends on, if any.
  std::unordered_map<const Op *, const ir::Quantity *> source;
  bool ok = true;
  for (const auto &owned : m.init.ops) {
    const Op *op = owned.get();
    if (op->kind == OpKind::Read && op->quantity->kind == QuantityKind::Meta) {
      source[op] = op->quantity;
      continue;
    }
    const ir::Quantity *from = nullptr;
    for (const Op *o : op->operands)
      if (auto it = source.find(o); it != source.end() && !from)
        from = it->second;
    if (!from)
      continue;
    if (op->kind != OpKind::Write) {
      source[op] = from;
      continue;
    }
    if (op->quantity->kind == QuantityKind::Meta)
      continue;
    Loc where = locate ? locate(*op) : op->loc.valid() ? op->loc : op->quantity->loc;
    diag.error(where, "the initial value of '" + op->quantity->name +
                          "' depends on meta parameter '" + from->name +
                          "'; initial values are not differentiated, so its gradient would "
                          "be wrong (use '" + from->name + "' in the step or the reward event)");
    ok = false;
  }
  return ok;
}

/// Rewrites one region copy-on-write: every primal op is kept, in order, and
/// the tangent ops of an active op are appended right after it, so reads
/// and writes of tangents interleave with those of values exactly as the
/// primal reads and writes do.
void rewriteRegion(ir::Module &m, ir::Region &region, const Activity &act) {
  std::vector<std::unique_ptr<Op>> old = std::move(region.ops);
  region.ops.clear();
  region.ops.reserve(2 * old.size());
  ir::Builder b(m, region);
  TangentEmitter emitter(b, m.lanes);
  std::unordered_map<const Op *, Op *> tangent;
  auto tangentOf = [&](const Op *v) -> Op * {
    auto it = tangent.find(v);
    return it == tangent.end() ? nullptr : it->second;
  };

  for (auto &owned : old) {
    Op *op = owned.get();
    b.setLoc(op->loc);
    if (op->kind == OpKind::Ret) {
      // dR is built before the ret, which then returns both.
      if (&region == &m.reward && !op->operands.empty()) {
        Op *dR = tangentOf(op->operands[0]);
        op->operands.push_back(dR ? dR : emitter.zero(ir::Type::scalar()));
      }
      region.ops.push_back(std::move(owned));
      continue;
    }
    region.ops.push_back(std::move(owned));
    if (op->kind == OpKind::Read) {
      if (act.isActive(op))
        tangent[op] = b.readTangent(op->quantity, op->name.empty() ? "" : "d." + op->name);
    } else if (op->kind == OpKind::Write) {
      if (op->quantity->hasTangent) {
        Op *t = tangentOf(op->operands[0]);
        b.writeTangent(op->quantity, t ? t : emitter.zero(op->quantity->type));
      }
    } else if (act.isActive(op)) {
      std::vector<Op *> ts;
      ts.reserve(op->operands.size());
      for (size_t i = 0; i < op->operands.size(); ++i)
        ts.push_back(carriesTangent(*op, i) ? tangentOf(op->operands[i]) : nullptr);
      tangent[op] = emitter.emit(*op, ts);
    }
  }
}

} // namespace

bool computeTangents(ir::Module &module, DiagnosticEngine &diag, const OpLocator &locate) {
  if (module.lanes > 0)
    return true; // already differentiated
  int64_t p = module.numMetaScalars();
  if (p == 0)
    return true;
  Activity act = analyzeActivity(module);
  if (!checkInitialValues(module, diag, locate))
    return false;
  module.lanes = p;
  for (ir::Region *r : {&module.trial, &module.step, &module.reward})
    rewriteRegion(module, *r, act);
  return true;
}

} // namespace plasticc::transforms

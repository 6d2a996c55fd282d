//===- compiler/transforms/Tangent.cpp - forward-mode tangents of a model -===//
#include "compiler/transforms/Tangent.h"

#include "compiler/transforms/Activity.h"
#include "compiler/transforms/NoiseTerms.h"
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

/// The score of one sampled update x = mu + sign * s * xi, given dmu (the
/// tangent of the value written: x and the noise term are data):
/// sum_i (sign * xi_i / s_i) dmu_i, a scalar with P lanes.
Op *scoreOf(ir::Builder &b, const NoiseTerm &t, Op *dmu) {
  Op *xi = const_cast<Op *>(t.noise), *s = const_cast<Op *>(t.scale);
  Op *factor = !s ? xi : t.divided ? b.binary(OpKind::Mul, xi, s) : b.binary(OpKind::Div, xi, s);
  if (t.negated)
    factor = b.unary(OpKind::Neg, factor);
  return b.reduce(OpKind::Sum, b.binary(OpKind::Mul, factor, dmu));
}

/// Rewrites one region copy-on-write: every primal op is kept, in order, and
/// the tangent ops of an active op are appended right after it, so reads
/// and writes of tangents interleave with those of values exactly as the
/// primal reads and writes do. With `terms` (the step region of the score
/// estimator), each sampled update adds its score, and the sum is added to
/// the score quantity's tangent at the end of the region.
void rewriteRegion(ir::Module &m, ir::Region &region, const Activity &act,
                   const std::vector<NoiseTerm> &terms = {}) {
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

  Op *score = nullptr; // this region's score, summed over sampled updates
  auto addScore = [&] {
    if (!score)
      return;
    ir::Quantity *q = m.scoreQuantity();
    b.setLoc(q->loc);
    b.writeTangent(q, b.binary(OpKind::Add, b.readTangent(q, "d." + q->name), score));
    score = nullptr;
  };
  for (auto &owned : old) {
    Op *op = owned.get();
    b.setLoc(op->loc);
    if (op->kind == OpKind::Ret)
      addScore();
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
      for (const NoiseTerm &t : terms)
        if (t.write == op && tangentOf(op->operands[0])) {
          Op *s = scoreOf(b, t, tangentOf(op->operands[0]));
          score = score ? b.binary(OpKind::Add, score, s) : s;
          tangent.erase(op->operands[0]); // the sample is data from here on
        }
    } else if (act.isActive(op)) {
      std::vector<Op *> ts;
      ts.reserve(op->operands.size());
      for (size_t i = 0; i < op->operands.size(); ++i)
        ts.push_back(carriesTangent(*op, i) ? tangentOf(op->operands[i]) : nullptr);
      tangent[op] = emitter.emit(*op, ts);
    }
  }
  addScore();
}

/// The score estimator's preparation: finds the sampled states, checks that
/// something explores and that no noise scale depends on meta, and adds the
/// score quantity. False after reporting.
bool prepareScore(ir::Module &m, DiagnosticEngine &diag, const OpLocator &locate,
                  std::vector<NoiseTerm> &terms, Activity &act) {
  if (!findNoiseTerms(m, terms, diag, locate))
    return false;
  if (terms.empty()) {
    // At the first state's declaration (the .plir's first line for a
    // parsed module, whose quantity places are those of its .plast).
    Loc at{1, 1};
    for (const auto &q : m.quantities)
      if (!locate && q->kind == QuantityKind::State && q->loc.valid() && at == Loc{1, 1})
        at = q->loc;
    diag.error(at, "model '" + m.name + "' has no state driven by noise ('x += mu + s * xi' "
                      "with a 'noise' xi), so nothing explores and the score estimator has no "
                      "score; use the pathwise estimator");
    return false;
  }
  DataSet data;
  for (const NoiseTerm &t : terms) {
    data.quantities.insert(t.write->quantity);
    data.samples.insert(t.write->operands[0]);
  }
  act = analyzeActivity(m, data);
  bool ok = true;
  for (const NoiseTerm &t : terms)
    if (t.scale && act.isActive(t.scale)) {
      diag.error(locate ? locate(*t.scale) : t.scale->loc,
                 "the scale of noise '" + t.noise->quantity->name + "' in the update of state '" +
                     t.write->quantity->name + "' depends on a meta parameter; the score "
                     "estimator needs a noise scale free of meta");
      ok = false;
    }
  std::string name = "score";
  while (m.lookup(name))
    name += "_";
  ir::Quantity *q = m.addQuantity(name, QuantityKind::Trace, ir::Type::scalar(), Loc{});
  q->hasTangent = true;
  q->score = true;
  return ok;
}

} // namespace

bool computeTangents(ir::Module &module, DiagnosticEngine &diag, const OpLocator &locate,
                     ir::Estimator estimator) {
  if (module.lanes > 0)
    return true; // already differentiated
  int64_t p = module.numMetaScalars();
  if (p == 0 && estimator == ir::Estimator::Score) {
    diag.error(Loc{1, 1}, "model '" + module.name + "' has no meta parameter (P = 0): the score "
                          "estimator has nothing to estimate");
    return false;
  }
  if (p == 0)
    return true;
  Activity act;
  std::vector<NoiseTerm> terms;
  if (estimator == ir::Estimator::Score) {
    if (!prepareScore(module, diag, locate, terms, act))
      return false;
  } else {
    act = analyzeActivity(module);
  }
  if (!checkInitialValues(module, diag, locate))
    return false;
  module.lanes = p;
  module.estimator = estimator;
  rewriteRegion(module, module.trial, act);
  rewriteRegion(module, module.step, act, terms);
  rewriteRegion(module, module.reward, act);
  return true;
}

} // namespace plasticc::transforms

//===- compiler/transforms/TrialSchedule.cpp - may a trial run as a whole? ===//
#include "compiler/transforms/TrialSchedule.h"

#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace plasticc::transforms {

using ir::Op;
using ir::OpKind;
using ir::Quantity;
using ir::QuantityKind;

namespace {

/// "12:3", or "" without a location.
std::string where(const Loc &loc) {
  return loc.valid() ? " (" + std::to_string(loc.line) + ":" + std::to_string(loc.col) + ")" : "";
}

bool isPrimal(const Op &op) {
  return op.kind != OpKind::ReadTangent && op.kind != OpKind::WriteTangent && !op.type.isTangent();
}

/// The step region seen from its primal ops: who writes what, who uses whom.
class StepView {
public:
  explicit StepView(const ir::Region &step) {
    for (const auto &op : step.ops) {
      for (const Op *operand : op->operands)
        users_[operand].push_back(op.get());
      if (op->kind == OpKind::Write)
        writes_[op->quantity] = op.get();
    }
  }

  /// The primal write of `q` in the step, or nullptr.
  const Op *writeOf(const Quantity *q) const {
    auto it = writes_.find(q);
    return it == writes_.end() ? nullptr : it->second;
  }
  const std::map<const Quantity *, const Op *> &writes() const { return writes_; }

  /// Constant over a trial: built from constants and reads of quantities
  /// the step does not write (not inputs or noise, which change per step).
  bool trialConstant(const Op *op) const {
    if (op->kind == OpKind::Read)
      return !writeOf(op->quantity) && op->quantity->kind != QuantityKind::Input &&
             op->quantity->kind != QuantityKind::Noise;
    if (op->kind == OpKind::Const)
      return true;
    if (ir::family(op->kind) == ir::OpFamily::Random || op->operands.empty())
      return false;
    for (const Op *operand : op->operands)
      if (!trialConstant(operand))
        return false;
    return true;
  }

  /// Where a read of trace `q` leaves q's own update: the first op that uses
  /// it and does not feed q's writes (`use`), and the first other quantity
  /// it flows into. False if it stays in the update.
  bool leaks(const Op *read, const Quantity *q, const Op *&use, const Quantity *&into) const {
    std::set<const Op *> update; // every op that feeds a write of q
    std::function<void(const Op *)> feeds = [&](const Op *o) {
      if (update.insert(o).second)
        for (const Op *operand : o->operands)
          feeds(operand);
    };
    for (const auto &[o, users] : users_)
      for (const Op *user : users)
        if ((user->kind == OpKind::Write || user->kind == OpKind::WriteTangent) && user->quantity == q)
          feeds(user);
    std::set<const Op *> seen;
    std::function<const Quantity *(const Op *)> flowsInto = [&](const Op *o) -> const Quantity * {
      if (!seen.insert(o).second)
        return nullptr;
      if ((o->kind == OpKind::Write || o->kind == OpKind::WriteTangent) && o->quantity != q)
        return o->quantity;
      if (auto it = users_.find(o); it != users_.end())
        for (const Op *user : it->second)
          if (const Quantity *found = flowsInto(user))
            return found;
      return nullptr;
    };
    std::function<bool(const Op *)> visit = [&](const Op *o) {
      if (!update.count(o)) {
        use = o;
        into = flowsInto(o);
        return into != nullptr;
      }
      if (!seen.insert(o).second)
        return false;
      if (auto it = users_.find(o); it != users_.end())
        for (const Op *user : it->second)
          if (visit(user))
            return true;
      return false;
    };
    return visit(read);
  }

private:
  std::map<const Op *, std::vector<const Op *>> users_;
  std::map<const Quantity *, const Op *> writes_;
};

/// A trial-constant value as the source spells it, roughly ("lambda",
/// "0.9 * lambda"); "(expression)" for anything longer.
std::string spell(const Op *op) {
  if (op->kind == OpKind::Read)
    return op->quantity->name;
  if (op->kind == OpKind::Const) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", op->attrs.value);
    return text;
  }
  if (op->kind == OpKind::Bcast)
    return spell(op->operands[0]);
  if (!op->name.empty()) // a value the model named (lambda = exp(-dt / tau_e))
    return op->name;
  if ((op->kind == OpKind::Mul || op->kind == OpKind::Div) && op->operands.size() == 2)
    return spell(op->operands[0]) + (op->kind == OpKind::Mul ? " * " : " / ") +
           spell(op->operands[1]);
  return "(expression)";
}

/// Whether `op` is affine in the reads of trace `q`, c * q + g with a
/// trial-constant c; `coef` is c as spelled ("" where op does not read q).
class AffineCheck {
public:
  AffineCheck(const StepView &view, const Quantity *q) : view_(view), q_(q) {}

  bool affine(const Op *op, std::string &coef) {
    coef.clear();
    if (!readsQ(op))
      return true; // part of g
    if (op->kind == OpKind::Read)
      return coef = "1", true;
    std::string a, b;
    switch (op->kind) {
    case OpKind::Add:
    case OpKind::Sub:
      if (!affine(op->operands[0], a) || !affine(op->operands[1], b))
        return false;
      coef = a.empty() ? (op->kind == OpKind::Sub ? "-" + b : b)
             : b.empty() ? a
                         : "(" + a + (op->kind == OpKind::Sub ? " - " : " + ") + b + ")";
      return true;
    case OpKind::Neg:
      return affine(op->operands[0], a) && (coef = "-" + a, true);
    case OpKind::Bcast:
      return affine(op->operands[0], coef);
    case OpKind::Mul:
    case OpKind::MulChecked: {
      const Op *x = op->operands[0], *y = op->operands[1];
      if (readsQ(x) && readsQ(y))
        return false; // q * q
      const Op *factor = readsQ(x) ? y : x, *term = readsQ(x) ? x : y;
      if (!view_.trialConstant(factor) || !affine(term, a))
        return false;
      coef = a == "1" ? spell(factor) : spell(factor) + " * " + a;
      return true;
    }
    case OpKind::Div:
      if (readsQ(op->operands[1]) || !view_.trialConstant(op->operands[1]) ||
          !affine(op->operands[0], a))
        return false;
      coef = a + " / " + spell(op->operands[1]);
      return true;
    default:
      return false;
    }
  }

private:
  bool readsQ(const Op *op) {
    auto it = memo_.find(op);
    if (it != memo_.end())
      return it->second;
    bool reads = op->kind == OpKind::Read && op->quantity == q_;
    for (const Op *operand : op->operands)
      reads = reads || readsQ(operand);
    return memo_[op] = reads;
  }

  const StepView &view_;
  const Quantity *q_;
  std::map<const Op *, bool> memo_;
};

/// Checks one trace written in the step; a reason, or "" if deferrable.
std::string checkTrace(const ir::Region &step, const StepView &view, const Quantity *q,
                       std::string &decay) {
  for (const auto &op : step.ops) {
    if (op->kind != OpKind::Read || op->quantity != q)
      continue;
    const Op *use = nullptr;
    const Quantity *into = nullptr;
    if (view.leaks(op.get(), q, use, into))
      return "trace " + q->name + " is read in the step" + where(use->loc) + " and feeds " +
             into->name + ": it must be known at every step";
  }
  const Op *write = view.writeOf(q);
  AffineCheck check(view, q);
  if (!check.affine(write->operands[0], decay))
    return "the update of trace " + q->name + where(write->loc) + " is not c * " + q->name +
           " + g with c constant over the trial";
  if (decay.empty())
    decay = "0"; // set each step, not accumulated: the last step's value
  return "";
}

} // namespace

TrialSchedule analyzeTrialSchedule(const ir::Module &module) {
  TrialSchedule out;
  StepView view(module.step);
  std::set<const Quantity *> read;
  for (const auto &op : module.step.ops)
    if (op->kind == OpKind::Read && isPrimal(*op))
      read.insert(op->quantity);
  for (const auto &q : module.quantities) {
    const Op *write = view.writeOf(q.get());
    if (q->kind == QuantityKind::Weight && write)
      out.reasons.push_back("the step writes weight " + q->name + where(write->loc) +
                            ": it changes within the trial");
    if (read.count(q.get()) && !write && q->kind != QuantityKind::Input &&
        q->kind != QuantityKind::Noise)
      out.trialConstant.push_back(q.get());
    if (q->kind == QuantityKind::Trace && write) {
      std::string decay;
      std::string why = checkTrace(module.step, view, q.get(), decay);
      if (why.empty())
        out.deferrable.push_back({q.get(), decay});
      else
        out.reasons.push_back(why);
    }
  }
  out.legal = out.reasons.empty();
  return out;
}

std::vector<std::string> describeTrialSchedule(const TrialSchedule &s) {
  std::vector<std::string> lines;
  lines.push_back(std::string("whole-trial schedule: ") +
                  (s.legal ? "legal" : "not legal (plasticc_run_trial runs step by step)"));
  for (const std::string &why : s.reasons)
    lines.push_back("  " + why);
  std::string constant;
  for (const Quantity *q : s.trialConstant)
    constant += (constant.empty() ? "" : ", ") + q->name;
  if (!constant.empty())
    lines.push_back("  constant over a trial: " + constant);
  std::string traces;
  for (const DeferrableTrace &t : s.deferrable)
    traces += (traces.empty() ? "" : ", ") + t.trace->name + " (c = " + t.decay + ")";
  if (!traces.empty())
    lines.push_back("  deferrable traces (c * q + g, read only in the reward event): " + traces);
  return lines;
}

} // namespace plasticc::transforms

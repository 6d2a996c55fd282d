//===- dialect/TrialStart.cpp - which states are derived from others ------===//
#include "dialect/TrialStart.h"

#include <unordered_map>

namespace plasticc::ir {

namespace {

/// Marks `op` and its operands, transitively, stopping at reads.
void markClosure(const Op *op, const std::unordered_map<const Op *, size_t> &index,
                 std::vector<bool> &mark) {
  std::vector<const Op *> work{op};
  while (!work.empty()) {
    const Op *o = work.back();
    work.pop_back();
    size_t i = index.at(o);
    if (mark[i])
      continue;
    mark[i] = true;
    if (o->kind != OpKind::Read)
      for (const Op *operand : o->operands)
        work.push_back(operand);
  }
}

std::unordered_map<const Op *, size_t> indexOf(const Region &region) {
  std::unordered_map<const Op *, size_t> index;
  for (size_t i = 0; i < region.ops.size(); ++i)
    index[region.ops[i].get()] = i;
  return index;
}

} // namespace

std::vector<bool> opsOfWrites(const Region &region, const std::vector<const Op *> &writes) {
  auto index = indexOf(region);
  std::vector<bool> mark(region.ops.size(), false);
  for (const Op *w : writes)
    markClosure(w, index, mark);
  return mark;
}

std::vector<const Op *> derivedStateWrites(const Region &init) {
  auto index = indexOf(init);
  std::vector<const Op *> out;
  for (const auto &op : init.ops) {
    if (op->kind != OpKind::Write || op->quantity->kind != QuantityKind::State)
      continue;
    std::vector<bool> mark(init.ops.size(), false);
    markClosure(op.get(), index, mark);
    bool reads = false, draws = false;
    for (size_t i = 0; i < mark.size(); ++i)
      if (mark[i]) {
        const Op &o = *init.ops[i];
        reads = reads || (o.kind == OpKind::Read && (o.quantity->kind == QuantityKind::State ||
                                                     o.quantity->kind == QuantityKind::Weight));
        draws = draws || family(o.kind) == OpFamily::Random;
      }
    if (reads && !draws)
      out.push_back(op.get());
  }
  return out;
}

} // namespace plasticc::ir

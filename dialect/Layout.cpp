//===- dialect/Layout.cpp - storage layout of a module --------------------===//
#include "dialect/Layout.h"

namespace plasticc::ir {

namespace {
int64_t alignUp(int64_t n) { return (n + Layout::kAlign - 1) / Layout::kAlign * Layout::kAlign; }

bool isStored(QuantityKind k) { return k != QuantityKind::Input && k != QuantityKind::Noise; }
} // namespace

const Slot &Layout::of(const Quantity *q) const {
  for (const Slot &s : slots)
    if (s.quantity == q)
      return s;
  PLASTICC_INTERNAL_ASSERT(false, "no layout slot for @" + q->name);
}

Layout computeLayout(const Module &m, int64_t elementBytes) {
  Layout l;
  l.lanes = m.lanes;
  int64_t at = 0;
  auto take = [&](int64_t elements) {
    int64_t offset = at;
    at = alignUp(at + elements * elementBytes);
    return offset;
  };
  for (const auto &q : m.quantities) {
    Slot s;
    s.quantity = q.get();
    int64_t n = q->type.numElements();
    if (q->kind == QuantityKind::Input) {
      s.input = l.inputLength;
      l.inputLength += n;
    } else if (q->kind == QuantityKind::Noise) {
      s.input = l.noiseLength;
      l.noiseLength += n;
    }
    if (isStored(q->kind))
      s.value = take(n);
    if (q->kind == QuantityKind::State)
      s.init = take(n);
    if (q->hasTangent && q->kind != QuantityKind::Meta && m.lanes > 0)
      s.tangent = take(n * m.lanes);
    l.slots.push_back(s);
  }
  l.stateBytes = alignUp(at);
  return l;
}

} // namespace plasticc::ir

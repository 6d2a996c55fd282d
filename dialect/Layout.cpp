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
  // Every size is checked: a model with dims of 2^24 and many lanes passes
  // 2^63 bytes, and a wrapped offset would be a negative STATE_BYTES.
  auto take = [&](int64_t elements) {
    int64_t offset = at, bytes = 0, end = 0;
    if (l.overflow || __builtin_mul_overflow(elements, elementBytes, &bytes) ||
        __builtin_add_overflow(at, bytes, &end) || end > INT64_MAX - Layout::kAlign) {
      l.overflow = true;
      return int64_t{-1};
    }
    at = alignUp(end);
    return offset;
  };
  auto lanesOf = [&](int64_t n) {
    int64_t total = 0;
    if (__builtin_mul_overflow(n, m.lanes, &total))
      l.overflow = true;
    return total;
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
      s.tangent = take(lanesOf(n));
    l.slots.push_back(s);
    if (l.overflow && !l.overflowAt)
      l.overflowAt = q.get();
  }
  l.stateBytes = l.overflow ? -1 : alignUp(at);
  return l;
}

std::string layoutProblem(const Module &module, const Quantity *&at) {
  Layout l = computeLayout(module);
  at = l.overflowAt;
  if (!l.overflow)
    return "";
  return "model '" + module.name + "' needs more than 2^63 bytes of state: the storage of '" +
         at->name + "' " + at->type.str() +
         (at->hasTangent && module.lanes > 0 ? " with " + std::to_string(module.lanes) + " tangent lanes" : "") +
         " passes it; use smaller dims or fewer meta scalars";
}

} // namespace plasticc::ir

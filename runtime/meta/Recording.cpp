//===- runtime/meta/Recording.cpp - a network's activity, step by step ----===//
#include "runtime/meta/Recording.h"

#include <algorithm>

namespace plasticc::meta {

namespace {

/// The values of `q` in `state` (plasticc/abi.h: float64 at q.offset).
const double *valuesOf(const runtime::QuantityInfo &q, const char *state) {
  return reinterpret_cast<const double *>(state + q.offset);
}

} // namespace

ActivityRecorder::ActivityRecorder(std::vector<const runtime::QuantityInfo *> quantities,
                                   std::vector<int64_t> trials)
    : quantities_(std::move(quantities)), trials_(std::move(trials)) {}

bool ActivityRecorder::wanted(int64_t k) const {
  return std::find(trials_.begin(), trials_.end(), k) != trials_.end();
}

Recording *ActivityRecorder::current(int64_t k) {
  if (recordings_.size() < quantities_.size())
    return nullptr;
  Recording *first = &recordings_[recordings_.size() - quantities_.size()];
  return first->trial == k ? first : nullptr;
}

void ActivityRecorder::trialStarted(int64_t k, const char *state) {
  if (!wanted(k))
    return;
  for (const runtime::QuantityInfo *q : quantities_) {
    Recording r;
    r.trial = k;
    r.quantity = q;
    if (q->kind == "weight")
      r.start.assign(valuesOf(*q, state), valuesOf(*q, state) + q->numElements());
    recordings_.push_back(std::move(r));
  }
}

void ActivityRecorder::stepped(int64_t k, int64_t t, int64_t T, const char *state) {
  Recording *r = current(k);
  if (!r)
    return;
  for (size_t i = 0; i < quantities_.size(); ++i) {
    const runtime::QuantityInfo &q = *quantities_[i];
    if (t == 0)
      r[i].values.reserve(static_cast<size_t>(T * q.numElements()));
    r[i].values.insert(r[i].values.end(), valuesOf(q, state), valuesOf(q, state) + q.numElements());
    r[i].steps = t + 1;
  }
}

void ActivityRecorder::trialEnded(int64_t k, const char *state) {
  Recording *r = current(k);
  if (!r)
    return;
  for (size_t i = 0; i < quantities_.size(); ++i)
    if (quantities_[i]->kind == "weight")
      r[i].end.assign(valuesOf(*quantities_[i], state),
                      valuesOf(*quantities_[i], state) + quantities_[i]->numElements());
}

} // namespace plasticc::meta

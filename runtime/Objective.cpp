//===- runtime/Objective.cpp - J and dJ/dmeta of one network --------------===//
#include "runtime/Objective.h"

#include "support/Diagnostics.h"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace plasticc::runtime {

void StateBuffer::Free::operator()(void *p) const { std::free(p); }

namespace {
/// One transparent huge page (x86-64, AArch64 with 4 KB base pages).
constexpr size_t kHugePage = size_t(2) << 20;
} // namespace

StateBuffer::StateBuffer(const ModelInfo &info) {
  size_t align = static_cast<size_t>(info.stateAlign);
  bool huge = static_cast<size_t>(info.stateBytes) >= kHugePage && align <= kHugePage;
  if (huge)
    align = kHugePage;
  // aligned_alloc wants a size that is a multiple of the alignment.
  size_t bytes = (static_cast<size_t>(info.stateBytes) + align - 1) / align * align;
  data_.reset(std::aligned_alloc(align, bytes ? bytes : align));
  if (!data_) // not a compiler bug: the machine lacks the memory (callers report it)
    throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (huge)
    (void)madvise(data_.get(), bytes, MADV_HUGEPAGE); // advice only: may fail, changes nothing else
#endif
}

ObjectiveResult evaluateObjective(Backend &backend, const double *meta, uint64_t seed,
                                  int64_t trials, int64_t steps, const StepSource &source,
                                  bool withGradient) {
  const ModelInfo &info = backend.info();
  StateBuffer state(info);
  std::vector<double> inputs(info.inputLength), noise(info.noiseLength);
  std::vector<double> dR(info.metaScalars);
  ObjectiveResult res;
  if (withGradient)
    res.dJ.assign(info.metaScalars, 0.0);
  backend.init(state.data(), meta, seed);
  for (int64_t k = 0; k < trials; ++k) {
    backend.beginTrial(state.data());
    for (int64_t t = 0; t < steps; ++t) {
      source(k, t, inputs.data(), noise.data());
      if (withGradient)
        backend.step(state.data(), inputs.data(), noise.data());
      else
        backend.stepPrimal(state.data(), inputs.data(), noise.data());
    }
    double r = backend.endTrial(state.data(), withGradient ? dR.data() : nullptr);
    res.rewards.push_back(r);
    res.J += r / static_cast<double>(trials);
    for (size_t p = 0; p < res.dJ.size(); ++p)
      res.dJ[p] += dR[p] / static_cast<double>(trials);
  }
  return res;
}

} // namespace plasticc::runtime

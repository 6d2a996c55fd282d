//===- bench/Runners.cpp - one network, two implementations ---------------===//
#include "bench/Runners.h"

#include "support/Diagnostics.h"

#include <cmath>
#include <cstdlib>
#include <sys/mman.h>

namespace plasticc::bench {

std::vector<double> benchTheta(int d1) {
  std::vector<double> theta(d1 * d1);
  for (int a = 0; a < d1; ++a)
    for (int b = 0; b < d1; ++b)
      theta[a * d1 + b] = ((a + b) % 2 ? -0.005 : 0.005) / (1 + a + b);
  return theta;
}

void CompiledRunner::Free::operator()(void *p) const { std::free(p); }

CompiledRunner::CompiledRunner(runtime::NativeModel &model, const Workload &work,
                               const std::vector<double> &theta, uint64_t seed, bool hugePages)
    : model_(model), work_(work), at_(Workload::offsets(model.info())),
      inputs_(model.info().inputLength) {
  PLASTICC_INTERNAL_ASSERT(static_cast<int64_t>(theta.size()) == model.info().metaScalars,
                           "theta does not match the model's meta scalars");
  size_t align = hugePages ? size_t(2) << 20 : static_cast<size_t>(model.info().stateAlign);
  size_t bytes = (static_cast<size_t>(model.info().stateBytes) + align - 1) / align * align;
  state_.reset(std::aligned_alloc(align, bytes));
  PLASTICC_INTERNAL_ASSERT(state_ != nullptr, "out of memory for a network state");
  if (hugePages)
    madvise(state_.get(), bytes, MADV_HUGEPAGE); // advice: ignored where unsupported
  model_.init(state_.get(), theta.data(), seed); // touches every page (zeroes the state)
}

void CompiledRunner::step(int k, int t, bool tangents) {
  work_.pack(at_, k, t, inputs_.data());
  if (tangents)
    model_.step(state_.get(), inputs_.data(), work_.xi(k, t));
  else
    model_.stepPrimal(state_.get(), inputs_.data(), work_.xi(k, t));
}

double CompiledRunner::trial(int k, int T, double *dR) {
  if (!whole_)
    return Runner::trial(k, T, dR);
  const int64_t L = model_.info().inputLength;
  inputs_.resize(static_cast<size_t>(T * L));
  for (int t = 0; t < T; ++t)
    work_.pack(at_, k, t, inputs_.data() + t * L);
  return model_.runTrial(state_.get(), inputs_.data(), work_.xi(k, 0), T, nullptr, dR, true);
}

const double *CompiledRunner::slot(const char *name, bool tangent) const {
  const runtime::QuantityInfo *q = model_.info().find(name);
  PLASTICC_INTERNAL_ASSERT(q && (!tangent || q->tangentOffset >= 0),
                           std::string("the compiled state has no slot for ") + name);
  auto *base = static_cast<const char *>(state_.get());
  return reinterpret_cast<const double *>(base + (tangent ? q->tangentOffset : q->offset));
}

HandRunner::HandRunner(const CompiledRunner &twin, const Workload &work,
                       const std::vector<double> &theta)
    : work_(work), n_(work.n()), d1_(static_cast<int>(std::lround(std::sqrt(theta.size())))) {
  using reference::Mat;
  using reference::Vec;
  model_ = std::make_unique<reference::ReferenceModel>(n_, 2, 1, d1_, reference::Constants{}, theta);
  // Right after init the state slot of x holds x_init (its trial-start copy).
  model_->setInitial(Eigen::Map<const Mat>(twin.slot("W"), n_, n_),
                     Eigen::Map<const Mat>(twin.slot("Win"), n_, 2),
                     Eigen::Map<const Mat>(twin.slot("Wout"), 1, n_),
                     Eigen::Map<const Vec>(twin.slot("x"), n_));
}

double HandRunner::stateBytes() const {
  // The arrays ReferenceModel holds: W, e and their P lanes; W_in, W_out
  // (3 N); x, xbar, x_init (3 N); the lanes of x, xbar, dr, dpost and of
  // dW_p r, W dr_p (6 P N); powers and row polynomials (4 D N); six scratch
  // vectors (6 N); dErr and dRbar (2 P).
  double n = n_, p = d1_ * d1_;
  return 8 * ((2 + 2 * p) * n * n + 12 * n + 6 * p * n + 4 * d1_ * n + 2 * p);
}

} // namespace plasticc::bench

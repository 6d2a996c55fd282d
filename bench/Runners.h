//===- bench/Runners.h - one network, two implementations -----------------===//
//
// A Runner is one network of the reference model behind the three calls a
// trial makes (begin, step, end), fed from a Workload. CompiledRunner runs
// plasticc's code (any runtime::NativeModel: JIT or shared library) on its
// own state buffer; HandRunner runs the hand-written ReferenceModel,
// initialised from a CompiledRunner's draws (W, W_in, W_out, x_init) with
// the same theta, so both compute the same numbers (checked to 1e-12 in
// tests/unit/ReferenceVsCompiledTest.cpp) and are timed on the same work.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "bench/Workload.h"
#include "bench/reference/ReferenceModel.h"
#include "runtime/jit/NativeModel.h"

#include <memory>
#include <vector>

namespace plasticc::bench {

/// A network behind begin/step/end (MODEL.md "One trial k").
class Runner {
public:
  virtual ~Runner() = default;
  virtual void beginTrial() = 0;
  /// Step t of trial k of the workload; `tangents` false: primal only.
  virtual void step(int k, int t, bool tangents) = 0;
  /// R of the trial; dR/dtheta (P doubles) into dR when non-null.
  virtual double endTrial(double *dR) = 0;
  /// Trial k of T steps with tangents (begin, steps, end); R, dR as endTrial.
  virtual double trial(int k, int T, double *dR) {
    beginTrial();
    for (int t = 0; t < T; ++t)
      step(k, t, true);
    return endTrial(dR);
  }
  /// Bytes of this implementation's network state (primal and tangents).
  virtual double stateBytes() const = 0;
};

/// The benchmarks' theta: every theta[a, b] nonzero and small (0.005 / (1 +
/// a + b), alternating signs), so that each term of the rule and of its
/// tangents does work and the network neither saturates nor diverges over a
/// meta-gradient's trials (with 0.05 the weights grew until every unit
/// saturated, R constant and dR = 0, after 5 trials at N = 256, and
/// overflowed to NaN after 8 at N = 512).
std::vector<double> benchTheta(int d1);

/// The compiled model on its own state, drawn from `seed` with `theta`.
/// The state is allocated as the runtime allocates it (runtime::StateBuffer:
/// aligned_alloc, 4 KB pages) or, with `hugePages`, 2 MB-aligned and
/// advised MADV_HUGEPAGE (transparent huge pages where the kernel allows).
class CompiledRunner final : public Runner {
public:
  CompiledRunner(runtime::NativeModel &model, const Workload &work, const std::vector<double> &theta,
                 uint64_t seed, bool hugePages = false);
  /// With `whole`, trial() is one plasticc_run_trial call (its inputs packed
  /// for the whole trial first, inside the timing) instead of the steps.
  void setWholeTrial(bool whole) { whole_ = whole; }
  double trial(int k, int T, double *dR) override;
  void beginTrial() override { model_.beginTrial(state_.get()); }
  void step(int k, int t, bool tangents) override;
  double endTrial(double *dR) override { return model_.endTrial(state_.get(), dR); }
  double stateBytes() const override { return static_cast<double>(model_.info().stateBytes); }

  /// The value (or, with `tangent`, the P lanes) of quantity `name` in the
  /// state; internal error if there is no such slot.
  const double *slot(const char *name, bool tangent = false) const;
  const runtime::ModelInfo &info() const { return model_.info(); }

private:
  struct Free {
    void operator()(void *p) const;
  };
  runtime::NativeModel &model_;
  const Workload &work_;
  std::unique_ptr<void, Free> state_;
  Workload::InputOffsets at_;
  std::vector<double> inputs_;
  bool whole_ = false;
};

/// The hand-written model with the network of `twin` (read right after its
/// init, before any step) and the same theta.
class HandRunner final : public Runner {
public:
  HandRunner(const CompiledRunner &twin, const Workload &work, const std::vector<double> &theta);
  void beginTrial() override { model_->beginTrial(); }
  void step(int k, int t, bool tangents) override {
    model_->step(work_.u(k, t), work_.y(k, t), work_.m(k, t), work_.xi(k, t), tangents);
  }
  double endTrial(double *dR) override { return model_->endTrial(dR); }
  double stateBytes() const override;
  const reference::ReferenceModel &model() const { return *model_; }

private:
  const Workload &work_;
  std::unique_ptr<reference::ReferenceModel> model_;
  int n_, d1_;
};

} // namespace plasticc::bench

//===- bench/Workload.h - the inputs and noise both models are fed --------===//
//
// The default task of MODEL.md (cue-delay-response: cue shown for the first
// fifth of the trial, output scored in the last fifth, target +1 or -1 by
// cue) for a fixed number of distinct trials, with standard normal
// exploration noise xi drawn once from a seed. Benchmarks that run more
// trials than stored reuse them cyclically (timing does not depend on the
// values). Both implementations read the same numbers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"

#include <cstdint>
#include <vector>

namespace plasticc::bench {

/// `trials` distinct trials of `steps` steps for a network of n units
/// (I = 2 inputs, O = 1 output).
class Workload {
public:
  Workload(int n, int trials, int steps, uint64_t seed);

  int n() const { return n_; }
  int steps() const { return steps_; }
  /// Step t of trial k (k taken modulo the stored trials): u[2], y[1], m, xi[N].
  const double *u(int k, int t) const { return &u_[2 * at(k, t)]; }
  const double *y(int k, int t) const { return &y_[at(k, t)]; }
  double m(int k, int t) const { return m_[at(k, t)]; }
  const double *xi(int k, int t) const { return &xi_[static_cast<size_t>(n_) * at(k, t)]; }
  /// Where a compiled model's input vector holds u, y and m.
  struct InputOffsets {
    int64_t u = 0, y = 0, m = 0;
  };
  /// Reads them from the model's descriptor (internal error if absent).
  static InputOffsets offsets(const runtime::ModelInfo &info);
  /// Writes step (k, t) into a compiled model's input vector.
  void pack(const InputOffsets &at, int k, int t, double *inputs) const {
    inputs[at.u] = u(k, t)[0];
    inputs[at.u + 1] = u(k, t)[1];
    inputs[at.y] = y(k, t)[0];
    inputs[at.m] = m(k, t);
  }

private:
  size_t at(int k, int t) const { return static_cast<size_t>(k % trials_) * steps_ + t; }
  int n_, trials_, steps_;
  std::vector<double> u_, y_, m_, xi_;
};

} // namespace plasticc::bench

//===- runtime/meta/Adam.h - the meta-optimizer ---------------------------===//
//
// Adam (Kingma & Ba 2015) on the meta parameters, used for gradient *ascent*
// on J (the mean reward during learning, docs/model.md "Meta-objective"). Its
// whole state (moments and step count) is plain data so that a checkpoint can
// save it and a resumed run continues bit for bit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plasticc::meta {

/// Hyper-parameters of Adam; `clip` > 0 rescales a gradient whose L2 norm
/// exceeds it to that norm before the update (0: no clipping).
struct AdamConfig {
  double lr = 1e-2;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double clip = 0;
};

/// First and second moment estimates and the number of steps taken.
struct AdamState {
  std::vector<double> m, v;
  int64_t t = 0;
};

/// Adam as a stateless rule on (config, state).
class Adam {
public:
  explicit Adam(AdamConfig config) : config_(config) {}

  /// A fresh state for `n` parameters.
  static AdamState initialState(std::size_t n) { return {std::vector<double>(n), std::vector<double>(n), 0}; }

  /// One ascent step: params += lr * mhat / (sqrt(vhat) + eps), with the
  /// bias-corrected moments of `grad` (dJ/dparams, same length as params).
  void ascend(AdamState &state, std::vector<double> &params, const std::vector<double> &grad) const;

  const AdamConfig &config() const { return config_; }

private:
  AdamConfig config_;
};

/// Euclidean norm of a vector.
double l2norm(const std::vector<double> &v);

} // namespace plasticc::meta

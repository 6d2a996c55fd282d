//===- runtime/meta/Adam.cpp - one Adam ascent step -----------------------===//
#include "runtime/meta/Adam.h"

#include <cmath>

namespace plasticc::meta {

double l2norm(const std::vector<double> &v) {
  double s = 0;
  for (double x : v)
    s += x * x;
  return std::sqrt(s);
}

void Adam::ascend(AdamState &state, std::vector<double> &params,
                  const std::vector<double> &grad) const {
  const AdamConfig &c = config_;
  double scale = 1.0;
  if (c.clip > 0) {
    double norm = l2norm(grad);
    if (norm > c.clip)
      scale = c.clip / norm;
  }
  ++state.t;
  double b1t = 1.0 - std::pow(c.beta1, static_cast<double>(state.t));
  double b2t = 1.0 - std::pow(c.beta2, static_cast<double>(state.t));
  for (size_t i = 0; i < params.size(); ++i) {
    double g = grad[i] * scale;
    state.m[i] = c.beta1 * state.m[i] + (1 - c.beta1) * g;
    state.v[i] = c.beta2 * state.v[i] + (1 - c.beta2) * g * g;
    double mhat = state.m[i] / b1t;
    double vhat = state.v[i] / b2t;
    params[i] += c.lr * mhat / (std::sqrt(vhat) + c.eps);
  }
}

} // namespace plasticc::meta

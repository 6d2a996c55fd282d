//===- tests/unit/MetaFakes.h - backends for testing the meta-learner -----===//
//
// Two hand-written runtime::Backend implementations, so the runtime can be
// tested without the compiler:
//
//   QuadraticBackend  a tiny model whose reward and gradient are known in
//                     closed form: R = -sum_p (theta_p - target_p)^2 plus a
//                     term from the exploration noise (so seeds matter but
//                     the gradient does not depend on them). Its plastic
//                     weight W += eta * theta at each reward, z = W . u (or
//                     z = eta * sum(theta), to test learning-rate sweeps). It
//                     can be told to put a NaN into W, or let W grow, on a
//                     given trial of a given network, to test divergence.
//
//   ReferenceBackend  the hand-written reference model of MODEL.md
//                     (bench/reference) behind the Backend interface, with
//                     small N, for end-to-end checks of the gradient the
//                     runtime measures against finite differences of its J.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "bench/reference/ReferenceModel.h"
#include "dialect/Random.h"
#include "runtime/Backend.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace plasticc::testing {

/// Reads/writes a double at a byte offset of a state buffer.
inline double &at(void *state, int64_t offset) {
  return *reinterpret_cast<double *>(static_cast<char *>(state) + offset);
}

/// What the quadratic fake does (see QuadraticBackend).
struct QuadraticOptions {
  double target0 = 1.0, target1 = -0.5;
  double noiseGain = 0.01;    // R += noiseGain * mean_t xi[1]
  uint64_t badSeed = 0;       // network that goes wrong (0: none)
  int64_t badTrial = -1;      // after this trial (0-based)
  bool nan = true;            // NaN into W[1]; else W[0] = 1e6
  double runaway1 = 0;        // with nan = false and this != 0: also W[1] = runaway1
  bool rewardFromEta = false; // z = eta * sum(theta), R = -(z - 0.3)^2 (evaluation tests)
  /// A rule-dependent divergence: after trial badTrial, a network with an
  /// odd seed gets W[0] = 1e6 when theta[1] exceeds this.
  double divergeAbove = std::numeric_limits<double>::infinity();
};

/// See file comment. Layout (bytes): theta[2] @0, eta @64, W[2] @128 with
/// tangents [2 lanes x 2] @192, noise sum (trace) @256, z[1] @320, trial
/// counter (baseline) @384, the network's seed (not described) @448.
class QuadraticBackend final : public runtime::Backend {
public:
  using Options = QuadraticOptions;

  explicit QuadraticBackend(Options o = {}) : o_(o) {
    using Q = runtime::QuantityInfo;
    info_.name = "quadratic";
    info_.sourceHash = "fake";
    info_.metaScalars = 2;
    info_.stateBytes = 512;
    info_.inputLength = 4;
    info_.noiseLength = 3;
    info_.quantities = {
        Q{"theta", "meta", {2}, 0, -1},   Q{"eta", "param", {}, 64, -1},
        Q{"u", "input", {2}, 0, -1},      Q{"y", "input", {1}, 2, -1},
        Q{"m", "input", {}, 3, -1},       Q{"xi", "noise", {3}, 0, -1},
        Q{"W", "weight", {2}, 128, 192},  Q{"noisesum", "trace", {}, 256, -1},
        Q{"z", "output", {1}, 320, -1},   Q{"trials", "baseline", {}, 384, -1},
    };
  }

  const runtime::ModelInfo &info() const override { return info_; }

  void init(void *s, const double *meta, uint64_t seed) override {
    std::memset(s, 0, 512);
    at(s, 0) = meta ? meta[0] : 0.0;
    at(s, 8) = meta ? meta[1] : 0.0;
    at(s, 64) = 0.05;
    at(s, 128) = random::uniform(seed, 0, 0, -1, 1);
    at(s, 136) = random::uniform(seed, 0, 1, -1, 1);
    std::memcpy(static_cast<char *>(s) + 448, &seed, sizeof seed);
  }
  void setTrialStart(void *) override {} // no states
  void beginTrial(void *s) override { at(s, 256) = 0; }
  void step(void *s, const double *in, const double *xi) override { stepPrimal(s, in, xi); }
  void stepPrimal(void *s, const double *in, const double *xi) override {
    at(s, 320) = o_.rewardFromEta ? at(s, 64) * (at(s, 0) + at(s, 8))
                                  : at(s, 128) * in[0] + at(s, 136) * in[1];
    at(s, 256) += xi[1];
    ++steps_;
  }
  double endTrial(void *s, double *dR) override {
    double t0 = at(s, 0), t1 = at(s, 8), eta = at(s, 64);
    double R;
    if (o_.rewardFromEta) {
      double v = eta * (t0 + t1) - 0.3;
      R = -v * v;
    } else {
      R = -(t0 - o_.target0) * (t0 - o_.target0) - (t1 - o_.target1) * (t1 - o_.target1) +
          o_.noiseGain * at(s, 256) / static_cast<double>(std::max<int64_t>(steps_, 1));
    }
    if (dR) {
      dR[0] = -2 * (t0 - o_.target0);
      dR[1] = -2 * (t1 - o_.target1);
    }
    // The reward event: W += eta * theta; dW/dtheta accumulates eta * I.
    at(s, 128) += eta * t0;
    at(s, 136) += eta * t1;
    at(s, 192) += eta; // dW[0]/dtheta[0]
    at(s, 216) += eta; // dW[1]/dtheta[1]  (lane 1 at 192 + 2*8, element 1)
    uint64_t seed;
    std::memcpy(&seed, static_cast<char *>(s) + 448, sizeof seed);
    int64_t trial = static_cast<int64_t>(at(s, 384));
    at(s, 384) += 1;
    if (trial == o_.badTrial && (seed & 1) && t1 > o_.divergeAbove)
      at(s, 128) = 1e6;
    if (o_.badSeed && seed == o_.badSeed && trial == o_.badTrial) {
      if (o_.nan)
        at(s, 136) = std::numeric_limits<double>::quiet_NaN();
      else {
        at(s, 128) = 1e6;
        if (o_.runaway1 != 0)
          at(s, 136) = o_.runaway1;
      }
    }
    steps_ = 0;
    return R;
  }

private:
  Options o_;
  runtime::ModelInfo info_;
  int64_t steps_ = 0;
};

/// MODEL.md's reference model (bench/reference) as a Backend; see file
/// comment. The network lives in the backend instance (one per worker, one
/// network at a time); the state buffer mirrors what the runtime reads:
/// theta, eta, W (values), Rbar and z.
class ReferenceBackend final : public runtime::Backend {
public:
  ReferenceBackend(int n, int d1) : n_(n), d1_(d1) {
    using Q = runtime::QuantityInfo;
    int64_t p = d1 * d1;
    auto up = [](int64_t bytes) { return (bytes + 63) / 64 * 64; };
    thetaAt_ = 0;
    etaAt_ = up(p * 8);
    wAt_ = etaAt_ + 64;
    rbarAt_ = wAt_ + up(int64_t(n) * n * 8);
    zAt_ = rbarAt_ + 64;
    info_.name = "reference";
    info_.sourceHash = "reference";
    info_.metaScalars = p;
    info_.stateBytes = zAt_ + 64;
    info_.inputLength = 4;
    info_.noiseLength = n;
    info_.quantities = {
        Q{"theta", "meta", {d1, d1}, thetaAt_, -1}, Q{"eta", "param", {}, etaAt_, -1},
        Q{"u", "input", {2}, 0, -1},                Q{"y", "input", {1}, 2, -1},
        Q{"m", "input", {}, 3, -1},                 Q{"xi", "noise", {n}, 0, -1},
        Q{"W", "weight", {n, n}, wAt_, -1},         Q{"Rbar", "baseline", {}, rbarAt_, -1},
        Q{"z", "output", {1}, zAt_, -1},
    };
  }

  const runtime::ModelInfo &info() const override { return info_; }

  void init(void *s, const double *meta, uint64_t seed) override {
    const int p = d1_ * d1_;
    for (int k = 0; k < p; ++k)
      at(s, thetaAt_ + 8 * k) = meta ? meta[k] : 0.0;
    at(s, etaAt_) = 0.05;
    seed_ = seed;
    model_.reset();
  }
  void setTrialStart(void *) override {} // no states
  void beginTrial(void *s) override {
    if (!model_)
      create(s);
    model_->beginTrial();
    lastR_ = xInit_.array().tanh().matrix();
  }
  void step(void *s, const double *in, const double *xi) override { run(s, in, xi, true); }
  void stepPrimal(void *s, const double *in, const double *xi) override { run(s, in, xi, false); }
  double endTrial(void *s, double *dR) override {
    double R = model_->endTrial(dR);
    std::memcpy(static_cast<char *>(s) + wAt_, model_->w().data(), sizeof(double) * n_ * n_);
    at(s, rbarAt_) = model_->rbar();
    return R;
  }

private:
  void run(void *s, const double *in, const double *xi, bool tangents) {
    model_->step(in, in + 2, in[3], xi, tangents);
    // z = Wout r with r the rates *before* the step moved x (MODEL.md).
    at(s, zAt_) = (wout_ * lastR_)(0);
    lastR_ = model_->x().array().tanh().matrix();
  }

  /// Draws the network (MODEL.md "Initial values") and builds the model
  /// with the theta and eta the state holds now (after any param override).
  void create(void *s) {
    const int p = d1_ * d1_;
    std::vector<double> theta(p);
    for (int k = 0; k < p; ++k)
      theta[k] = at(s, thetaAt_ + 8 * k);
    reference::Constants c;
    c.eta = at(s, etaAt_);
    model_ = std::make_unique<reference::ReferenceModel>(n_, 2, 1, d1_, c, theta);
    reference::Mat w(n_, n_), win(n_, 2), wout(1, n_);
    reference::Vec x(n_);
    for (int i = 0; i < n_ * n_; ++i)
      w.data()[i] = random::normal(seed_, 1, i, 0, 1.44 / n_);
    for (int i = 0; i < n_ * 2; ++i)
      win.data()[i] = random::uniform(seed_, 2, i, -1, 1);
    for (int i = 0; i < n_; ++i)
      wout.data()[i] = random::normal(seed_, 3, i, 0, 1.0 / n_);
    for (int i = 0; i < n_; ++i)
      x[i] = random::uniform(seed_, 4, i, -0.1, 0.1);
    model_->setInitial(w, win, wout, x);
    wout_ = wout;
    xInit_ = x;
  }

  int n_, d1_;
  int64_t thetaAt_, etaAt_, wAt_, rbarAt_, zAt_;
  runtime::ModelInfo info_;
  uint64_t seed_ = 0;
  std::unique_ptr<reference::ReferenceModel> model_;
  reference::Mat wout_;
  reference::Vec xInit_, lastR_;
};

} // namespace plasticc::testing

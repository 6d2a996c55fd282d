//===- bench/reference/ReferenceModel.cpp - MODEL.md by hand --------------===//
#include "bench/reference/ReferenceModel.h"

#include "bench/reference/SynapseKernels.h"

#include <algorithm>
#include <cassert>

namespace plasticc::reference {

ReferenceModel::ReferenceModel(int n, int inputs, int outputs, int d1, const Constants &c,
                               const std::vector<double> &theta)
    : n_(n), i_(inputs), o_(outputs), d1_(d1), p_(d1 * d1), c_(c), theta_(theta),
      w_(Mat::Zero(n, n)), win_(Mat::Zero(n, inputs)), wout_(Mat::Zero(outputs, n)),
      e_(Mat::Zero(n, n)), x_(Vec::Zero(n)), xbar_(Vec::Zero(n)), xInit_(Vec::Zero(n)),
      dw_(Vec::Zero(static_cast<Eigen::Index>(p_) * n * n)),
      de_(Vec::Zero(static_cast<Eigen::Index>(p_) * n * n)),
      // Interleaved rows keep a row's lanes in one stream, which wins while
      // rows are short (N <= 128: 20-30% faster at N = 64); with longer rows
      // lane-major streams win (25% faster at N = 256 and 5-10% at 512).
      laneStride_(n <= 128 ? n : static_cast<long>(n) * n),
      rowStride_(n <= 128 ? static_cast<long>(p_) * n : n), dx_(Mat::Zero(p_, n)),
      dxbar_(Mat::Zero(p_, n)), dr_(Mat::Zero(p_, n)), dpost_(Mat::Zero(p_, n)),
      derr_(Vec::Zero(p_)), drbar_(Vec::Zero(p_)), rpow_(d1, n), qpow_(d1, n), cq_(d1, n), cqd_(d1, n),
      dwr_(Mat::Zero(p_, n)), wdr_(Mat::Zero(p_, n)), r_(n), slope_(n), wr_(n),
      post_(n), scratch_(2 * n) {
  assert(d1 >= 1 && d1 <= 16 && static_cast<int>(theta.size()) == d1 * d1);
  rpow_.row(0).setOnes();
  qpow_.row(0).setOnes();
}

void ReferenceModel::setInitial(const Mat &w, const Mat &win, const Mat &wout, const Vec &xInit) {
  w_ = w;
  win_ = win;
  wout_ = wout;
  xInit_ = xInit;
}

std::vector<Mat> ReferenceModel::lanesOf(const Vec &all) const {
  std::vector<Mat> out(p_, Mat(n_, n_));
  for (int p = 0; p < p_; ++p)
    for (int i = 0; i < n_; ++i)
      out[p].row(i) = all.segment(p * laneStride_ + i * rowStride_, n_).transpose();
  return out;
}

std::vector<Vec> ReferenceModel::dx() const {
  std::vector<Vec> out;
  for (int p = 0; p < p_; ++p)
    out.push_back(dx_.row(p).transpose());
  return out;
}

void ReferenceModel::beginTrial() {
  x_ = xInit_;
  xbar_ = xInit_;
  e_.setZero();
  err_ = 0;
  scored_ = 0;
  de_.setZero();
  dx_.setZero();
  dxbar_.setZero();
  derr_.setZero();
}

// r = tanh(x), post = x - xbar and their powers r^a, post^b (a, b < D;
// row 0 of rpow_ and qpow_ is 1, set once); with tangents dr_p =
// (1 - r^2) dx_p and dpost_p = dx_p - dxbar_p. Loops over k vectorise
// (the tanh calls have a loop of their own).
void ReferenceModel::neurons(bool tangents) {
  const int n = n_;
  double *r = r_.data(), *post = post_.data(), *slope = slope_.data();
  const double *x = x_.data(), *xbar = xbar_.data();
  for (int k = 0; k < n; ++k)
    r[k] = std::tanh(x[k]);
  for (int k = 0; k < n; ++k) {
    post[k] = x[k] - xbar[k];
    slope[k] = 1.0 - r[k] * r[k];
  }
  double *rp = rpow_.data(), *qp = qpow_.data();
  for (int a = 1; a < d1_; ++a) {
    double *ra = rp + a * n, *qa = qp + a * n;
    const double *rb = rp + (a - 1) * n, *qb = qp + (a - 1) * n;
    for (int k = 0; k < n; ++k) {
      ra[k] = rb[k] * r[k];
      qa[k] = qb[k] * post[k];
    }
  }
  if (!tangents)
    return;
  for (int p = 0; p < p_; ++p) {
    const double *dx = dx_.row(p).data(), *dxbar = dxbar_.row(p).data();
    double *dr = dr_.row(p).data(), *dpost = dpost_.row(p).data();
    for (int k = 0; k < n; ++k) {
      dr[k] = slope[k] * dx[k];
      dpost[k] = dx[k] - dxbar[k];
    }
  }
}

// The trace and its tangents (SynapseKernels.h): with H(r, q) =
// sum_ab theta_ab r^a q^b, e = lambda e + H(r_j, post_i), and lane
// p = (a0, b0) differentiates it along theta_{a0 b0} (explicitly: r^a0 q^b0)
// and through r_j and post_i (chain rule). Then the readout and the
// neurons, in the order of MODEL.md (all right-hand sides at step t).
void ReferenceModel::step(const double *u, const double *y, double m, const double *xi,
                          bool tangents) {
  neurons(tangents);
  kernels::rowPolynomials(n_, d1_, theta_.data(), qpow_.data(), cq_.data(),
                          tangents ? cqd_.data() : nullptr);
  kernels::SynapsePass pass;
  pass.n = n_;
  pass.d1 = d1_;
  pass.lambda = c_.lambda;
  pass.cq = cq_.data();
  pass.rpow = rpow_.data();
  pass.qpow = qpow_.data();
  pass.r = r_.data();
  pass.w = w_.data();
  pass.e = e_.data();
  pass.wr = wr_.data();
  if (tangents) {
    pass.dw = dw_.data();
    pass.de = de_.data();
    pass.laneStride = laneStride_;
    pass.rowStride = rowStride_;
    pass.dr = dr_.data();
    pass.dpost = dpost_.data();
    pass.cqd = cqd_.data();
    pass.dwr = dwr_.data();
    pass.wdr = wdr_.data();
    pass.scratch = scratch_.data();
  }
  kernels::synapsePass(pass);

  // z = Wout r; err += m |z - y|^2; d err_p = m 2 (z - y) . Wout dr_p.
  const int n = n_;
  const double *r = r_.data();
  for (int o = 0; o < o_; ++o) {
    const double *wo = wout_.row(o).data();
    double z = 0;
    for (int k = 0; k < n; ++k)
      z += wo[k] * r[k];
    double diff = z - y[o];
    err_ += m * diff * diff;
    if (tangents)
      for (int p = 0; p < p_; ++p) {
        const double *drp = dr_.row(p).data();
        double s = 0;
        for (int k = 0; k < n; ++k)
          s += wo[k] * drp[k];
        derr_[p] += m * 2.0 * diff * s;
      }
  }
  scored_ += m;
  const double alpha = c_.alpha, betaX = c_.betaX;
  if (tangents)
    for (int p = 0; p < p_; ++p) {
      double *dx = dx_.row(p).data(), *dxbar = dxbar_.row(p).data();
      const double *dwr = dwr_.row(p).data(), *wdr = wdr_.row(p).data();
      for (int k = 0; k < n; ++k) {
        double dxNew = dx[k] + alpha * (-dx[k] + dwr[k] + wdr[k]);
        dxbar[k] = betaX * dxbar[k] + (1 - betaX) * dxNew;
        dx[k] = dxNew;
      }
    }
  double *x = x_.data(), *xbar = xbar_.data();
  const double *wr = wr_.data(), *win = win_.data();
  for (int k = 0; k < n; ++k) {
    double in = 0;
    for (int j = 0; j < i_; ++j)
      in += win[k * i_ + j] * u[j];
    x[k] += alpha * (-x[k] + wr[k] + in) + c_.sigma * xi[k];
    xbar[k] = betaX * xbar[k] + (1 - betaX) * x[k];
  }
}

double ReferenceModel::endTrial(double *dR) {
  double scale = std::max(1.0, scored_);
  double reward = -err_ / scale;
  double adv = reward - rbar_;
  // dW_p += eta (dadv_p e + adv de_p): one pass over the rows of every lane.
  double dadv[256];
  for (int p = 0; p < p_; ++p) {
    double dreward = -derr_[p] / scale;
    dadv[p] = dreward - drbar_[p];
    drbar_[p] = c_.betaR * drbar_[p] + (1 - c_.betaR) * dreward;
    if (dR)
      dR[p] = dreward;
  }
  for (int i = 0; i < n_; ++i)
    for (int p = 0; p < p_; ++p) {
      const long at = p * laneStride_ + i * rowStride_;
      kernels::axpby(n_, c_.eta * dadv[p], e_.row(i).data(), c_.eta * adv, de_.data() + at,
                     dw_.data() + at);
    }
  w_ += c_.eta * adv * e_;
  rbar_ = c_.betaR * rbar_ + (1 - c_.betaR) * reward;
  return reward;
}

} // namespace plasticc::reference

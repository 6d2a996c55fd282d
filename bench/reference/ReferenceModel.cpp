//===- bench/reference/ReferenceModel.cpp - MODEL.md by hand --------------===//
#include "bench/reference/ReferenceModel.h"

#include <algorithm>
#include <cassert>

namespace plasticc::reference {

ReferenceModel::ReferenceModel(int n, int inputs, int outputs, int d1, const Constants &c,
                               const std::vector<double> &theta)
    : n_(n), i_(inputs), o_(outputs), d1_(d1), p_(d1 * d1), c_(c), theta_(theta),
      w_(Mat::Zero(n, n)), win_(Mat::Zero(n, inputs)), wout_(Mat::Zero(outputs, n)),
      e_(Mat::Zero(n, n)), x_(Vec::Zero(n)), xbar_(Vec::Zero(n)), xInit_(Vec::Zero(n)),
      dw_(p_, Mat::Zero(n, n)), de_(p_, Mat::Zero(n, n)), dx_(p_, Vec::Zero(n)),
      dxbar_(p_, Vec::Zero(n)), derr_(Vec::Zero(p_)), drbar_(Vec::Zero(p_)),
      rpow_(d1, n), qpow_(d1, n), wr_(n) {
  assert(d1 >= 1 && d1 <= 16 && static_cast<int>(theta.size()) == d1 * d1);
}

void ReferenceModel::setInitial(const Mat &w, const Mat &win, const Mat &wout, const Vec &xInit) {
  w_ = w;
  win_ = win;
  wout_ = wout;
  xInit_ = xInit;
}

void ReferenceModel::beginTrial() {
  x_ = xInit_;
  xbar_ = xInit_;
  e_.setZero();
  err_ = 0;
  scored_ = 0;
  for (int p = 0; p < p_; ++p) {
    de_[p].setZero();
    dx_[p].setZero();
    dxbar_[p].setZero();
  }
  derr_.setZero();
}

// The fused pass over synapses: e[i,j] = lambda e + H(r_j, post_i) and, per
// lane p = (a0, b0),
//   de_p[i,j] = lambda de_p + r_j^a0 post_i^b0 + dH/dr_j dr_p[j] + dH/dpost_i dpost_p[i]
// with dH/dr_j = sum theta_ab a r_j^(a-1) post_i^b and dH/dpost_i likewise
// (lane-independent, computed once per synapse).
void ReferenceModel::synapsePass(const Vec &r, const Vec &post, const std::vector<Vec> &dr,
                                 const std::vector<Vec> &dpost, bool tangents) {
  for (int k = 0; k < n_; ++k) {
    rpow_(0, k) = 1.0;
    qpow_(0, k) = 1.0;
    for (int a = 1; a < d1_; ++a) {
      rpow_(a, k) = rpow_(a - 1, k) * r[k];
      qpow_(a, k) = qpow_(a - 1, k) * post[k];
    }
  }
  std::vector<double> hr(n_), hq(n_);
  for (int i = 0; i < n_; ++i) {
    // H[i, j] = sum_a (sum_b theta_ab q_i^b) r_j^a: fold the post side first.
    double cq[16], cdq[16], cqd[16];
    for (int a = 0; a < d1_; ++a) {
      cq[a] = cdq[a] = cqd[a] = 0;
      for (int b = 0; b < d1_; ++b) {
        double t = theta_[a * d1_ + b];
        cq[a] += t * qpow_(b, i);                        // sum_b theta_ab q^b
        cqd[a] += b > 0 ? t * b * qpow_(b - 1, i) : 0.0; // sum_b theta_ab b q^(b-1)
      }
      cdq[a] = a > 0 ? a * cq[a] : 0.0; // a * sum_b theta_ab q^b, pairs with r^(a-1)
    }
    double *erow = e_.row(i).data();
    for (int j = 0; j < n_; ++j) {
      double h = 0, hrj = 0, hqj = 0;
      for (int a = 0; a < d1_; ++a) {
        h += cq[a] * rpow_(a, j);
        hqj += cqd[a] * rpow_(a, j);
        if (a > 0)
          hrj += cdq[a] * rpow_(a - 1, j);
      }
      erow[j] = c_.lambda * erow[j] + h;
      hr[j] = hrj;
      hq[j] = hqj;
    }
    if (!tangents)
      continue;
    for (int p = 0; p < p_; ++p) {
      int a0 = p / d1_, b0 = p % d1_;
      double *derow = de_[p].row(i).data();
      const double *drp = dr[p].data();
      double q0 = qpow_(b0, i), dpi = dpost[p][i];
      const double *ra0 = &rpow_(a0, 0);
      for (int j = 0; j < n_; ++j)
        derow[j] = c_.lambda * derow[j] + ra0[j] * q0 + hr[j] * drp[j] + hq[j] * dpi;
    }
  }
}

void ReferenceModel::step(const double *u, const double *y, double m, const double *xi,
                          bool tangents) {
  Vec r = x_.array().tanh();
  Vec post = x_ - xbar_;
  std::vector<Vec> dr, dpost;
  if (tangents) {
    dr.resize(p_);
    dpost.resize(p_);
    Vec slope = 1.0 - r.array().square();
    for (int p = 0; p < p_; ++p) {
      dr[p] = slope.cwiseProduct(dx_[p]);
      dpost[p] = dx_[p] - dxbar_[p];
    }
  }
  synapsePass(r, post, dr, dpost, tangents);

  Eigen::Map<const Vec> uv(u, i_), yv(y, o_), xiv(xi, n_);
  Vec z = wout_ * r;
  Vec diff = z - yv;
  err_ += m * diff.squaredNorm();
  scored_ += m;
  wr_.noalias() = w_ * r;
  Vec xNew = x_ + c_.alpha * (-x_ + wr_ + win_ * uv) + c_.sigma * xiv;
  if (tangents) {
    for (int p = 0; p < p_; ++p) {
      derr_[p] += m * 2.0 * diff.dot(wout_ * dr[p]);
      Vec dxNew = dx_[p] + c_.alpha * (-dx_[p] + dw_[p] * r + w_ * dr[p]);
      dxbar_[p] = c_.betaX * dxbar_[p] + (1 - c_.betaX) * dxNew;
      dx_[p] = dxNew;
    }
  }
  x_ = xNew;
  xbar_ = c_.betaX * xbar_ + (1 - c_.betaX) * x_;
}

double ReferenceModel::endTrial(double *dR) {
  double scale = std::max(1.0, scored_);
  double reward = -err_ / scale;
  double adv = reward - rbar_;
  for (int p = 0; p < p_; ++p) {
    double dreward = -derr_[p] / scale;
    double dadv = dreward - drbar_[p];
    dw_[p] += c_.eta * (dadv * e_ + adv * de_[p]);
    drbar_[p] = c_.betaR * drbar_[p] + (1 - c_.betaR) * dreward;
    if (dR)
      dR[p] = dreward;
  }
  w_ += c_.eta * adv * e_;
  rbar_ = c_.betaR * rbar_ + (1 - c_.betaR) * reward;
  return reward;
}

} // namespace plasticc::reference

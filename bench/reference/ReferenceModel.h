//===- bench/reference/ReferenceModel.h - MODEL.md written by hand --------===//
//
// The reference model of MODEL.md (rate RNN, polynomial three-factor rule,
// forward-mode tangents w.r.t. theta), written directly in C++ by hand,
// independently of the compiler. It serves twice:
//   * as the independent oracle the compiled and interpreted models are
//     checked against (tests/unit/ReferenceModelTest.cpp,
//     ReferenceVsCompiledTest.cpp), and
//   * as the hand-written baseline of the benchmarks (bench/, issue 6): the
//     fastest version of the same per-step contract we know how to write.
//     One pass over each row of synapses per step updates e and every
//     tangent lane of it and forms W r, dW_p r and W dr_p on the way
//     (SynapseKernels.h), so each O(P N^2) array is streamed once per step.
//
// Equations: MODEL.md "One trial k" and "Meta-objective and its gradient".
// Tangent lane p = a * D + b is d/dtheta[a, b] (row-major, as the compiler).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace plasticc::reference {

using Vec = Eigen::VectorXd;
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Constants of MODEL.md ("Constants (defaults)").
struct Constants {
  double alpha = 0.1;  // dt / tau
  double sigma = 0.05; // exploration noise
  double lambda = 0.95;
  double betaX = 0.8;
  double betaR = 0.9;
  double eta = 0.05;
};

/// One network of the reference model: N units, I inputs, O outputs,
/// D = d + 1 (P = D * D meta scalars, 1 <= D <= 16). Primal state and its
/// tangents. The tangents of W and e are stored in whichever layout streams
/// faster at this N (measured on AMD Zen 4, see ReferenceModel.cpp): rows
/// interleaved ([N][P][N]) while a row is at most 1 KB, lane-major
/// ([P][N][N]) beyond; the accessors return them per lane either way.
class ReferenceModel {
public:
  /// theta: D x D, row-major. Initial values are given, not drawn, so a test
  /// can copy them from another implementation's init.
  ReferenceModel(int n, int inputs, int outputs, int d1, const Constants &c,
                 const std::vector<double> &theta);

  /// Sets the per-network initial values (MODEL.md "Initial values"):
  /// w [N,N], win [N,I], wout [O,N], xInit [N].
  void setInitial(const Mat &w, const Mat &win, const Mat &wout, const Vec &xInit);

  /// Trial start: x = x_init, xbar = x, e = 0, err = 0, scored = 0; state and
  /// trace tangents zero; W, Rbar and their tangents kept.
  void beginTrial();
  /// One step t with input u[I], target y[O], mask m, noise xi[N].
  /// `tangents` false runs the primal only (tangents left untouched).
  void step(const double *u, const double *y, double m, const double *xi, bool tangents = true);
  /// Trial end: R = -err / max(1, scored); W += eta (R - Rbar) e;
  /// Rbar = betaR Rbar + (1 - betaR) R. Writes dR/dtheta (P) if non-null.
  double endTrial(double *dR);

  int lanes() const { return p_; }
  const Mat &w() const { return w_; }
  const Vec &x() const { return x_; }
  const Mat &e() const { return e_; }
  double rbar() const { return rbar_; }
  /// Tangent lane p of W, e (copies, [N,N] each) and of x ([N]).
  std::vector<Mat> dw() const { return lanesOf(dw_); }
  std::vector<Mat> de() const { return lanesOf(de_); }
  std::vector<Vec> dx() const;

private:
  std::vector<Mat> lanesOf(const Vec &all) const;
  void neurons(bool tangents);

  int n_, i_, o_, d1_, p_;
  Constants c_;
  std::vector<double> theta_;
  Mat w_, win_, wout_, e_;
  Vec x_, xbar_, xInit_;
  double err_ = 0, scored_ = 0, rbar_ = 0;
  Vec dw_, de_;                 // P N^2: (p, i, j) at p laneStride_ + i rowStride_ + j
  long laneStride_, rowStride_;
  Mat dx_, dxbar_, dr_, dpost_; // [P, N]
  Vec derr_, drbar_;            // [P]
  // Scratch, reused every step (no allocation in the hot loop).
  Mat rpow_, qpow_;             // [D, N]: r_j^a, post_i^b
  Mat cq_, cqd_;                // [D, N]: H and dH/dpost_i as polynomials in r_j
  Mat dwr_, wdr_;               // [P, N]: dW_p r, W dr_p
  Vec r_, slope_, wr_, post_, scratch_;
};

} // namespace plasticc::reference

//===- bench/reference/SynapseKernels.h - the hand-tuned synapse pass -----===//
//
// The O(N^2) and O(P N^2) part of one step of the reference model, written
// the way a performance engineer would: one pass over each row of synapses
// does everything that row needs (the trace, every tangent lane of it, and
// the three matrix-vector products the neurons need next: W r, dW_p r and
// W dr_p), eight doubles at a time with GCC/Clang vector extensions
// (AVX-512 registers under -march=native, split into narrower registers
// elsewhere). Lanes with the same presynaptic power a0 are processed
// together, so the row's shared factors are loaded once per block, and the
// degree is a compile-time constant for D <= 4 (Horner loops unrolled).
// Every O(P N^2) array is streamed exactly once per step, and nothing is
// allocated.
//
// Equations: MODEL.md "One trial k" (the trace e and x's input W r) and
// their tangents; see ReferenceModel.cpp for the derivation of each term.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace plasticc::reference::kernels {

/// The operands of one synapse pass. Matrices are row-major [N, N].
/// Tangent lanes of [N] arrays are lane-major [P, N]; element (p, i, j) of
/// the tangents of an [N, N] array sits at p laneStride + i rowStride + j,
/// so one kernel serves both layouts ReferenceModel chooses between
/// (lane-major: laneStride = N^2, rowStride = N; row-interleaved:
/// laneStride = N, rowStride = P N). D = d1, P = D^2, lane p = a * D + b.
struct SynapsePass {
  int n = 0, d1 = 0;
  double lambda = 0;
  const double *rpow = nullptr;  ///< [D, N]: r_j^a
  const double *qpow = nullptr;  ///< [D, N]: post_i^b
  const double *cq = nullptr;    ///< [D, N]: sum_b theta_ab post_i^b (rowPolynomials)
  const double *cqd = nullptr;   ///< [D, N]: sum_b theta_ab b post_i^(b-1) (tangents only)
  const double *r = nullptr;     ///< [N]: r_j
  const double *w = nullptr;     ///< W
  double *e = nullptr;           ///< e, updated
  double *wr = nullptr;          ///< [N] out: W r
  // Tangents (all null for a primal-only pass).
  const double *dw = nullptr;    ///< dW/dtheta_p (strides below)
  double *de = nullptr;          ///< de/dtheta_p (strides below), updated
  long laneStride = 0, rowStride = 0;
  const double *dr = nullptr;    ///< [P, N]: dr/dtheta_p
  const double *dpost = nullptr; ///< [P, N]: dpost/dtheta_p
  double *dwr = nullptr;         ///< [P, N] out: dW_p r
  double *wdr = nullptr;         ///< [P, N] out: W dr_p
  double *scratch = nullptr;     ///< [2 N]
};

/// H(r_j, post_i) = sum_ab theta_ab r_j^a post_i^b folded on the post side,
/// for every row i at once (vectorised over i): cq[a, i] = sum_b theta_ab
/// post_i^b and, if cqd is non-null, cqd[a, i] = sum_b theta_ab b post_i^(b-1)
/// (the coefficients of dH/dpost_i as a polynomial in r_j).
void rowPolynomials(int n, int d1, const double *theta, const double *qpow, double *cq,
                    double *cqd);

/// Runs the pass: for every row i and column j,
///   e[i,j] = lambda e[i,j] + H(r_j, post_i),  H = sum_ab theta_ab r^a post^b,
/// W r, and with tangents, for every lane p = (a0, b0),
///   de_p[i,j] = lambda de_p[i,j] + r_j^a0 post_i^b0
///               + dH/dr_j dr_p[j] + dH/dpost_i dpost_p[i],
/// dW_p r and W dr_p.
void synapsePass(const SynapsePass &pass);

/// y[k] += s * x[k] + t * z[k] for k < n (the reward event's dW update).
void axpby(long n, double s, const double *x, double t, const double *z, double *y);

} // namespace plasticc::reference::kernels

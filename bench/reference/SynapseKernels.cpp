//===- bench/reference/SynapseKernels.cpp - the hand-tuned synapse pass ---===//
#include "bench/reference/SynapseKernels.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

// Vectors are passed by value only between inline helpers of this file, so
// the ABI note about 64-byte vectors without AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace plasticc::reference::kernels {

namespace {

// Eight doubles: one AVX-512 register under -march=native on a machine that
// has it. Loads and stores go through memcpy, so rows need not be aligned.
typedef double V __attribute__((vector_size(64)));
constexpr int kW = 8;
constexpr int kMaxBlock = 4; // lanes per block (registers: 2 accumulators each)
constexpr int kMaxD = 16;

inline V load(const double *p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double *p, V v) { std::memcpy(p, &v, sizeof v); }
inline V splat(double s) { return V{} + s; }
typedef double V4 __attribute__((vector_size(32)));
typedef double V2 __attribute__((vector_size(16)));
inline double sum(V v) { // pairwise: halves added as vectors
  V4 h = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
  V2 q = __builtin_shufflevector(h, h, 0, 1) + __builtin_shufflevector(h, h, 2, 3);
  return q[0] + q[1];
}

/// sum_{a < count} c[a] x^a by Horner (count >= 1), on doubles or vectors.
template <typename T> inline T horner(int count, const double *c, T x) {
  T acc = T{} + c[count - 1];
  for (int a = count - 2; a >= 0; --a)
    acc = acc * x + c[a];
  return acc;
}

/// Row i's polynomials in r_j (from rowPolynomials):
///   H       = sum_a cq[a] r^a
///   dH/dr   = sum_a cr[a] r^a,  cr[a] = (a + 1) cq[a + 1]
///   dH/dpost = sum_a cqd[a] r^a
struct RowPolys {
  double cq[kMaxD], cr[kMaxD], cqd[kMaxD];
  RowPolys(int D, const SynapsePass &a, int i) {
    for (int k = 0; k < D; ++k) {
      cq[k] = a.cq[k * a.n + i];
      cqd[k] = a.cqd ? a.cqd[k * a.n + i] : 0.0;
    }
    for (int k = 0; k + 1 < D; ++k)
      cr[k] = (k + 1) * cq[k + 1];
  }
};

/// e row update and W r for row i.
template <int DC>
double primalRow(int n, int D, double lambda, const double *cq, const double *r,
                 const double *w, double *e) {
  const V lam = splat(lambda);
  V acc = V{};
  int j = 0;
  for (; j + kW <= n; j += kW) {
    const V R = load(r + j);
    store(e + j, lam * load(e + j) + horner(DC ? DC : D, cq, R));
    acc += load(w + j) * R;
  }
  double s = sum(acc);
  for (; j < n; ++j) {
    e[j] = lambda * e[j] + horner(DC ? DC : D, cq, r[j]);
    s += w[j] * r[j];
  }
  return s;
}

/// hr[j] = dH/dr_j and hq[j] = dH/dpost_i of row i (D >= 2).
template <int DC>
void rowFactors(int n, int D, const RowPolys &poly, const double *r, double *hr, double *hq) {
  const int d = DC ? DC : D;
  int j = 0;
  for (; j + kW <= n; j += kW) {
    const V R = load(r + j);
    store(hr + j, horner(d - 1, poly.cr, R));
    store(hq + j, horner(d, poly.cqd, R));
  }
  for (; j < n; ++j) {
    hr[j] = horner(d - 1, poly.cr, r[j]);
    hq[j] = horner(d, poly.cqd, r[j]);
  }
}

/// B lanes of row i sharing the presynaptic factor ra0 = r^a0; see
/// synapsePass. Row pointers de[b], dw[b], dr[b]; scalars q0[b] =
/// post_i^b0 and dp[b] = dpost_p[i]; results dwr[b], wdr[b].
template <int B>
void laneBlock(int n, double lambda, const double *ra0, const double *hr, const double *hq,
               const double *r, const double *w, double *const *de, const double *const *dw,
               const double *const *dr, const double *q0, const double *dp, double *dwr,
               double *wdr) {
  const V lam = splat(lambda);
  // Row pointers in locals: the vector stores (memcpy) may alias anything
  // in memory, so pointers read through de/dw/dr would be reloaded after
  // every store; locals whose address never escapes stay in registers.
  double *deL[B];
  const double *dwL[B], *drL[B];
  V q[B], dpv[B], accW[B], accD[B];
  for (int b = 0; b < B; ++b) {
    deL[b] = de[b];
    dwL[b] = dw[b];
    drL[b] = dr[b];
    q[b] = splat(q0[b]);
    dpv[b] = splat(dp[b]);
    accW[b] = V{};
    accD[b] = V{};
  }
  int j = 0;
  for (; j + kW <= n; j += kW) {
    const V R = load(r + j), W = load(w + j), HR = load(hr + j), HQ = load(hq + j),
            RA = load(ra0 + j);
    for (int b = 0; b < B; ++b) { // unrolled: B is a constant
      const V DR = load(drL[b] + j);
      store(deL[b] + j, lam * load(deL[b] + j) + RA * q[b] + HR * DR + HQ * dpv[b]);
      accW[b] += load(dwL[b] + j) * R;
      accD[b] += W * DR;
    }
  }
  for (int b = 0; b < B; ++b) {
    double sW = sum(accW[b]), sD = sum(accD[b]);
    for (int k = j; k < n; ++k) {
      de[b][k] = lambda * de[b][k] + ra0[k] * q0[b] + hr[k] * dr[b][k] + hq[k] * dp[b];
      sW += dw[b][k] * r[k];
      sD += w[k] * dr[b][k];
    }
    dwr[b] = sW;
    wdr[b] = sD;
  }
}

void laneBlockAny(int lanes, int n, double lambda, const double *ra0, const double *hr,
                  const double *hq, const double *r, const double *w, double *const *de,
                  const double *const *dw, const double *const *dr, const double *q0,
                  const double *dp, double *dwr, double *wdr) {
  switch (lanes) {
  case 1:
    return laneBlock<1>(n, lambda, ra0, hr, hq, r, w, de, dw, dr, q0, dp, dwr, wdr);
  case 2:
    return laneBlock<2>(n, lambda, ra0, hr, hq, r, w, de, dw, dr, q0, dp, dwr, wdr);
  case 3:
    return laneBlock<3>(n, lambda, ra0, hr, hq, r, w, de, dw, dr, q0, dp, dwr, wdr);
  default:
    return laneBlock<4>(n, lambda, ra0, hr, hq, r, w, de, dw, dr, q0, dp, dwr, wdr);
  }
}

/// Lanes p = a0 D + b0 .. + lanes - 1 (one block sharing a0) of row i.
template <int DC>
void tangentBlock(const SynapsePass &a, int D, int i, int a0, int b0, int lanes,
                  const double *hr, const double *hq) {
  const int n = a.n;
  double *de[kMaxBlock];
  const double *dw[kMaxBlock], *dr[kMaxBlock];
  double q0[kMaxBlock], dp[kMaxBlock], dwr[kMaxBlock], wdr[kMaxBlock];
  for (int b = 0; b < lanes; ++b) {
    const int p = a0 * D + b0 + b;
    de[b] = a.de + p * a.laneStride + i * a.rowStride;
    dw[b] = a.dw + p * a.laneStride + i * a.rowStride;
    dr[b] = a.dr + static_cast<int64_t>(p) * n;
    q0[b] = a.qpow[(b0 + b) * n + i];
    dp[b] = a.dpost[static_cast<int64_t>(p) * n + i];
  }
  const double *ra0 = a.rpow + static_cast<int64_t>(a0) * n;
  const double *w = a.w + static_cast<int64_t>(i) * n;
  if (DC > 0 && DC <= kMaxBlock)
    laneBlock<(DC > 0 && DC <= kMaxBlock ? DC : 1)>(n, a.lambda, ra0, hr, hq, a.r, w, de, dw, dr,
                                                    q0, dp, dwr, wdr);
  else
    laneBlockAny(lanes, n, a.lambda, ra0, hr, hq, a.r, w, de, dw, dr, q0, dp, dwr, wdr);
  for (int b = 0; b < lanes; ++b) {
    const int64_t p = a0 * D + b0 + b;
    a.dwr[p * n + i] = dwr[b];
    a.wdr[p * n + i] = wdr[b];
  }
}

/// The pass with D fixed at compile time (DC > 0) or read from `a` (DC = 0).
/// The primal rows come first (W is read once more, N^2 of P N^2 traffic).
/// Then the tangents in the order that streams best for the layout:
/// row-interleaved tangents row by row (each row of all lanes is one
/// contiguous stretch); lane-major tangents block by block, all rows of a
/// block before the next (8 long sequential streams: 5-10% faster at
/// N = 256 and 512 than visiting every block in each row), recomputing a
/// row's dH/dr and dH/dpost for each block (a few FMAs per synapse).
template <int DC> void pass(const SynapsePass &a) {
  const int n = a.n, D = DC ? DC : a.d1;
  for (int i = 0; i < n; ++i) {
    const RowPolys poly(D, a, i);
    a.wr[i] = primalRow<DC>(n, D, a.lambda, poly.cq, a.r, a.w + static_cast<int64_t>(i) * n,
                            a.e + static_cast<int64_t>(i) * n);
  }
  if (!a.de)
    return;
  double *hr = a.scratch, *hq = a.scratch + n;
  if (D == 1) { // dH/dr = dH/dpost = 0
    std::fill(hr, hr + n, 0.0);
    std::fill(hq, hq + n, 0.0);
  }
  auto factors = [&](int i) {
    if (D > 1)
      rowFactors<DC>(n, D, RowPolys(D, a, i), a.r, hr, hq);
  };
  if (a.laneStride < a.rowStride) { // row-interleaved
    for (int i = 0; i < n; ++i) {
      factors(i);
      for (int a0 = 0; a0 < D; ++a0)
        for (int b0 = 0; b0 < D; b0 += kMaxBlock)
          tangentBlock<DC>(a, D, i, a0, b0, std::min(kMaxBlock, D - b0), hr, hq);
    }
    return;
  }
  for (int a0 = 0; a0 < D; ++a0)
    for (int b0 = 0; b0 < D; b0 += kMaxBlock)
      for (int i = 0; i < n; ++i) {
        factors(i);
        tangentBlock<DC>(a, D, i, a0, b0, std::min(kMaxBlock, D - b0), hr, hq);
      }
}

} // namespace

void rowPolynomials(int n, int d1, const double *theta, const double *qpow, double *cq,
                    double *cqd) {
  std::fill(cq, cq + static_cast<int64_t>(d1) * n, 0.0);
  if (cqd)
    std::fill(cqd, cqd + static_cast<int64_t>(d1) * n, 0.0);
  for (int a = 0; a < d1; ++a)
    for (int b = 0; b < d1; ++b) {
      const double t = theta[a * d1 + b];
      double *c = cq + static_cast<int64_t>(a) * n;
      const double *q = qpow + static_cast<int64_t>(b) * n;
      for (int i = 0; i < n; ++i)
        c[i] += t * q[i];
      if (cqd && b > 0) {
        double *cd = cqd + static_cast<int64_t>(a) * n;
        const double *q1 = qpow + static_cast<int64_t>(b - 1) * n;
        for (int i = 0; i < n; ++i)
          cd[i] += t * b * q1[i];
      }
    }
}

void synapsePass(const SynapsePass &a) {
  switch (a.d1) {
  case 1:
    return pass<1>(a);
  case 2:
    return pass<2>(a);
  case 3:
    return pass<3>(a);
  case 4:
    return pass<4>(a);
  default:
    return pass<0>(a);
  }
}

void axpby(long n, double s, const double *x, double t, const double *z, double *y) {
  for (long k = 0; k < n; ++k)
    y[k] += s * x[k] + t * z[k];
}

} // namespace plasticc::reference::kernels

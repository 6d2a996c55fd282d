/*===- tests/c/layout_bench.c - lane-major vs element-major tangents ------===*
 *
 * The measurement behind the tangent layout of plasticc (docs/codegen.md):
 * the fused per-synapse tangent work of one step of the reference model
 * after factoring (what `plasticc --emit=loops examples/rnn_poly.plast`
 * shows in its synapse nest), written by hand in the two candidate layouts:
 *
 *   lane-major     de[p][i][j], dW[p][i][j], dx[p][j]  (dialect/Layout.h)
 *                  loops i, p, j: j innermost and contiguous
 *   element-major  de[i][j][p], dW[i][j][p], dx[j][p]
 *                  loops i, j, p: the P lanes innermost and contiguous
 *
 * Build and run: clang -O3 -march=native tests/c/layout_bench.c -lm -o lb && ./lb [N] [P]
 * It prints microseconds per step for each layout and checks that both
 * compute the same numbers. Not part of the test suite (timing only).
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double *make(size_t n, double scale) {
  double *a = aligned_alloc(64, ((n * sizeof(double) + 63) / 64) * 64);
  for (size_t k = 0; k < n; ++k)
    a[k] = scale * sin(0.37 * (double)k + 1.0);
  return a;
}

/* One step, lane-major. c: [4][P][N] row coefficients, col: [3][N] column
 * factors r^1..r^3, H: [N][N] primal matrix, dx: [P][N], W: [N][N]. */
static void laneMajor(int n, int P, double *restrict de, const double *restrict dW,
                      const double *restrict W, const double *restrict c, const double *restrict col,
                      const double *restrict H, const double *restrict dx, const double *restrict r,
                      double *restrict acc1, double *restrict acc2) {
  for (int i = 0; i < n; ++i)
    for (int p = 0; p < P; ++p) {
      double c0 = c[(0 * P + p) * n + i], c1 = c[(1 * P + p) * n + i];
      double c2 = c[(2 * P + p) * n + i], c3 = c[(3 * P + p) * n + i];
      double *d = de + ((size_t)p * n + i) * n;
      const double *dw = dW + ((size_t)p * n + i) * n, *x = dx + (size_t)p * n;
      double a1 = 0, a2 = 0;
      /* As plasticc's code: the sums over j may be reassociated (vectorised). */
#pragma clang loop vectorize(enable)
      for (int j = 0; j < n; ++j) {
        d[j] = 0.95 * d[j] + c0 + c1 * col[j] + c2 * col[n + j] + c3 * col[2 * n + j] + H[i * n + j] * x[j];
        a1 += dw[j] * r[j];
        a2 += W[i * n + j] * x[j];
      }
      acc1[p * n + i] = a1;
      acc2[p * n + i] = a2;
    }
}

/* The same, element-major: lanes innermost. */
static void elementMajor(int n, int P, double *restrict de, const double *restrict dW,
                         const double *restrict W, const double *restrict c, const double *restrict col,
                         const double *restrict H, const double *restrict dx, const double *restrict r,
                         double *restrict acc1, double *restrict acc2) {
  for (int i = 0; i < n; ++i) {
    double a1[64] = {0}, a2[64] = {0};
    for (int j = 0; j < n; ++j) {
      double *d = de + ((size_t)i * n + j) * P;
      const double *dw = dW + ((size_t)i * n + j) * P, *x = dx + (size_t)j * P;
      const double *ci = c + (size_t)i * 4 * P;
      double hij = H[i * n + j], wij = W[i * n + j], rj = r[j];
      double r1 = col[j], r2 = col[n + j], r3 = col[2 * n + j];
      for (int p = 0; p < P; ++p) {
        d[p] = 0.95 * d[p] + ci[p] + ci[P + p] * r1 + ci[2 * P + p] * r2 + ci[3 * P + p] * r3 + hij * x[p];
        a1[p] += dw[p] * rj;
        a2[p] += wij * x[p];
      }
    }
    for (int p = 0; p < P; ++p) {
      acc1[i * P + p] = a1[p];
      acc2[i * P + p] = a2[p];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 128, P = argc > 2 ? atoi(argv[2]) : 16;
  if (P > 64)
    P = 64;
  size_t nn = (size_t)n * n;
  double *deL = make(nn * P, 0.1), *deE = make(nn * P, 0.1), *dWL = make(nn * P, 0.01), *dWE = make(nn * P, 0.01);
  double *W = make(nn, 0.1), *H = make(nn, 0.2), *col = make(3 * (size_t)n, 0.5), *r = make(n, 0.5);
  double *cL = make(4 * (size_t)P * n, 0.05), *cE = make(4 * (size_t)P * n, 0.05);
  double *dxL = make((size_t)P * n, 0.3), *dxE = make((size_t)P * n, 0.3);
  double *a1L = make((size_t)P * n, 0), *a2L = make((size_t)P * n, 0), *a1E = make((size_t)P * n, 0), *a2E = make((size_t)P * n, 0);
  /* Same values in both layouts. */
  for (int p = 0; p < P; ++p)
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        deE[((size_t)i * n + j) * P + p] = deL[((size_t)p * n + i) * n + j];
        dWE[((size_t)i * n + j) * P + p] = dWL[((size_t)p * n + i) * n + j];
      }
      dxE[(size_t)i * P + p] = dxL[(size_t)p * n + i];
      for (int k = 0; k < 4; ++k)
        cE[((size_t)i * 4 + k) * P + p] = cL[((size_t)k * P + p) * n + i];
    }
  int steps = 200;
  double best[2] = {1e9, 1e9};
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    for (int s = 0; s < steps; ++s)
      laneMajor(n, P, deL, dWL, W, cL, col, H, dxL, r, a1L, a2L);
    double t1 = now();
    for (int s = 0; s < steps; ++s)
      elementMajor(n, P, deE, dWE, W, cE, col, H, dxE, r, a1E, a2E);
    double t2 = now();
    best[0] = fmin(best[0], (t1 - t0) / steps * 1e6);
    best[1] = fmin(best[1], (t2 - t1) / steps * 1e6);
  }
  double diff = 0;
  for (int p = 0; p < P; ++p)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        diff = fmax(diff, fabs(deE[((size_t)i * n + j) * P + p] - deL[((size_t)p * n + i) * n + j]));
  printf("N=%d P=%d: lane-major %.1f us/step, element-major %.1f us/step (max |difference| %.1e)\n", n, P,
         best[0], best[1], diff);
  return diff < 1e-9 ? 0 : 1;
}

// Helpers that exercise every construct CppImport lifts, for
// CppImportTest.cpp: the test compiles this file natively (it is part of
// the unit-test binary, built by the project's compiler) and through
// plasticc, and compares the two over a grid of inputs.
#include <algorithm>
#include <cmath>

namespace {
const int kTerms = 5;
}

// Locals, compound assignment, a parameter assigned, integer constants.
double poly(double x, double a) {
  double y = a * x + 1;
  y -= x / 4;
  y *= 1 + x * x / 3;
  x = x - 7 / 2;
  return y + x;
}

// A for loop with a constant trip count (a const global bound), integer
// arithmetic inside, a <cmath> call per trip.
double series(double x, double a) {
  double s = 0, term = 1;
  for (int k = 1; k <= kTerms; ++k) {
    term *= x / k;
    s += term * std::cos(a * k);
  }
  return s;
}

// Guard clauses, && || !, ?:, a while loop, a return inside a loop.
double branches(double x, double a) {
  if (x < -2 || x != x)
    return std::exp(x);
  if (!(a <= 1) && x > 0)
    return std::sqrt(x) * a;
  double y = x > 0 ? std::log1p(x) : std::expm1(x);
  int n = 0;
  while (n < 3) {
    y = 0.5 * y + std::tanh(a + n);
    n += 1;
  }
  for (int k = 0; k < 4; ++k)
    if (y > 0.5 + k)
      return y - k;
  return y;
}

// Joins of a variable set in both branches, nested ifs, calls of the
// other helpers of the file, min / max / fabs / pow / atan2.
double combined(double x, double a) {
  double y = 0;
  if (x > a) {
    y = poly(x, a);
    if (y > 1)
      y = std::min(y, 3.0);
  } else {
    y = series(x, a) - std::fabs(a);
  }
  double z = std::max(y, -1.0) + std::pow(std::fabs(x) + 1, a) + std::atan2(x, a + 2);
  return z + std::fmin(std::sinh(x / 4), std::cosh(a)) + std::floor(3 * x) / 8 + std::ceil(a);
}

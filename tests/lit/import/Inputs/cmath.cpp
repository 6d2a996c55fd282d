// <cmath> (and std::min / std::max) calls become the built-in of the same
// meaning: std:: or not, fabs and abs both abs, fmin/fmax min/max; pow
// stays a real power even with an integer exponent, as in C++.
#include <algorithm>
#include <cmath>

double transfer(double x, double y) {
  double a = std::exp(x) + log(y) + std::sqrt(y) + std::tanh(x);
  double b = std::sin(x) * std::cos(x) / std::tan(y) + std::atan2(y, x);
  double c = std::asin(x) + std::acos(x) + std::atan(x) + std::sinh(x) + std::cosh(x);
  double d = std::log1p(y) + std::expm1(x) + std::floor(y) + std::ceil(y);
  double e = std::fabs(x) + std::abs(y) + std::pow(x, 2) + std::fmin(x, y) + std::fmax(x, y);
  return a + b + c + d + e + std::min(x, y) + std::max(x, y);
}

// Input of ../../import-long-function.plast; the CHECK lines are its FileCheck checks.
// One function, unrolled: 4000 trips of about 30 operations each.
#include <cmath>
double smooth(double x) {
  for (int k = 0; k < 4000; ++k)
    x = x + 0.001 * (std::tanh(x) - x * x * x / 3 + std::sin(x) * std::cos(x) - std::exp(-x * x) + x / (1 + x * x));
// CHECK: long-function.cpp:[[@LINE-1]]:{{[0-9]+}}: error: this function is too large once its loops are unrolled (more than 10000 operations)
  return x;
}

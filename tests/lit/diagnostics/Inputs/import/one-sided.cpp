// Input of ../../import-one-sided.plast; the CHECK lines are its FileCheck checks.
double gate(double x) {
  double y;
  if (x > 0)
    y = x;
  return y;
// CHECK: one-sided.cpp:[[@LINE-1]]:10: error: 'y' is assigned on one side of an 'if' only, so it has no value here on every path
}

// Input of ../../import-static-local.plast; the CHECK lines are its FileCheck checks.
double counter(double x) {
  static double n = 0;
// CHECK: static-local.cpp:[[@LINE-1]]:21: error: static variable 'n' keeps its value between calls; a helper must be pure
  n += 1;
  return x + n;
}

// Input of ../../import-float.plast; the CHECK lines are its FileCheck checks.
float half(double x) { return x / 2; }
// CHECK: float.cpp:[[@LINE-1]]:1: error: 'half' returns 'float'; a lifted helper returns double (plasticc computes in f64)

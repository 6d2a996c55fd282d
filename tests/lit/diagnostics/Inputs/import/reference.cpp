// Input of ../../import-reference.plast; the CHECK lines are its FileCheck checks.
double same(const double &x) { return x; }
// CHECK: reference.cpp:[[@LINE-1]]:13: error: parameter 'x' of 'same' is a reference; a lifted helper takes its arguments by value (double)

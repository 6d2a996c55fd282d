// Input of ../../import-nested-error.plast; the CHECK lines are its FileCheck checks.
#include <cmath>
double inner(double x) { return std::log10(x); }
// CHECK: nested-error.cpp:[[@LINE-1]]:33: error: a call of 'log10'
double outer(double x) { return inner(x) + 1; }

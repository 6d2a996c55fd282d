// Input of ../../import-clang-error.plast; the CHECK lines are its FileCheck checks.
double broken(double x) { return x + undeclared; }
// CHECK: clang-error.cpp:[[@LINE-1]]:38: error: use of undeclared identifier 'undeclared'

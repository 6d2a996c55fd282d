// Input of ../../import-recursion.plast; the CHECK lines are its FileCheck checks.
double fact(double n) { return n > 1 ? n * fact(n - 1) : 1; }
// CHECK: recursion.cpp:[[@LINE-1]]:44: error: 'fact' calls itself (recursion); helpers are inlined, so none may call itself, directly or through others

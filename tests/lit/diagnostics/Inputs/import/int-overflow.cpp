// Input of ../../import-int-overflow.plast; the CHECK lines are its FileCheck checks.
#include <climits>
double overflows(double x) {
  int k = INT_MAX;
  k = k + 1;
// CHECK: int-overflow.cpp:[[@LINE-1]]:7: error: this integer arithmetic overflows 'int' (undefined in C++)
  return x + k;
}

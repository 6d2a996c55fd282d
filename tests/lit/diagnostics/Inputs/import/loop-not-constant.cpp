// Input of ../../import-loop-not-constant.plast; the CHECK lines are its FileCheck checks.
double power(double x, double n) {
  double p = 1;
  for (int k = 0; k < n; ++k)
// CHECK: loop-not-constant.cpp:[[@LINE-1]]:19: error: the condition of this loop is not a compile-time constant; plasticc unrolls loops, so a loop's trip count must not depend on the helper's arguments
    p *= x;
  return p;
}

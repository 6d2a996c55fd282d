// Input of ../../import-no-return.plast; the CHECK lines are its FileCheck checks.
double partial(double x) {
  if (x > 0)
    return x;
}
// CHECK: no-return.cpp:[[@LINE-1]]:1: error: control reaches the end of 'partial' without a return

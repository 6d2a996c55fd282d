// Input of ../../import-break.plast; the CHECK lines are its FileCheck checks.
double capped(double x) {
  for (int k = 0; k < 4; ++k) {
    if (x > 10)
      break;
// CHECK: break.cpp:[[@LINE-1]]:7: error: 'break' is outside the subset; loops run their whole trip count
    x = 2 * x;
  }
  return x;
}

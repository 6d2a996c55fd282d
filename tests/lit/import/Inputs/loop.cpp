// Loops whose trip count is known while lifting are unrolled: a for loop
// with an integer counter, a while loop, a loop whose bound is a const
// global, and a loop with a return inside (each trip's test splits the rest).
#include <cmath>

const int kTerms = 3;

double series(double x) {
  double s = 0, term = 1;
  for (int k = 1; k <= kTerms; ++k) {
    term *= x / k;
    s += term;
  }
  return s;
}

double halve(double x) {
  int n = 0;
  while (n < 2) {
    x = x / 2;
    n += 1;
  }
  return x;
}

double first_above(double x) {
  for (int k = 0; k < 2; k++)
    if (x * k > 1)
      return k;
  return -1;
}

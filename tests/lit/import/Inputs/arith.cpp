// Arithmetic on doubles, locals assigned more than once, a parameter
// assigned, a compound assignment, and integer arithmetic (C++'s rules:
// 7 / 2 is 3) folded while lifting.
double affine(double x, double a) {
  double y = a * x + 1;
  y -= x / 4;
  x = x * x;
  return -y + x + 7 / 2;
}

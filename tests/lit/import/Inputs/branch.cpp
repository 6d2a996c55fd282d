// if/else and ?: on run-time conditions become selects: a variable set on
// both sides is joined (select(cond, then, else)); a return inside an if
// splits the rest of the function; && || ! on masks; a condition known
// while lifting picks its branch.
double leaky(double x, double slope) {
  double y = x;
  if (x < 0 && slope != 1)
    y = slope * x;
  else if (!(x < 10))
    y = 10;
  return y;
}

double clamp01(double x) {
  if (x < 0)
    return 0;
  if (x > 1 || x != x)
    return 1;
  return x;
}

double pick(double x) {
  const int mode = 2;
  return mode == 2 ? x * x : (x > 0 ? x : -x);
}

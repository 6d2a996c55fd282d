// Helpers for shapes.plast: a function of two arguments, and one whose
// result does not depend on its argument.
double hebb(double pre, double post) { return pre * post - 0.5 * post * post; }

double one(double x) { return 1; }

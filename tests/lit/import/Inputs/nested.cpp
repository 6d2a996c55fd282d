// A helper may call other functions of its file; they are lifted too and
// inlined at each call (the model need not import them).
#include <cmath>

double square(double v) { return v * v; }

double energy(double x, double y) { return 0.5 * (square(x) + square(y)); }

// Input of ../../import-unknown-call.plast; the CHECK lines are its FileCheck checks.
#include <cmath>
double decibel(double x) { return 10 * std::log10(x); }
// CHECK: unknown-call.cpp:[[@LINE-1]]:40: error: a call of 'log10', which is neither a <cmath> function plasticc maps to a built-in (exp log sqrt tanh sin cos tan asin acos atan atan2 sinh cosh log1p expm1 fabs abs floor ceil pow fmin fmax min max) nor a function defined in the imported file

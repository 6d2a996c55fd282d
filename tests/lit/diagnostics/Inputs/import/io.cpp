// Input of ../../import-io.plast; the CHECK lines are its FileCheck checks.
#include <cstdio>
double traced(double x) {
  std::printf("%f\n", x);
// CHECK: io.cpp:[[@LINE-1]]:3: error: a call of 'printf', which is neither a <cmath> function plasticc maps to a built-in (exp log {{.*}}) nor a function defined in the imported file; a helper must be pure (no I/O)
  return x;
}

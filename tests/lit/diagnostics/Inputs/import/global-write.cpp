// Input of ../../import-global-write.plast; the CHECK lines are its FileCheck checks.
double last = 0;
double remember(double x) {
  last = x;
// CHECK: global-write.cpp:[[@LINE-1]]:3: error: writes the global variable 'last'; a helper must be pure
  return x;
}

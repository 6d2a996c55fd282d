// Input of ../../import-unsigned.plast; the CHECK lines are its FileCheck checks.
double wraps(double x) {
  unsigned k = 0;
// CHECK: unsigned.cpp:[[@LINE-1]]:3: error: variable 'k' has type 'unsigned int'; a helper's variables are double, bool or integer constants (no pointers, references or arrays)
  k = k - 1;
  return x + k;
}

// Input of ../../import-switch.plast; the CHECK lines are its FileCheck checks.
double code(double x) {
  switch (static_cast<int>(x)) {
// CHECK: switch.cpp:[[@LINE-1]]:3: error: 'switch' is outside the subset; write it with if/else
  case 0: return 1;
  default: return 2;
  }
}

// Input of ../../import-pointer.plast; the CHECK lines are its FileCheck checks.
double deref(double *p) { return *p; }
// CHECK: pointer.cpp:[[@LINE-1]]:14: error: parameter 'p' of 'deref' is a pointer; a lifted helper takes its arguments by value (double)
// CHECK-NEXT: {{^}} [[@LINE-2]] | double deref(double *p) { return *p; }
// CHECK-NEXT: {{^}}    |              ^~~~~~~~~

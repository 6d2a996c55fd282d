// Input of ../../import-global-read.plast; the CHECK lines are its FileCheck checks.
double gain = 2;
const double offset = 0.5;
double scaled(double x) { return x * gain + offset; }
// CHECK: global-read.cpp:[[@LINE-1]]:38: error: reads the global variable 'gain'; a helper may read only its parameters, its locals and constants

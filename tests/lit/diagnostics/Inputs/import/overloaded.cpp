// Input of ../../import-overloaded.plast; the CHECK lines are its FileCheck checks.
double mix(double x) { return x; }
double mix(double x, double y) { return x + y; }
// CHECK: overloaded.cpp:[[@LINE-1]]:8: error: 'mix' is defined more than once (overloads or namespaces); plasticc imports a function by its name, so the name must be unique in the file

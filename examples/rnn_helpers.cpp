// C++ helpers of examples/rnn_helpers.plast. plasticc parses this file with
// Clang and lifts the two functions the model imports into its own
// language (docs/language.md "Imports"), so they get tangents, fusion and
// vectorisation like the model's own equations. Any C++17 compiler builds
// the same file, which is how tests/unit/CppImportTest.cpp checks that the
// lifted functions compute what the C++ computes.
#include <cmath>

// The rate of a unit with self-excitation w: the fixed point of
// r = tanh(x + w r) (unique for |w| < 1), by a fixed number of
// iterations from r = tanh(x). A loop with a constant trip count is
// unrolled; each iteration is a std::tanh.
double rate(double x, double w) {
  double r = std::tanh(x);
  for (int k = 0; k < 6; ++k)
    r = std::tanh(x + w * r);
  return r;
}

// The post-synaptic deviation with a dead zone of half-width kappa: 0
// inside it, shrunk towards 0 by kappa outside (a soft threshold). The
// branches become selects.
double soft_threshold(double v, double kappa) {
  if (v > kappa)
    return v - kappa;
  if (v < -kappa)
    return v + kappa;
  return 0.0;
}

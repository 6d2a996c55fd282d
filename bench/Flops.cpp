//===- bench/Flops.cpp - floating-point work and traffic of one step ------===//
#include "bench/Flops.h"

namespace plasticc::bench {

namespace {

// Per-neuron and per-row work shared by both kinds of step (see Flops.h).
double neuronFlops(double n, double d1, double inputs, double outputs) {
  double powers = 3 + 2 * (d1 - 1);           // 1 - r^2, x - xbar, r^a and post^b
  double rowCoeffs = 5 * d1 * d1 - 3 * d1;     // cq[a], cqd[a] of each row i
  double readout = 2 * outputs + 3 * outputs; // z = Wout r, (z - y)^2 summed
  double update = 2 * inputs + 6 + 3;         // x += alpha(-x + Wr + Win u) + sigma xi; xbar
  return n * (powers + rowCoeffs + readout + update);
}

} // namespace

StepCost primalStepCost(double n, double d1, double inputs, double outputs) {
  StepCost c;
  double perSynapse = 2 * (d1 - 1) + 2 + 2; // e = lambda e + H (Horner), W r
  c.flops = perSynapse * n * n + neuronFlops(n, d1, inputs, outputs);
  c.bytes = 8 * 3 * n * n; // e read and written, W read
  return c;
}

StepCost tangentStepCost(double n, double d1, double inputs, double outputs) {
  double p = d1 * d1;
  StepCost c = primalStepCost(n, d1, inputs, outputs);
  double factors = d1 >= 2 ? 2 * (d1 - 2) + 2 * (d1 - 1) : 0; // dH/dr, dH/dpost per synapse
  double perLaneSynapse = 11;
  double perLaneNeuron = 1 + 1 + 7 + 2 * outputs; // dr, dpost, dx and dxbar, Wout dr
  c.flops += (factors + perLaneSynapse * p) * n * n + perLaneNeuron * p * n;
  c.bytes += 8 * 3 * p * n * n; // de read and written, dW read, per lane
  return c;
}

} // namespace plasticc::bench

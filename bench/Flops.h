//===- bench/Flops.h - floating-point work and traffic of one step --------===//
//
// The floating-point operations of one step of the reference model
// (MODEL.md "One trial k" and its tangents) as a function of N, D = d + 1
// (P = D^2 lanes), I and O, counted on the algorithm of the hand-written
// model (bench/reference): an FMA counts 2, tanh counts 0 (N calls per step,
// negligible). The same count divides both implementations' times, so
// GFLOP/s is useful work per second, not instructions the compiler happened
// to emit. The leading term of the tangent step is (11 P + 6 D - 4) N^2
// (D >= 2):
//   per lane and synapse 11 (de: 1 mul + 3 FMA; dW_p r and W dr_p: 2 FMA),
//   per synapse 6 D - 4 (e: Horner 2(D-1) + 2; W r: 2; dH/dr and dH/dpost:
//   Horner 2(D-2) + 2(D-1)).
// Bytes are the compulsory memory traffic of the O(N^2) arrays: each is read
// once per step and the traces are also written back (8 bytes per double).
//
//===----------------------------------------------------------------------===//
#pragma once

namespace plasticc::bench {

/// Work of one step.
struct StepCost {
  double flops = 0; ///< floating-point operations (FMA = 2)
  double bytes = 0; ///< compulsory traffic of the [N,N] arrays and their lanes
};

/// One step with tangents (all P = d1^2 lanes).
StepCost tangentStepCost(double n, double d1, double inputs = 2, double outputs = 1);
/// One step without tangents.
StepCost primalStepCost(double n, double d1, double inputs = 2, double outputs = 1);

} // namespace plasticc::bench

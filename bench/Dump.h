//===- bench/Dump.h - one network's data, for the PyTorch comparison ------===//
//
// `plasticc-bench --dump=DIR [--dump-n=N] [--dump-d=d] [--dump-trials=K]`
// draws a network with the compiled model, computes one meta-gradient with
// both the compiled and the hand-written implementation (timed), and writes
// everything bench/torch_forward.py needs to run the same computation with
// PyTorch forward-mode AD: raw little-endian float64 arrays (W, Win, Wout,
// x0, theta, u, y, m, xi) and meta.json (sizes, constants, J and dJ/dtheta
// and the times of both implementations).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc::bench {

/// Writes the data set into `dir` (created if missing); false and `error`
/// on failure.
bool dumpMetaGradient(const std::string &dir, int n, int d, int trials, int steps,
                      std::string &error);

} // namespace plasticc::bench

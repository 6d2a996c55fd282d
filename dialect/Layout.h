//===- dialect/Layout.h - where each quantity lives in a network's state --===//
//
// One network's storage is a single caller-allocated byte buffer (the C ABI's
// `void *state`). Every backend (the reference interpreter, the JIT, a shared
// library) uses this same layout, so states can be compared and overwritten
// through one table. Inputs and noise are not stored: they are passed to each
// step as two flat vectors, concatenated in declaration order.
//
// Per quantity, in declaration order, each block aligned to kAlign bytes:
//   value     meta, param, state, weight, trace, baseline, output
//   init      states only: the trial-start value drawn once per network
//   tangent   quantities with a tangent (after the tangent pass): P lanes,
//             lane-major, i.e. element k of lane p at (p * numel + k)
// Meta tangents are not stored: they are the identity seed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <cstdint>
#include <string>
#include <climits>
#include <vector>

namespace plasticc::ir {

/// Byte offsets (or input/noise element offsets) of one quantity.
struct Slot {
  const Quantity *quantity = nullptr;
  int64_t value = -1;   // byte offset of the value in the state, -1 if none
  int64_t init = -1;    // byte offset of a state's trial-start copy
  int64_t tangent = -1; // byte offset of the tangent lanes
  int64_t input = -1;   // element offset in the inputs (or noise) vector
};

/// The storage layout of a module (see file comment).
struct Layout {
  static constexpr int64_t kAlign = 64;
  std::vector<Slot> slots;   // one per quantity, in declaration order
  int64_t stateBytes = 0;    // bytes the caller allocates, a multiple of kAlign
  int64_t inputLength = 0;   // doubles per step in `inputs`
  int64_t noiseLength = 0;   // doubles per step in `noise`
  int64_t lanes = 0;         // P
  /// The state would pass 2^63 bytes: offsets and stateBytes are -1 and
  /// the module cannot be run or compiled (the driver says so).
  bool overflow = false;
  const Quantity *overflowAt = nullptr; // the quantity whose block passed it

  const Slot &of(const Quantity *q) const;
};

/// Computes the layout; element size 8 (f64) or 4 (f32).
Layout computeLayout(const Module &module, int64_t elementBytes = 8);

/// "" if the module's state can be laid out in f64, else why not (it would
/// pass 2^63 bytes), for a message of the tool that compiles it; `at` is
/// then the quantity whose storage passes the limit.
std::string layoutProblem(const Module &module, const Quantity *&at);

} // namespace plasticc::ir

//===- runtime/InterpreterOps.h - the reference meaning of pure ops -------===//
//
// The interpreter's kernels for every op that touches no storage: constants,
// elementwise math, compares, select/clip, matvec/outer, bcast/extract,
// reductions and random draws. Reads, writes and ret are the interpreter's
// (runtime/Interpreter.cpp), since they need the state buffer.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <cstdint>
#include <span>

namespace plasticc::runtime::interp {

/// An operand during interpretation: its type and its max(1, lanes) *
/// numElements doubles, lane-major.
struct ValueRef {
  const ir::Type *type;
  const double *data;
};

/// Computes `op` from `operands` into `out`, which holds max(1, lanes) *
/// numElements doubles of op.type. A lane-less (primal) operand is the same
/// in every lane and a scalar operand the same at every element. `seed` is
/// the network seed for random draws. Internal error for storage ops.
void evaluatePure(const ir::Op &op, std::span<const ValueRef> operands, double *out,
                  uint64_t seed);

} // namespace plasticc::runtime::interp

//===- compiler/transforms/Fold.h - constant folding and exact identities -===//
//
// The folding rules of the simplification pass (Simplify.h), one op at a
// time: an op whose operands are splat constants becomes a constant,
// computed with the scalar meaning every backend uses
// (runtime/Elementwise.h and the interpreter), and an op that is an exact
// identity of one of its operands (x*1, powi(x,1), ...) becomes that
// operand. "Exact" is meant bit for bit under IEEE arithmetic, signed zeros
// and NaNs included: x*0 is not 0 (0*inf = nan), x+0 is not x when x = -0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <optional>

namespace plasticc::transforms {

/// What folding one op gives: nothing; an existing value that equals the
/// op's result (one of its operands, of the op's exact type); the value of a
/// splat constant of the op's type; or an existing value to broadcast to the
/// op's type (`bcast value {axis}`, axis -1 for a scalar), as for s * 1 with
/// s a scalar and 1 a vector, or outer(1, v).
struct Folded {
  ir::Op *value = nullptr;
  std::optional<double> constant;
  ir::Op *broadcast = nullptr;
  int64_t axis = -1;
  bool any() const { return value || constant || broadcast; }
};

/// Folds `op` (see file comment); effects, reads and random draws never fold.
Folded fold(const ir::Op &op);

} // namespace plasticc::transforms

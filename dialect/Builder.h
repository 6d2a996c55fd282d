//===- dialect/Builder.h - the checking factory for dialect ops -----------===//
//
// Ops are created only here. Every create() infers the result type from the
// operand types and attributes (inferType) and treats a failure as a compiler
// bug: an ill-formed op cannot be built, so passes need not re-check (as
// Halide's Add::make). The IR parser and the verifier call inferType
// directly to turn the same rules into user diagnostics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <optional>
#include <span>
#include <string>

namespace plasticc::ir {

/// Result type of `kind` applied to operands of `operandTypes` with `attrs`.
/// `declared` is the written result type where the op needs one (Const,
/// Bcast, Random) and the quantity's type for Read/ReadTangent (with lanes
/// for the tangent). On failure returns nullopt and sets `why` to a message
/// that names the shapes involved, e.g. "operand shapes differ: [4] vs [2]".
std::optional<Type> inferType(OpKind kind, std::span<const Type> operandTypes,
                              const Attrs &attrs, std::optional<Type> declared,
                              std::string &why);

/// Appends type-checked ops to a region.
class Builder {
public:
  Builder(Module &module, Region &region) : module_(module), region_(&region) {}

  void setRegion(Region &region) { region_ = &region; }
  Region &region() const { return *region_; }
  Module &module() const { return module_; }
  /// Location given to every op created from now on.
  void setLoc(Loc loc) { loc_ = loc; }
  Loc loc() const { return loc_; }

  /// Generic creation: checks with inferType, aborts (internal error) on a
  /// type error. `declared` as for inferType.
  Op *create(OpKind kind, std::vector<Op *> operands, Attrs attrs = {},
             std::optional<Type> declared = std::nullopt, Quantity *quantity = nullptr,
             std::string name = {});

  Op *constant(double value, Type type, std::string name = {});
  /// 1.0 at the element of flat (row-major) index `flat` of `type`, 0.0
  /// elsewhere; primal.
  Op *oneHot(Type type, int64_t flat, std::string name = {});
  Op *read(Quantity *q, std::string name = {});
  /// Tangent of q with module().lanes lanes (identity seed for meta).
  Op *readTangent(Quantity *q, std::string name = {});
  Op *write(Quantity *q, Op *value);
  Op *writeTangent(Quantity *q, Op *tangent);
  Op *unary(OpKind kind, Op *x, std::string name = {});
  Op *powi(Op *x, int64_t n, std::string name = {});
  Op *binary(OpKind kind, Op *x, Op *y, std::string name = {});
  Op *select(Op *cond, Op *x, Op *y, std::string name = {});
  Op *clip(Op *x, Op *lo, Op *hi, std::string name = {});
  Op *matvec(Op *a, Op *v, std::string name = {});
  Op *outer(Op *u, Op *v, std::string name = {});
  /// Broadcast `x` to `to` (lanes of x kept); `axis` only for vector -> matrix.
  Op *bcast(Op *x, Type to, int64_t axis = -1, std::string name = {});
  Op *extract(Op *x, std::vector<int64_t> indices, std::string name = {});
  Op *reduce(OpKind kind, Op *x, std::string name = {});
  Op *random(OpKind kind, Op *a, Op *b, Type type, int64_t stream, std::string name = {});
  Op *ret(std::vector<Op *> values);

private:
  Module &module_;
  Region *region_;
  Loc loc_;
};

} // namespace plasticc::ir

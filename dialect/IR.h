//===- dialect/IR.h - ops, regions and modules of the plasticc dialect ----===//
//
// A module is one model: its dims, its declared quantities (the named
// storage: meta parameters, params, inputs, noise, states, weights, traces,
// baselines, outputs) and four regions of straight-line SSA code:
//
//   init    once per network: params, meta defaults, random draws of weights
//           and of the states' trial-start values
//   trial   at every trial start: trace resets (states are restored from
//           their init values by the runtime, tangents of states and traces
//           are zeroed; MODEL.md "One trial k")
//   step    one time step
//   reward  at trial end: computes R, applies the reward event, `ret R`
//
// Within a region, `read @q` gives the current value of q (including writes
// earlier in the same region), `write @q, %v` sets it. An Op is its own
// result value (as an llvm::Instruction is), so operands point at Ops.
// Ops are built only through ir::Builder, which type-checks them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/Type.h"
#include "support/Diagnostics.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plasticc::ir {

enum class OpKind : uint8_t {
#define OP(Enum, Mnemonic, NumOperands, Family, Summary) Enum,
#include "dialect/Ops.def"
};

enum class OpFamily : uint8_t {
  Leaf, Unary, Binary, Compare, Ternary, Linalg, Shape, Reduce, Random, Effect
};

/// Table lookups generated from Ops.def.
const char *mnemonic(OpKind kind);
OpFamily family(OpKind kind);
int numOperands(OpKind kind); // -1: variadic
const char *summary(OpKind kind);
/// False for the elementwise unary ops without a derivative rule in
/// Ops.def (step, sign, floor, ceil: piecewise constant): their result has
/// no tangent and their operand must be primal. True for every other op
/// (whether it has a tangent is then the tangent pass's business).
bool hasDerivative(OpKind kind);
/// Finds an op by mnemonic; false if there is none.
bool opKindFromMnemonic(const std::string &mnemonic, OpKind &kind);

/// What a declared quantity is (DSL keyword of the same name).
enum class QuantityKind : uint8_t {
  Meta,     // learned by the outer loop; its tangent is the identity seed
  Param,    // constant of the model, settable at run time
  Input,    // per-step task input, supplied by the caller
  Noise,    // per-step draws (Quantity::noise), supplied by the caller
  State,    // per-step dynamics; restored to its init value at trial start
  Weight,   // persists across trials; `plastic` ones change in the event
  Trace,    // reset at every trial start (eligibility traces, accumulators)
  Baseline, // persists across trials (reward baseline Rbar)
  Output,   // written each step, read by the runtime (network readout)
};
const char *quantityKindName(QuantityKind kind);
bool quantityKindFromName(const std::string &name, QuantityKind &kind);

/// The distribution a noise quantity's elements are drawn from, each
/// independently at every step (docs/language.md "Noise"): Normal(a = mean,
/// b = variance), Uniform[a = lo, b = hi), or Bernoulli(a = p): 1 with
/// probability p, else 0. The runtime draws it; a C ABI caller may supply
/// its own values.
struct NoiseDist {
  enum Kind : uint8_t { Normal, Uniform, Bernoulli } kind = Normal;
  double a = 0, b = 1;
  bool standardNormal() const { return kind == Normal && a == 0 && b == 1; }
  friend bool operator==(const NoiseDist &, const NoiseDist &) = default;
};
/// "normal", "uniform", "bernoulli".
const char *noiseDistName(NoiseDist::Kind kind);

/// A named, typed piece of model storage (see QuantityKind).
struct Quantity {
  std::string name;
  QuantityKind kind;
  Type type;          // always primal (lanes == 0)
  bool plastic = false;
  bool hasTangent = false; // set by the tangent pass (activity analysis)
  Loc loc;            // its declaration in the .plast/.plir source
  /// The score accumulator of the score-function estimator (a scalar trace
  /// the tangent pass adds; its tangent lanes hold the trial's score).
  bool score = false;
  /// Noise quantities: what the runtime draws (standard normal by default).
  NoiseDist noise;
};

/// Which meta-gradient the tangents serve (docs/tangents.md "Estimators").
///   Pathwise  every value that depends on meta carries a tangent; the
///             reward's tangent is the exact gradient of the sampled reward.
///   Score     sampled states (those whose update adds Gaussian noise) are
///             data: only direct dependence on meta is carried, and the
///             score of the trial, sum_t (xi_t / s) . dmu_t/dmeta, is
///             accumulated in the score quantity (docs/model.md "The
///             score-function (REINFORCE) estimator").
enum class Estimator : uint8_t { Pathwise, Score };
const char *estimatorName(Estimator e);

/// Attributes of an op; which are meaningful depends on the kind.
struct Attrs {
  double value = 0.0;        // Const
  std::vector<int64_t> ints; // Powi: {n}; Bcast: {axis} (rank-1 -> rank-2);
                             // Extract: indices; Random: {stream}
  friend bool operator==(const Attrs &, const Attrs &) = default;
};

/// One SSA op, which is also its result value (type.lanes etc. describe it).
/// Effects (write, ret) have no result; their `type` is unused.
struct Op {
  OpKind kind;
  Type type;
  std::vector<Op *> operands;
  Attrs attrs;
  Quantity *quantity = nullptr; // Read, ReadTangent, Write, WriteTangent
  std::string name;             // SSA name hint for printing ("r", "d.r"); may be empty
  Loc loc;                      // source location, carried from the AST

  bool hasResult() const { return family(kind) != OpFamily::Effect; }
};

/// A straight-line block of ops (no control flow inside a region).
struct Region {
  std::string name;
  std::vector<std::unique_ptr<Op>> ops;
};

/// A named dimension, kept for printing and for the C header.
struct Dim {
  std::string name;
  int64_t value;
};

/// One model in the dialect (see file comment).
struct Module {
  std::string name;
  std::vector<Dim> dims;
  std::vector<std::unique_ptr<Quantity>> quantities;
  Region init{"init", {}};
  Region trial{"trial", {}};
  Region step{"step", {}};
  Region reward{"reward", {}};
  /// P: number of meta scalars once the tangent pass has run; 0 before.
  int64_t lanes = 0;
  /// The estimator the tangents were made for (meaningful when lanes > 0).
  Estimator estimator = Estimator::Pathwise;

  Quantity *lookup(const std::string &name) const;
  Quantity *addQuantity(std::string name, QuantityKind kind, Type type, Loc loc,
                        bool plastic = false);
  /// Total number of meta scalars (sum of the meta quantities' elements).
  int64_t numMetaScalars() const;
  /// Offset of meta quantity `q`'s first scalar in the flat meta vector
  /// (meta quantities in declaration order, each row-major).
  int64_t metaOffset(const Quantity *q) const;
  /// The score accumulator (Quantity::score), or nullptr.
  Quantity *scoreQuantity() const;
  /// The four regions in execution order.
  std::array<Region *, 4> regions() { return {&init, &trial, &step, &reward}; }
  std::array<const Region *, 4> regions() const { return {&init, &trial, &step, &reward}; }
};

} // namespace plasticc::ir

//===- compiler/codegen/LoopIR.h - explicit loop nests over model storage --===//
//
// The loop IR sits between the dialect and LLVM IR. It makes every memory
// access explicit: a Buffer is a slot of the network state (at a byte offset
// fixed by ir::computeLayout), an argument vector (inputs, noise, meta, dR) or
// a temporary; an access is buffer[affine index of the loop variables]. A
// function body is a tree of statements: `for` loops, scalar `let`s (SSA),
// stores, reductions (`+=` into a buffer element, the only place where
// reassociation is allowed) and `if` on a caller's optional pointer. The
// printed form (`plasticc --emit=loops`) shows the fusion decisions: one
// `for` nest per fused group, e.g. one nest over the synapses of W per step.
//
// Tangent arrays are lane-major (ir/Layout.h): element k of lane p is at
// p * numel + k, so for a fixed lane p and row i the synapses j are
// contiguous and the innermost loop (over j) vectorises with unit stride.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace plasticc::loops {

/// Where a buffer's storage comes from.
enum class BufferKind : uint8_t {
  State,  // slice of the caller's state at byte `offset` (model element type)
  Input,  // the inputs vector (double), element `offset`
  Noise,  // the noise vector (double), element `offset`
  Meta,   // the caller's meta vector of init (double), may be null
  DR,     // the caller's dR/dmeta vector of end_trial (double), may be null
  Temp,   // function-local scratch (model element type)
  Output, // run_trial only: the caller's outputs vector (double), may be null
};

/// A named array: `size` elements of the model's element type (double for
/// the caller's vectors).
struct Buffer {
  std::string name;
  BufferKind kind;
  int64_t offset = 0; // bytes (State) or elements (Input, Noise)
  int64_t size = 0;   // elements
};

/// An affine integer index: c + sum coef * var (vars are loop ids).
struct Index {
  std::vector<std::pair<int, int64_t>> terms;
  int64_t c = 0;
  static Index constant(int64_t c) { return {{}, c}; }
  static Index var(int v, int64_t coef = 1) { return {{{v, coef}}, 0}; }
  Index plus(const Index &o) const;
  Index times(int64_t k) const;
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

/// A scalar expression (a tree; shared subtrees are `let`-bound values).
struct Expr {
  enum Kind : uint8_t {
    Const,  // value
    Load,   // buffer[index]
    Ref,    // the value of let `id`
    Op,     // op(args...) for an elementwise ir::OpKind (Unary, Binary,
            // Compare, Ternary families; Powi with `n`)
    OneHot, // 1.0 if index == n else 0.0 (identity seed of meta tangents,
            // the dialect's onehot of element writes)
    Random, // draw `op` (RandNormal/RandUniform) of `stream` at element
            // `index`, args = {a, b}, from the seed argument
    MetaOr, // init only: buffer[index] (the caller's meta vector) if the
            // caller gave one, else args[0] (the declared default)
  };
  Kind kind;
  double value = 0;
  int buffer = -1;
  Index index;
  int id = -1;
  ir::OpKind op = ir::OpKind::Const;
  int64_t n = 0; // Powi exponent, OneHot position, Random stream
  std::vector<ExprPtr> args;

  static ExprPtr constant(double v);
  static ExprPtr load(int buffer, Index index);
  static ExprPtr ref(int id);
  static ExprPtr make(ir::OpKind op, std::vector<ExprPtr> args, int64_t n = 0);
  static ExprPtr oneHot(Index index, int64_t position);
  static ExprPtr random(ir::OpKind op, int64_t stream, Index element, ExprPtr a, ExprPtr b);
  static ExprPtr metaOr(int buffer, Index index, ExprPtr fallback);
};

/// One statement of a function body.
struct Stmt {
  enum Kind : uint8_t {
    For,    // for var in 0..extent { body }
    Let,    // %id = expr (SSA; visible in the rest of the enclosing block)
    Store,  // buffer[index] = expr
    Reduce, // buffer[index] += expr (a reduction; may be reassociated)
    If,     // if (buffer != null) { body } else { orElse } (Meta, DR buffers)
    Return, // return expr (end_trial's R)
    Segments, // run_trial only: for var = 0, extent, 2*extent, ... < steps
              // (the caller's step count) { body }: time segments
    SegmentSteps, // for var in 0..min(extent, steps - t0) { body }: the steps of
                  // the enclosing segment, whose start t0 is loop `segment`
    CallStep,     // run_trial only: call the entry point named `comment` (a
                  // step) on the inputs and noise of step `var` (strides
                  // inputStride, noiseStride)
  };
  Kind kind;
  int var = -1;       // For, Segments, SegmentSteps: loop id
  int segment = -1;   // SegmentSteps: the enclosing Segments loop's id
  int64_t inputStride = 0, noiseStride = 0; // CallStep
  int64_t extent = 0; // For
  int id = -1;        // Let
  int buffer = -1;    // Store, Reduce, If
  Index index;
  ExprPtr value;
  std::vector<Stmt> body, orElse;
  std::string comment; // For: what the nest computes (printed)

  static Stmt loop(int var, int64_t extent, std::vector<Stmt> body, std::string comment = {});
  static Stmt let(int id, ExprPtr value);
  static Stmt store(int buffer, Index index, ExprPtr value);
  static Stmt reduce(int buffer, Index index, ExprPtr value);
  static Stmt ifPresent(int buffer, std::vector<Stmt> then, std::vector<Stmt> orElse);
  static Stmt ret(ExprPtr value);
  static Stmt segments(int var, int64_t length, std::vector<Stmt> body, std::string comment = {});
  static Stmt callStep(std::string function, int stepVar, int64_t inputStride, int64_t noiseStride);
  static Stmt segmentSteps(int var, int segmentVar, int64_t length, std::vector<Stmt> body,
                           std::string comment = {});
};

/// One C ABI entry point.
struct Function {
  std::string name; // "plasticc_step", ...
  std::vector<Stmt> body;
  bool returnsValue = false;
  bool zeroStateFirst = false; // init: the whole state is zeroed before body
  bool heapTemps = false;      // temporaries on the heap, none on the stack (WholeTrial.cpp)
};

/// The whole model as loop nests (see file comment).
struct Program {
  std::string modelName;
  ir::ElemType elem = ir::ElemType::F64;
  int64_t stateBytes = 0;
  std::vector<Buffer> buffers;     // indexed by Expr::buffer / Stmt::buffer
  std::vector<std::string> vars;   // loop variable names, indexed by id
  int numLets = 0;
  std::vector<Function> functions; // init, set_trial_start, begin_trial, step, step_primal,
                                   // end_trial, run_trial, run_trial_primal
  /// How the trial is scheduled, printed under the header (the driver fills
  /// it from transforms::analyzeTrialSchedule; empty: not printed).
  std::vector<std::string> schedule;

  int addBuffer(Buffer b);
  int addVar(std::string name);
  int newLet() { return numLets++; }
};

/// Prints `program` in the form of `plasticc --emit=loops`.
void printProgram(const Program &program, std::ostream &out);

} // namespace plasticc::loops

//===- compiler/frontend/AST.h - the syntax tree of a .plast model --------===//
//
// The parser (Parser.h) builds this tree; every node carries the source range
// it was parsed from, so every later diagnostic and every dialect op can point
// at the user's text. Semantic analysis (Sema.h) then resolves names to
// Symbols and fills the `shape`, `unit` and `axes` fields of each expression;
// lowering (compiler/lowering/LowerToDialect.h) reads only checked trees.
//
// Ownership: a Module owns its declarations, a declaration its expressions and
// statements (std::unique_ptr), and the Module owns every Symbol that Sema
// creates; nodes refer to symbols by plain pointers.
//
// Node kinds are plain enums with `static constexpr Kind` in each subclass so
// that `dyn<T>(node)` (below) can downcast without RTTI.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plasticc::ast {

//===----------------------------------------------------------------------===//
// Shapes and units (the "types" of the source language)
//===----------------------------------------------------------------------===//

/// Shape of a value: rank 0 (scalar), 1 (vector[N]) or 2 (matrix[N,M],
/// [post, pre] for synapses). Elements are always f64 in the language.
struct Shape {
  uint8_t rank = 0;
  std::array<int64_t, 2> dims{1, 1}; // dims[k] meaningful for k < rank

  static Shape scalar() { return {}; }
  static Shape vector(int64_t n) { return {1, {n, 1}}; }
  static Shape matrix(int64_t n, int64_t m) { return {2, {n, m}}; }
  bool isScalar() const { return rank == 0; }
  int64_t numElements() const { return rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1]; }
  friend bool operator==(const Shape &a, const Shape &b) {
    return a.rank == b.rank && (a.rank < 1 || a.dims[0] == b.dims[0]) &&
           (a.rank < 2 || a.dims[1] == b.dims[1]);
  }
  /// "scalar", "[128]", "[128,128]" (the same spelling as ir::Type::shapeStr).
  std::string str() const;
};

/// A physical unit. The language knows one base dimension, time: ms and s are
/// s^1, Hz is s^-1; values are stored in SI (10 ms == 0.01). `seconds` is the
/// exponent of s (0: dimensionless).
struct Unit {
  int32_t seconds = 0;
  bool dimensionless() const { return seconds == 0; }
  friend bool operator==(const Unit &, const Unit &) = default;
  /// "dimensionless", "s", "1/s", "s^2", "1/s^3".
  std::string str() const;
};

/// The unit written after a number literal.
enum class UnitSuffix : uint8_t { None, Millisecond, Second, Hertz };
/// "ms", "s", "Hz" ("" for None).
const char *unitSuffixName(UnitSuffix suffix);
/// The SI factor of a suffix (ms: 1e-3; s, Hz, None: 1).
double unitSuffixScale(UnitSuffix suffix);
/// The unit a suffix denotes (ms, s: s; Hz: 1/s).
Unit unitOfSuffix(UnitSuffix suffix);

//===----------------------------------------------------------------------===//
// Symbols (created by Sema, owned by the Module)
//===----------------------------------------------------------------------===//

struct DimDecl;
struct QuantityDecl;
struct RewardDecl;
struct AssignStmt;
struct Expr;

/// What a name refers to.
enum class SymbolKind : uint8_t {
  Dim,       // `dim N = 128`: a dimensionless integer constant
  Quantity,  // a declared quantity (meta, param, ..., output)
  Local,     // a name first assigned in a step / on-reward block
  StmtIndex, // an index bound by an indexed statement's target (e[i, j] = ...)
  SumIndex,  // an index of an index sum (sum(a, b) ...)
  Reward,    // the R of `reward R = expr`
  Helper,    // a parameter or local of one inlined call of a C++ helper
};

/// One named entity after name resolution.
struct Symbol {
  SymbolKind kind;
  std::string name;
  SourceRange range;   // where it is defined (for notes)
  Shape shape;         // value shape (scalar for dims and indices)
  Unit unit;           // dims and indices are dimensionless
  const DimDecl *dim = nullptr;           // Dim
  const QuantityDecl *quantity = nullptr; // Quantity
  const AssignStmt *local = nullptr;      // Local: the defining statement
  const RewardDecl *reward = nullptr;     // Reward
  int axis = -1;        // StmtIndex: 0 (post, i) or 1 (pre, j)
  int64_t extent = 0;   // StmtIndex, SumIndex: number of values (0 .. extent-1)
  int64_t value = 0;    // Dim: its value
  /// Helper: the value the name stands for in its call (an argument, or
  /// the expression of a local of the C++ body); lowering inlines it.
  const Expr *bound = nullptr;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

enum class ExprKind : uint8_t { Number, Name, Index, Unary, Binary, Call, IndexSum, HelperCall };

/// Binary operators, lowest precedence first in the comments' order:
/// comparisons < additive < multiplicative (incl. @) < power.
enum class BinaryOp : uint8_t { Lt, Le, Gt, Ge, Eq, Ne, Add, Sub, Mul, Div, MatVec, Pow };
/// The operator's spelling: "<", "+", "@", "^", ...
const char *binaryOpSpelling(BinaryOp op);
bool isComparison(BinaryOp op);

/// The built-in functions (`f(...)`). First those that are one elementwise
/// op of the dialect, from the FUNCTION table of dialect/Ops.def (tanh exp
/// log sqrt abs sigmoid relu sin cos ... min max), named as the op. Normal
/// and Uniform are initialisers of states and weights or distributions of
/// noise; Bernoulli a noise distribution only (and the last).
enum class Builtin : uint8_t {
#define FUNCTION(Enum, Units) Enum,
#include "dialect/Ops.def"
  Pow,                    // 2 arguments, elementwise (powi for a constant integer)
  Clip, Select,           // 3 arguments, elementwise
  Sum, Count, Mean,       // 1 argument, reduce to a scalar
  Normal, Uniform,        // 2 arguments, random initialisers
  Bernoulli,              // 1 argument, a noise distribution
};
/// How Sema treats the units of a builtin's arguments and result (the
/// FUNCTION table of dialect/Ops.def says what each means); Special: Sema
/// has a rule of its own for it.
enum class BuiltinUnits : uint8_t { Dimensionless, Keep, Root, Same, Ratio, Drop, Special };
const char *builtinName(Builtin fn);
/// Finds a builtin by its name; false if `name` is not one.
bool builtinFromName(std::string_view name, Builtin &fn);
int builtinArity(Builtin fn);
BuiltinUnits builtinUnits(Builtin fn);
/// Every builtin's name, space-separated, in table order.
std::string builtinNames();

/// Base of all expressions. Fields below the comment are set by Sema.
struct Expr {
  ExprKind kind;
  SourceRange range;
  /// Nodes on the longest path down to a leaf (set by the parser, which
  /// bounds it so that recursive walks of the tree stay shallow).
  uint32_t height = 1;

  // --- filled by Sema ---
  Shape shape; // in an indexed statement: the shape of one element's value
  Unit unit;
  /// Inside an indexed statement: bit k set when the value depends on the
  /// statement index bound to axis k (bit 0: i/post, bit 1: j/pre).
  uint8_t axes = 0;

  virtual ~Expr() = default;

protected:
  Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
};
using ExprPtr = std::unique_ptr<Expr>;

/// `12`, `1.5`, `1e-3`, `.5`, optionally followed by a unit: `10 ms`.
struct NumberExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Number;
  NumberExpr(SourceRange r, double literal, bool isInteger, UnitSuffix suffix)
      : Expr(Kind, r), literal(literal), isInteger(isInteger), suffix(suffix) {}
  double literal;   // the value as written (10 for `10 ms`)
  bool isInteger;   // written without '.' or exponent
  UnitSuffix suffix;
  /// The value in SI units (10 ms -> 0.01).
  double siValue() const { return literal * unitSuffixScale(suffix); }
};

/// A bare name: a dim, quantity, local, index or R.
struct NameExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Name;
  NameExpr(SourceRange r, std::string name) : Expr(Kind, r), name(std::move(name)) {}
  std::string name;
  const Symbol *symbol = nullptr; // Sema
};

/// One index inside `x[...]`: an index name or an integer literal.
struct IndexArg {
  std::string name;      // empty for a literal
  int64_t literal = -1;  // >= 0 for a literal
  SourceRange range;
  const Symbol *symbol = nullptr; // Sema: StmtIndex or SumIndex for names
  bool isLiteral() const { return name.empty(); }
};

/// `x[i]`, `e[i, j]`, `theta[a, b]`, `r[0]`.
struct IndexExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Index;
  IndexExpr(SourceRange r, std::string name, SourceRange nameRange, std::vector<IndexArg> indices)
      : Expr(Kind, r), name(std::move(name)), nameRange(nameRange), indices(std::move(indices)) {}
  std::string name;
  SourceRange nameRange;
  std::vector<IndexArg> indices; // 1 or 2
  const Symbol *symbol = nullptr; // Sema: the indexed quantity or local
};

/// `-x` (the only unary operator).
struct UnaryExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Unary;
  UnaryExpr(SourceRange r, ExprPtr operand) : Expr(Kind, r), operand(std::move(operand)) {}
  ExprPtr operand;
};

/// `lhs op rhs`.
struct BinaryExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Binary;
  BinaryExpr(SourceRange r, BinaryOp op, SourceRange opRange, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind, r), op(op), opRange(opRange), lhs(std::move(lhs)), rhs(std::move(rhs)) {}
  BinaryOp op;
  SourceRange opRange;
  ExprPtr lhs, rhs;
};

/// `f(args...)` for a builtin f.
struct CallExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Call;
  CallExpr(SourceRange r, Builtin callee, SourceRange nameRange, std::vector<ExprPtr> args)
      : Expr(Kind, r), callee(callee), nameRange(nameRange), args(std::move(args)) {}
  Builtin callee;
  SourceRange nameRange;
  std::vector<ExprPtr> args;
};

/// One bound variable of an index sum.
struct IndexVar {
  std::string name;
  SourceRange range;
  const Symbol *symbol = nullptr; // Sema: its SumIndex symbol (extent = range)
};

/// `sum(a, b) term`: the term summed over every value of the indices.
struct IndexSumExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::IndexSum;
  IndexSumExpr(SourceRange r, std::vector<IndexVar> vars, ExprPtr body)
      : Expr(Kind, r), vars(std::move(vars)), body(std::move(body)) {}
  std::vector<IndexVar> vars;
  ExprPtr body;
};

struct Helper;

/// One local of a C++ helper's body, bound once (a variable assigned twice
/// is two locals, `y` and `y.1`; a variable set on both sides of an `if`
/// is a select of the two).
struct HelperLet {
  std::string name;
  ExprPtr value;
  const Symbol *symbol = nullptr; // Sema, in a call's instance
};

/// `rate(x, gain)`: a call of a C++ function imported by `extern`
/// (CppImport.h). Elementwise, like a built-in. Sema finds the helper and
/// instantiates its body for this call (`lets` and `result`, whose names
/// are Symbols of kind Helper bound to the arguments and the lets), so
/// each call is checked with its own shapes and lowering inlines it.
struct HelperCallExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::HelperCall;
  HelperCallExpr(SourceRange r, std::string name, SourceRange nameRange, std::vector<ExprPtr> args)
      : Expr(Kind, r), name(std::move(name)), nameRange(nameRange), args(std::move(args)) {}
  std::string name;
  SourceRange nameRange;
  std::vector<ExprPtr> args;
  /// Set by CppImport for a call inside a helper's body, by Sema otherwise.
  const Helper *helper = nullptr;
  // --- filled by Sema: this call's instance of the body ---
  std::vector<HelperLet> lets;
  ExprPtr result;
};

/// A C++ function lifted by CppImport: named parameters, the locals of
/// its body in order, and the result, as expressions of the language
/// (numbers, names of parameters and lets, arithmetic, comparisons, the
/// elementwise built-ins, select, and calls of other helpers). The
/// expressions' ranges are in the C++ file; a call's instance takes the
/// call's range instead, so that nothing later points into the wrong file.
struct Helper {
  std::string name;
  std::shared_ptr<const SourceFile> file; // the C++ file
  SourceRange range;                      // the function's name there
  std::vector<std::string> params;
  std::vector<HelperLet> lets;
  ExprPtr result;
  /// False for a function the imported ones call but the model did not name.
  bool imported = false;
};

/// Downcast by kind: `if (auto *n = dyn<NameExpr>(e)) ...` (nullptr if not).
template <class T, class Base> T *dyn(Base *node) {
  return node && node->kind == T::Kind ? static_cast<T *>(node) : nullptr;
}
template <class T, class Base> const T *dyn(const Base *node) {
  return node && node->kind == T::Kind ? static_cast<const T *>(node) : nullptr;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

enum class AssignOp : uint8_t { Set, AddTo, SubFrom, MulBy, DivBy }; // =  +=  -=  *=  /=
const char *assignOpSpelling(AssignOp op);

/// One index of a target: a name of an indexed statement (`e[i, j]`), which
/// binds the name to an axis, or an integer literal of an element write
/// (`x[3]`, `W[2, 5]`). A target's indices are all names or all literals.
struct TargetIndex {
  std::string name;      // empty for a literal
  SourceRange range;
  const Symbol *symbol = nullptr; // Sema: the StmtIndex symbol (names only)
  int64_t literal = -1;  // >= 0 for a literal
  bool isLiteral() const { return name.empty(); }
};

/// `target op expr` inside a step or on-reward block.
struct AssignStmt {
  SourceRange range;
  std::string target;
  SourceRange targetRange;
  std::vector<TargetIndex> indices; // empty, 1 (x[i], x[3]) or 2 (e[i, j], W[2, 5])
  AssignOp op = AssignOp::Set;
  SourceRange opRange;
  ExprPtr value;

  // --- filled by Sema ---
  const Symbol *symbol = nullptr; // the written quantity, or the new local
  bool definesLocal = false;

  /// `x[3] = ...`: one element, at integer indices (the parser guarantees
  /// that a target's indices are all literals or all names).
  bool isElementWrite() const { return !indices.empty() && indices[0].isLiteral(); }
  /// `e[i, j] = ...`: one statement per element, indices bound by name.
  bool isIndexed() const { return !indices.empty() && !indices[0].isLiteral(); }
};
using StmtPtr = std::unique_ptr<AssignStmt>;

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

enum class DeclKind : uint8_t { Dim, Quantity, Step, Reward, Event, Extern };

/// Base of the top-level declarations, kept in source order.
struct Decl {
  DeclKind kind;
  SourceRange range; // the keyword through the end of the declaration
  /// Set by the parser when it reported a syntax error inside or right after
  /// this declaration and skipped text: what it says may be incomplete (a
  /// lost initialiser or `plastic`), so Sema declares its name but does not
  /// check it, and stays quiet about its uses.
  bool broken = false;

  virtual ~Decl() = default;

protected:
  Decl(DeclKind k, SourceRange r) : kind(k), range(r) {}
};
using DeclPtr = std::unique_ptr<Decl>;

/// `dim N = 128`. The parser accepts any number (and a leading '-') so that
/// Sema can say why `dim N = 12.5` or `dim N = 0` is not a dim.
struct DimDecl : Decl {
  static constexpr DeclKind Kind = DeclKind::Dim;
  DimDecl(SourceRange r, std::string name, SourceRange nameRange, int64_t value,
          SourceRange valueRange)
      : Decl(Kind, r), name(std::move(name)), nameRange(nameRange), value(value),
        valueRange(valueRange) {}
  std::string name;
  SourceRange nameRange;
  int64_t value;          // as written when isInteger (Sema rejects value <= 0)
  SourceRange valueRange;
  bool isInteger = true;  // written as digits only (no '.' or exponent)
  std::string spelling;   // the value as written, with its '-' ("12.5", "-3")
  const Symbol *symbol = nullptr; // Sema
};

/// The declaration keywords of quantities (same names as ir::QuantityKind).
enum class QuantityKind : uint8_t { Meta, Param, Input, Noise, State, Weight, Trace, Baseline, Output };
/// "meta", "param", ..., "output".
const char *quantityKindName(QuantityKind kind);

/// One entry of a declared shape: a dim name or an integer literal.
struct DimRef {
  std::string name;     // empty for a literal
  int64_t literal = 0;
  SourceRange range;
  bool isLiteral() const { return name.empty(); }
};

/// `KIND name[shape] = init plastic`.
struct QuantityDecl : Decl {
  static constexpr DeclKind Kind = DeclKind::Quantity;
  QuantityDecl(SourceRange r, QuantityKind qkind, std::string name, SourceRange nameRange)
      : Decl(Kind, r), qkind(qkind), name(std::move(name)), nameRange(nameRange) {}
  QuantityKind qkind;
  std::string name;
  SourceRange nameRange;
  std::vector<DimRef> dims; // empty: scalar
  ExprPtr init;             // may be null
  /// A param declared by an expression (`tau = 10 * dt`) and set by -D: the
  /// declared expression, kept so that Sema checks the value's unit against
  /// it, and the -D text for the message.
  ExprPtr declaredInit;
  std::string definedBy;
  bool plastic = false;
  /// Noise with a distribution (init is normal/uniform/bernoulli): its
  /// arguments' values, set by Sema (bernoulli's second is 0).
  double noiseParams[2] = {0, 1};
  SourceRange plasticRange;

  // --- filled by Sema ---
  Shape shape;
  Unit unit; // the unit of its initialiser (dimensionless without one)
  const Symbol *symbol = nullptr;
};

/// `step { ... }` and `on reward { ... }` (kind Step or Event).
struct BlockDecl : Decl {
  BlockDecl(DeclKind kind, SourceRange r) : Decl(kind, r) {}
  std::vector<StmtPtr> stmts;
  /// Targets of statements the parser had to skip (see Module::incomplete).
  std::vector<std::string> brokenTargets;
};

/// `reward R = expr`.
struct RewardDecl : Decl {
  static constexpr DeclKind Kind = DeclKind::Reward;
  RewardDecl(SourceRange r, std::string name, SourceRange nameRange, ExprPtr value)
      : Decl(Kind, r), name(std::move(name)), nameRange(nameRange), value(std::move(value)) {}
  std::string name;
  SourceRange nameRange;
  ExprPtr value;
  const Symbol *symbol = nullptr; // Sema
};

/// One name in the list of an `extern`.
struct ImportedName {
  std::string name;
  SourceRange range;
};

/// `extern "helpers.cpp" { rate, soft_threshold }`: C++ functions the model
/// calls like built-ins (docs/language.md "Imports"). The path is relative
/// to the directory of the .plast file.
struct ExternDecl : Decl {
  static constexpr DeclKind Kind = DeclKind::Extern;
  ExternDecl(SourceRange r, std::string path, SourceRange pathRange, std::vector<ImportedName> names)
      : Decl(Kind, r), path(std::move(path)), pathRange(pathRange), names(std::move(names)) {}
  std::string path; // as written, without the quotes
  SourceRange pathRange;
  std::vector<ImportedName> names;
  /// Sema: the helpers lifted from the file (callees before callers).
  std::vector<const Helper *> lifted;
};

/// A whole `.plast` file: `model NAME` and its declarations in source order.
struct Module {
  std::string name;
  SourceRange nameRange;
  std::vector<DeclPtr> decls;
  /// Every symbol Sema created (owned here; nodes point into it).
  std::vector<std::unique_ptr<Symbol>> symbols;
  /// True once Sema has run without errors (lowering requires it).
  bool checked = false;
  /// The helpers lifted from the files of `extern` declarations (Sema),
  /// each file's in order, callees before their callers.
  std::vector<std::unique_ptr<Helper>> helpers;
  /// The imported C++ files, in the order of the externs (the source hash
  /// covers them).
  std::vector<std::shared_ptr<const SourceFile>> importedFiles;
  /// Set by the parser when it skipped broken text. Sema still checks the
  /// rest, but stays quiet about what the skipped text may have defined: the
  /// names in skippedNames (targets and declared names of broken statements
  /// and declarations) and a step block it may have contained.
  bool incomplete = false;
  std::vector<std::string> skippedNames;

  /// The step block, the on-reward block and the reward declaration, or
  /// nullptr when absent (the first one if the file has several).
  const BlockDecl *step() const;
  const BlockDecl *event() const;
  const RewardDecl *reward() const;
};

} // namespace plasticc::ast

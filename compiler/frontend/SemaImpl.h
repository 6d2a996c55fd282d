//===- compiler/frontend/SemaImpl.h - the checker behind checkModule ------===//
//
// Private to Sema.cpp (declarations, statements, scopes) and SemaExpr.cpp
// (expressions: shapes, units, index bindings). Not part of the front end's
// interface: use checkModule (Sema.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/Sema.h"

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace plasticc::sema {

using namespace ast;

/// Where an expression is being checked; decides which names it may read.
enum class Where : uint8_t {
  Init,   // the initialiser of a declaration (initKind_ says which kind)
  Step,   // a statement of the step block
  Event,  // a statement of the on-reward block
  Reward, // the expression of `reward R = ...`
};

/// 'name' for messages, shortened when huge.
std::string quote(const std::string &name);
/// "state 'x'", "dim 'N'", "local 'r'", "index 'i'", "reward 'R'".
std::string describe(const Symbol &s);

class Checker {
public:
  Checker(Module &m, DiagnosticEngine &diag) : m_(m), diag_(diag) {}
  bool run();

  // --- Sema.cpp: declarations, statements and scopes ---
private:
  void declareGlobals();
  void checkStructure();
  void checkDim(DimDecl &d);
  void checkQuantity(QuantityDecl &q);
  bool resolveShape(QuantityDecl &q, Shape &shape);
  void checkInitialiser(QuantityDecl &q);
  bool checkRandomInit(QuantityDecl &q, CallExpr &call);
  void checkReward(RewardDecl &r);
  void checkBlock(BlockDecl &b);
  void checkStmt(AssignStmt &s);
  bool checkTarget(AssignStmt &s);
  bool checkWritable(const AssignStmt &s, const Symbol &target);
  bool bindTargetIndices(AssignStmt &s, const Symbol &target);
  bool checkShadowing(const std::string &name, SourceRange range, const char *what);

  // --- SemaExpr.cpp: expressions ---
public:
  /// Checks `e` and fills its shape, unit and axes; false after an error
  /// (already reported; callers report nothing more about `e`).
  bool check(Expr &e);

private:
  bool checkName(NameExpr &e);
  bool checkIndex(IndexExpr &e);
  bool checkIndexArg(IndexExpr &e, IndexArg &arg, int axis, const Symbol &array);
  bool checkUnary(UnaryExpr &e);
  bool checkBinary(BinaryExpr &e);
  bool checkPower(BinaryExpr &e);
  bool checkMatVec(BinaryExpr &e);
  bool checkCall(CallExpr &e);
  bool checkReduction(CallExpr &e);
  bool checkIndexSum(IndexSumExpr &e);
  /// Elementwise combination: equal shapes or scalars; reports at `at`.
  bool combineShapes(Expr &result, const std::vector<Expr *> &operands, SourceRange at,
                     const std::string &what);
  bool sameUnits(const std::vector<Expr *> &operands, SourceRange at, const std::string &what);
  bool checkUnitExponent(Expr &e, int64_t seconds);
  /// The name the user can see for an operand's shape (for notes).
  void noteShapeOrigin(const Expr &e);
  /// Resolves a name used in an expression; nullptr after reporting why not.
  const Symbol *lookup(const std::string &name, SourceRange range);
  bool mayReadInInit(const Symbol &s, SourceRange at);
  void suggest(const std::string &name, SourceRange at, const std::string &message);

public:
  /// An integer constant (literal, negated literal): its value in `n`.
  static bool integerConstant(const Expr &e, int64_t &n);

private:
  Symbol *newSymbol(SymbolKind kind, const std::string &name, SourceRange range);

  Module &m_;
  DiagnosticEngine &diag_;

  std::unordered_map<std::string, Symbol *> globals_; // dims, quantities, R
  std::unordered_map<const Symbol *, size_t> order_;  // declaration index of globals
  std::unordered_map<std::string, Symbol *> locals_;  // of the current block
  std::unordered_map<const Symbol *, const AssignStmt *> written_; // first write per block
  std::vector<Symbol *> stmtIndices_;                 // of the current statement
  std::vector<Symbol *> sumIndices_;                  // enclosing index sums, innermost last
  std::unordered_map<const Symbol *, SourceRange> sumIndexFirstUse_;
  std::unordered_set<const Symbol *> poisoned_; // locals whose value had an error
  std::unordered_set<std::string> skippedNames_; // defined by text the parser skipped
  /// The current block's locals by defining statement (uses before definition).
  const std::unordered_map<std::string, const AssignStmt *> *later_ = nullptr;

  Where where_ = Where::Init;
  const QuantityDecl *initOf_ = nullptr; // Where::Init: whose initialiser
  size_t initOrder_ = 0;                 // Where::Init: its declaration index
  const BlockDecl *block_ = nullptr;     // Step / Event: the block
  bool indexed_ = false;                 // inside an indexed statement
  unsigned reductionDepth_ = 0;          // inside sum()/count()/mean() arguments
};

} // namespace plasticc::sema

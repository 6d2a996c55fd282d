//===- compiler/frontend/SemaImpl.h - the checker behind checkModule ------===//
//
// Private to Sema.cpp (declarations, statements, scopes) and SemaExpr.cpp
// (expressions: shapes, units, index bindings). Not part of the front end's
// interface: use checkModule (Sema.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/Sema.h"

#include <optional>

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

/// What an unknown name should have been, which decides the suggestions
/// offered for it: a shape is offered dims, an index the indices in scope, a
/// value the names readable where it stands, a target the names writable in
/// the block.
enum class NameCategory : uint8_t { Dim, Index, Value, Target };

/// 'name' for messages, shortened when huge.
std::string quote(const std::string &name);
/// "state 'x'", "dim 'N'", "local 'r'", "index 'i'", "reward 'R'".
std::string describe(const Symbol &s);
/// "a state", "an input", "noise", "a meta parameter" (for "declared as ...").
std::string kindWithArticle(QuantityKind kind);

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
  /// False when the quantity's unit is unknown after an error.
  bool checkInitialiser(QuantityDecl &q);
  bool checkRandomInit(QuantityDecl &q, CallExpr &call);
  bool checkNoiseDistribution(QuantityDecl &q);
  /// The value of a constant expression of numbers and dims (SI units).
  std::optional<double> constantValue(const Expr &e);
  void checkReward(RewardDecl &r);
  void checkBlock(BlockDecl &b);
  void checkStmt(AssignStmt &s);
  bool checkTarget(AssignStmt &s);
  bool checkWritable(const AssignStmt &s, const Symbol &target);
  bool bindTargetIndices(AssignStmt &s, const Symbol &target);
  /// The target takes as many indices as the quantity has axes (reported
  /// with an example of the target's own form, names or integers).
  bool checkTargetRank(const AssignStmt &s, const Symbol &target);
  /// `x[3] = ...`: indices in range, each element written once per block.
  bool checkElementTarget(AssignStmt &s, const Symbol &target);
  bool checkShadowing(const std::string &name, SourceRange range, const char *what);
  /// True when the statement's target had an error reported elsewhere (its
  /// declaration, or an earlier use of its undeclared name): the statement
  /// is then skipped quietly, apart from its unindexed value.
  bool quietTarget(const AssignStmt &s) const;
  void reportEventWithoutReward(const BlockDecl &event);
  /// The first name `event` uses that nothing declares and that is not a
  /// misspelling of a declared name: what the user meant as the reward.
  std::string guessRewardName(const BlockDecl &event, SourceRange &firstUse);

  // --- SemaExpr.cpp: expressions ---
public:
  /// Checks `e` and fills its shape, unit and axes; false after an error
  /// (already reported; callers report nothing more about `e`).
  bool check(Expr &e);

private:
  /// Checks every argument of a call (all of them, so each error is
  /// reported) and lists them in `out`; false if any failed.
  bool checkArguments(std::vector<ExprPtr> &args, std::vector<Expr *> &out);
  bool checkName(NameExpr &e);
  bool checkIndex(IndexExpr &e);
  bool checkIndexArg(IndexExpr &e, IndexArg &arg, int axis, const Symbol &array);
  /// A matrix read with statement indices: reports transposed (W[j, i]),
  /// diagonal (W[i, i]) and mixed (W[i, 0], W[i, a]) reads.
  bool checkMatrixIndices(const IndexExpr &e);
  bool checkUnary(UnaryExpr &e);
  bool checkBinary(BinaryExpr &e);
  bool checkPower(BinaryExpr &e);
  bool checkMatVec(BinaryExpr &e);
  bool checkCall(CallExpr &e);
  bool checkReduction(CallExpr &e);
  bool checkFunctionUnits(CallExpr &e, const std::vector<Expr *> &args);
  bool checkIndexSum(IndexSumExpr &e);

  // --- SemaHelpers.cpp: C++ helpers (`extern`) ---
  /// Lifts the helpers of every extern (CppImport.h) and makes the names
  /// it lists callable; a name that did not lift stays known, so that its
  /// calls are skipped quietly.
  void importExterns();
  bool checkHelperCall(HelperCallExpr &e);
  bool checkHelperArity(const HelperCallExpr &e, const Helper &h);
  /// Gives `e` its own copy of `h`'s body, with names bound to this
  /// call's arguments and ranges at the call.
  void instantiate(HelperCallExpr &e, const Helper &h);
  ExprPtr cloneForCall(const Expr &body, const std::unordered_map<std::string, const Symbol *> &names,
                       SourceRange at);
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
  /// Whether `s` may be read where the checker is (quiet; for suggestions).
  bool readableHere(const Symbol &s);
  /// Whether `s` may be written in the current block (quiet; for suggestions).
  bool writableHere(const Symbol &s) const;
  /// Reports an unknown name once: the first time, `message` plus "did you
  /// mean" with a close name of `category`; later calls for the same name
  /// stay quiet (its other uses would repeat the same mistake).
  void reportUnknown(const std::string &name, SourceRange at, const std::string &message,
                     NameCategory category);

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
  std::unordered_map<const Symbol *, const AssignStmt *> written_; // first whole write per block
  /// Element writes per block: (flat index, statement) per quantity, in order.
  std::unordered_map<const Symbol *, std::vector<std::pair<int64_t, const AssignStmt *>>> elementWrites_;
  std::vector<Symbol *> stmtIndices_;                 // of the current statement
  std::vector<Symbol *> sumIndices_;                  // enclosing index sums, innermost last
  std::unordered_map<const Symbol *, SourceRange> sumIndexFirstUse_;
  /// Symbols whose shape or unit is unknown after an error (an invalid dim,
  /// an unresolved shape, a failed initialiser or local value, a broken
  /// declaration): their uses are skipped quietly, except for what depends
  /// only on their kind (where they may be read).
  std::unordered_set<const Symbol *> poisoned_;
  /// Redefined names: which declaration a use means is unknown, so even
  /// kind-based checks are skipped.
  std::unordered_set<const Symbol *> ambiguous_;
  std::unordered_set<std::string> skippedNames_; // defined by text the parser skipped
  std::unordered_set<std::string> reportedNames_; // unknown names already reported
  std::unordered_set<std::string> reportedLocals_; // locals of this block used too early, reported
  std::unordered_map<std::string, const AssignStmt *> stepLocals_; // defining statements
  const BlockDecl *eventWithoutReward_ = nullptr; // 'on reward' of a model without a reward
  const BlockDecl *namelessRewardEvent_ = nullptr; // 'on reward' after `reward = ...`
  /// The current block's locals by defining statement (uses before definition).
  const std::unordered_map<std::string, const AssignStmt *> *later_ = nullptr;

  std::unordered_map<std::string, const Helper *> helpers_; // imported, by name
  std::unordered_set<std::string> failedHelpers_;            // named, but not lifted
  size_t inlinedNodes_ = 0; // expression nodes of every helper call's instance

  Where where_ = Where::Init;
  const QuantityDecl *initOf_ = nullptr; // Where::Init: whose initialiser
  size_t initOrder_ = 0;                 // Where::Init: its declaration index
  const BlockDecl *block_ = nullptr;     // Step / Event: the block
  bool indexed_ = false;                 // inside an indexed statement
  unsigned reductionDepth_ = 0;          // inside sum()/count()/mean() arguments
};

} // namespace plasticc::sema

//===- runtime/tasks/TaskExpr.h - formulas over a trial's condition variables ===//
//
// A task file gives the input, target and mask of each epoch either as a
// number or as a short formula over the condition variables drawn for the
// trial, e.g. "select(c == 0, 1, -1)" or "0.5 * (1 + coh * s)". This file is
// that formula language: a tiny recursive-descent parser to an immutable
// expression tree, and its evaluation against one trial's variable values.
// The operators and their precedence are those of the .plast language
// (comparisons yield 1.0 / 0.0), so a user meets one syntax, not two.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plasticc::tasks {

/// A parsed formula; evaluates to a double given the condition variables'
/// values (indexed as in the `vars` list the formula was parsed against).
class TaskExpr {
public:
  /// A formula that always yields `value`.
  static TaskExpr constant(double value);

  /// Parses `text`; `vars` names the variables it may use. On failure returns
  /// nullopt, sets `error` to the reason and `errorPos` to the byte offset in
  /// `text` the reason refers to.
  ///
  ///   expr       ::= additive (('<'|'<='|'>'|'>='|'=='|'!=') additive)?
  ///   additive   ::= term (('+'|'-') term)*
  ///   term       ::= unary (('*'|'/') unary)*
  ///   unary      ::= '-' unary | power
  ///   power      ::= primary ('^' unary)?
  ///   primary    ::= NUMBER | IDENT | IDENT '(' expr (',' expr)* ')' | '(' expr ')'
  ///   functions: select(c, a, b) abs(x) sign(x) min(a, b) max(a, b)
  ///              sqrt(x) floor(x) exp(x) log(x) cos(x) sin(x)
  ///   constant:  pi (unless a variable of that name shadows it)
  static std::optional<TaskExpr> parse(std::string_view text, const std::vector<std::string> &vars,
                                       std::string &error, size_t &errorPos);

  /// The value for one trial; `vars[i]` is the value of variable i.
  double eval(const std::vector<double> &vars) const;

  /// True if the formula uses no variable (its value is the same every trial).
  bool isConstant() const;
  /// True if the formula reads variable `var` (an index into `vars`).
  bool uses(int32_t var) const;
  /// The highest variable index the formula reads, or -1.
  int32_t maxVar() const;

  /// The source text ("" for constants built in C++), for messages.
  const std::string &text() const { return text_; }

  enum class Op : uint8_t {
    Const, Var, Neg, Add, Sub, Mul, Div, Pow, Lt, Le, Gt, Ge, Eq, Ne,
    Select, Abs, Sign, Min, Max, Sqrt, Floor, Exp, Log, Cos, Sin
  };
  /// One node of the tree; children are indices into the node list.
  struct Node {
    Op op;
    double value = 0;   // Const
    int32_t var = -1;   // Var
    int32_t a = -1, b = -1, c = -1;
  };

private:
  double evalNode(int32_t n, const std::vector<double> &vars) const;

  std::vector<Node> nodes_; // the root is the last node
  std::string text_;
  friend class TaskExprParser;
};

} // namespace plasticc::tasks

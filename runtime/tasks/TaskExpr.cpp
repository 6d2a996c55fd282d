//===- runtime/tasks/TaskExpr.cpp - parse and evaluate task formulas ------===//
//
// Recursive descent, one function per grammar production (see TaskExpr.h).
// Errors stop at the first problem: a formula is one short string.
//
//===----------------------------------------------------------------------===//
#include "runtime/tasks/TaskExpr.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace plasticc::tasks {

/// How deep a formula may nest (parentheses, calls, unary minus, the
/// operand chain of its tree): the parser and the evaluator recurse, so a
/// bound keeps a hostile file from overflowing the stack. The .plast
/// parser has the same bound.
constexpr int kMaxDepth = 256;

/// The parser's cursor over one formula; builds the node list bottom-up.
class TaskExprParser {
public:
  TaskExprParser(std::string_view text, const std::vector<std::string> &vars)
      : text_(text), vars_(vars) {}

  std::optional<TaskExpr> run(std::string &error, size_t &errorPos) {
    int32_t root = parseExpr();
    skipSpace();
    if (ok_ && pos_ != text_.size())
      fail(pos_, "unexpected '" + std::string(1, text_[pos_]) + "' after the formula");
    if (!ok_) {
      error = error_;
      errorPos = errorPos_;
      return std::nullopt;
    }
    // The evaluator starts at the last node: make sure the root is last.
    if (root != static_cast<int32_t>(out_.nodes_.size()) - 1) {
      TaskExpr::Node copy = out_.nodes_[root];
      out_.nodes_.push_back(copy);
    }
    out_.text_ = std::string(text_);
    return std::move(out_);
  }

private:
  /// Counts one level of the parser's recursion while in scope.
  struct Nesting {
    TaskExprParser &p;
    explicit Nesting(TaskExprParser &parser) : p(parser) {
      if (++p.nesting_ > kMaxDepth)
        p.fail(p.pos_, "the formula nests more than " + std::to_string(kMaxDepth) + " levels deep");
    }
    ~Nesting() { --p.nesting_; }
  };

  // expr ::= additive (cmp additive)?
  int32_t parseExpr() {
    Nesting guard(*this);
    if (!ok_)
      return 0;
    int32_t lhs = parseAdditive();
    skipSpace();
    static const struct {
      const char *tok;
      TaskExpr::Op op;
    } cmps[] = {{"<=", TaskExpr::Op::Le}, {">=", TaskExpr::Op::Ge}, {"==", TaskExpr::Op::Eq},
                {"!=", TaskExpr::Op::Ne}, {"<", TaskExpr::Op::Lt},  {">", TaskExpr::Op::Gt}};
    for (const auto &c : cmps)
      if (text_.substr(pos_).starts_with(c.tok)) {
        pos_ += std::string_view(c.tok).size();
        int32_t rhs = parseAdditive();
        return add({c.op, 0, -1, lhs, rhs});
      }
    return lhs;
  }

  // additive ::= term (('+'|'-') term)*
  int32_t parseAdditive() {
    int32_t lhs = parseTerm();
    while (ok_) {
      skipSpace();
      if (peek() != '+' && peek() != '-')
        return lhs;
      TaskExpr::Op op = text_[pos_++] == '+' ? TaskExpr::Op::Add : TaskExpr::Op::Sub;
      lhs = add({op, 0, -1, lhs, parseTerm()});
    }
    return lhs;
  }

  // term ::= unary (('*'|'/') unary)*
  int32_t parseTerm() {
    int32_t lhs = parseUnary();
    while (ok_) {
      skipSpace();
      if (peek() != '*' && peek() != '/')
        return lhs;
      TaskExpr::Op op = text_[pos_++] == '*' ? TaskExpr::Op::Mul : TaskExpr::Op::Div;
      lhs = add({op, 0, -1, lhs, parseUnary()});
    }
    return lhs;
  }

  // unary ::= '-' unary | power
  int32_t parseUnary() {
    Nesting guard(*this);
    if (!ok_)
      return 0;
    skipSpace();
    if (peek() == '-') {
      ++pos_;
      return add({TaskExpr::Op::Neg, 0, -1, parseUnary()});
    }
    return parsePower();
  }

  // power ::= primary ('^' unary)?    (right associative through unary)
  int32_t parsePower() {
    int32_t base = parsePrimary();
    skipSpace();
    if (ok_ && peek() == '^') {
      ++pos_;
      return add({TaskExpr::Op::Pow, 0, -1, base, parseUnary()});
    }
    return base;
  }

  // primary ::= NUMBER | IDENT | IDENT '(' expr (',' expr)* ')' | '(' expr ')'
  int32_t parsePrimary() {
    skipSpace();
    if (!ok_)
      return 0;
    size_t start = pos_;
    char ch = peek();
    if (ch == '(') {
      ++pos_;
      int32_t e = parseExpr();
      expect(')');
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(ch)) || ch == '.')
      return parseNumber();
    if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') {
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      std::string name(text_.substr(start, pos_ - start));
      skipSpace();
      if (peek() == '(')
        return parseCall(name, start);
      for (size_t i = 0; i < vars_.size(); ++i)
        if (vars_[i] == name)
          return add({TaskExpr::Op::Var, 0, static_cast<int32_t>(i)});
      if (name == "pi")
        return add({TaskExpr::Op::Const, M_PI});
      fail(start, "unknown variable '" + name + "'" + knownVariables());
      return 0;
    }
    fail(start, ch ? "expected a number, a variable or '('" : "the formula ends too early");
    return 0;
  }

  int32_t parseNumber() {
    size_t start = pos_;
    std::string s(text_.substr(pos_));
    char *end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    size_t len = static_cast<size_t>(end - s.c_str());
    if (len == 0 || !std::isfinite(v)) {
      fail(start, "bad number");
      return 0;
    }
    pos_ += len;
    return add({TaskExpr::Op::Const, v});
  }

  int32_t parseCall(const std::string &name, size_t start) {
    static const struct {
      const char *name;
      TaskExpr::Op op;
      int arity;
    } fns[] = {{"select", TaskExpr::Op::Select, 3}, {"abs", TaskExpr::Op::Abs, 1},
               {"sign", TaskExpr::Op::Sign, 1},     {"min", TaskExpr::Op::Min, 2},
               {"max", TaskExpr::Op::Max, 2},       {"sqrt", TaskExpr::Op::Sqrt, 1},
               {"floor", TaskExpr::Op::Floor, 1},   {"exp", TaskExpr::Op::Exp, 1},
               {"log", TaskExpr::Op::Log, 1},       {"cos", TaskExpr::Op::Cos, 1},
               {"sin", TaskExpr::Op::Sin, 1}};
    for (const auto &f : fns) {
      if (name != f.name)
        continue;
      ++pos_; // '('
      std::vector<int32_t> args{parseExpr()};
      skipSpace();
      while (ok_ && peek() == ',') {
        ++pos_;
        args.push_back(parseExpr());
        skipSpace();
      }
      expect(')');
      if (ok_ && static_cast<int>(args.size()) != f.arity)
        fail(start, name + " takes " + std::to_string(f.arity) + " argument(s), got " +
                        std::to_string(args.size()));
      args.resize(3, -1);
      return add({f.op, 0, -1, args[0], args[1], args[2]});
    }
    fail(start, "unknown function '" + name +
                    "' (known: select, abs, sign, min, max, sqrt, floor, exp, log, cos, sin)");
    return 0;
  }

  std::string knownVariables() const {
    if (vars_.empty())
      return " (the task declares no [conditions])";
    std::string s = " (known: ";
    for (size_t i = 0; i < vars_.size(); ++i)
      s += (i ? ", " : "") + vars_[i];
    return s + ")";
  }

  void expect(char c) {
    skipSpace();
    if (!ok_)
      return;
    if (peek() != c) {
      fail(pos_, std::string("expected '") + c + "'");
      return;
    }
    ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  void fail(size_t at, std::string message) {
    if (!ok_)
      return;
    ok_ = false;
    errorPos_ = at;
    error_ = std::move(message);
  }
  /// Appends a node; its depth (the evaluator's recursion) is one more than
  /// its deepest operand's, so long operator chains are bounded too.
  int32_t add(TaskExpr::Node n) {
    if (!ok_)
      return 0;
    int depth = 1;
    for (int32_t c : {n.a, n.b, n.c})
      if (c >= 0)
        depth = std::max(depth, 1 + depth_[static_cast<size_t>(c)]);
    if (depth > kMaxDepth) {
      fail(pos_, "the formula is more than " + std::to_string(kMaxDepth) +
                     " operations deep; split it or simplify it");
      return 0;
    }
    out_.nodes_.push_back(n);
    depth_.push_back(depth);
    return static_cast<int32_t>(out_.nodes_.size()) - 1;
  }

  std::string_view text_;
  const std::vector<std::string> &vars_;
  size_t pos_ = 0;
  int nesting_ = 0;           // current recursion depth of the parser
  std::vector<int> depth_;    // per node: its depth in the tree
  bool ok_ = true;
  std::string error_;
  size_t errorPos_ = 0;
  TaskExpr out_;
};

TaskExpr TaskExpr::constant(double value) {
  TaskExpr e;
  e.nodes_.push_back({Op::Const, value});
  return e;
}

std::optional<TaskExpr> TaskExpr::parse(std::string_view text,
                                        const std::vector<std::string> &vars, std::string &error,
                                        size_t &errorPos) {
  return TaskExprParser(text, vars).run(error, errorPos);
}

double TaskExpr::eval(const std::vector<double> &vars) const {
  return evalNode(static_cast<int32_t>(nodes_.size()) - 1, vars);
}

bool TaskExpr::isConstant() const {
  for (const Node &n : nodes_)
    if (n.op == Op::Var)
      return false;
  return true;
}

bool TaskExpr::uses(int32_t var) const {
  for (const Node &n : nodes_)
    if (n.op == Op::Var && n.var == var)
      return true;
  return false;
}

int32_t TaskExpr::maxVar() const {
  int32_t m = -1;
  for (const Node &n : nodes_)
    if (n.op == Op::Var)
      m = std::max(m, n.var);
  return m;
}

double TaskExpr::evalNode(int32_t i, const std::vector<double> &vars) const {
  const Node &n = nodes_[i];
  auto A = [&] { return evalNode(n.a, vars); };
  auto B = [&] { return evalNode(n.b, vars); };
  switch (n.op) {
  case Op::Const: return n.value;
  case Op::Var: return vars[n.var];
  case Op::Neg: return -A();
  case Op::Add: return A() + B();
  case Op::Sub: return A() - B();
  case Op::Mul: return A() * B();
  case Op::Div: return A() / B();
  case Op::Pow: return std::pow(A(), B());
  case Op::Lt: return A() < B() ? 1.0 : 0.0;
  case Op::Le: return A() <= B() ? 1.0 : 0.0;
  case Op::Gt: return A() > B() ? 1.0 : 0.0;
  case Op::Ge: return A() >= B() ? 1.0 : 0.0;
  case Op::Eq: return A() == B() ? 1.0 : 0.0;
  case Op::Ne: return A() != B() ? 1.0 : 0.0;
  case Op::Select: return A() != 0.0 ? B() : evalNode(n.c, vars);
  case Op::Abs: return std::fabs(A());
  case Op::Sign: {
    double a = A();
    return a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0;
  }
  case Op::Min: return std::min(A(), B());
  case Op::Max: return std::max(A(), B());
  case Op::Sqrt: return std::sqrt(A());
  case Op::Floor: return std::floor(A());
  case Op::Exp: return std::exp(A());
  case Op::Log: return std::log(A());
  case Op::Cos: return std::cos(A());
  case Op::Sin: return std::sin(A());
  }
  return 0.0;
}

} // namespace plasticc::tasks

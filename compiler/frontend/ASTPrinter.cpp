//===- compiler/frontend/ASTPrinter.cpp - indented outline of an AST ------===//
//
// See ASTPrinter.h for the format. The recursion is bounded by the parser's
// limit on expression height.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/ASTPrinter.h"

#include <charconv>
#include <ostream>

namespace plasticc::ast {

namespace {

std::string formatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

class Printer {
public:
  Printer(std::ostream &out, bool checked) : out_(out), checked_(checked) {}

  void module(const Module &m);
  void expr(const Expr &e, int indent);

  /// Names of the statement indices in scope (for "per i,j").
  std::vector<std::string> stmtIndices;

private:
  void line(int indent) { out_ << std::string(2 * indent, ' '); }
  static void loc(std::ostream &out, const SourceRange &r) {
    out << " @" << r.begin.line << ':' << r.begin.col;
  }
  void annotations(const Expr &e);
  void decl(const Decl &d);
  void stmt(const AssignStmt &s, int indent);
  void helper(const Helper &h);

  std::ostream &out_;
  bool checked_;
};

void Printer::annotations(const Expr &e) {
  if (!checked_)
    return;
  out_ << " : " << e.shape.str();
  if (!e.unit.dimensionless())
    out_ << ' ' << e.unit.str();
  if (e.axes) {
    out_ << " per ";
    bool first = true;
    for (int k = 0; k < 2; ++k)
      if ((e.axes >> k) & 1) {
        out_ << (first ? "" : ",") << (k < static_cast<int>(stmtIndices.size()) ? stmtIndices[k] : "?");
        first = false;
      }
  }
}

void Printer::expr(const Expr &e, int indent) {
  line(indent);
  switch (e.kind) {
  case ExprKind::Number: {
    auto &n = static_cast<const NumberExpr &>(e);
    out_ << "Number " << formatNumber(n.literal);
    if (n.suffix != UnitSuffix::None)
      out_ << ' ' << unitSuffixName(n.suffix);
    break;
  }
  case ExprKind::Name:
    out_ << "Name " << static_cast<const NameExpr &>(e).name;
    break;
  case ExprKind::Index: {
    auto &x = static_cast<const IndexExpr &>(e);
    out_ << "Index " << x.name << '[';
    for (size_t k = 0; k < x.indices.size(); ++k) {
      out_ << (k ? ", " : "");
      if (x.indices[k].isLiteral())
        out_ << x.indices[k].literal;
      else
        out_ << x.indices[k].name;
    }
    out_ << ']';
    break;
  }
  case ExprKind::Unary:
    out_ << "Unary -";
    break;
  case ExprKind::Binary:
    out_ << "Binary " << binaryOpSpelling(static_cast<const BinaryExpr &>(e).op);
    break;
  case ExprKind::Call:
    out_ << "Call " << builtinName(static_cast<const CallExpr &>(e).callee);
    break;
  case ExprKind::HelperCall:
    out_ << "HelperCall " << static_cast<const HelperCallExpr &>(e).name;
    break;
  case ExprKind::IndexSum: {
    auto &s = static_cast<const IndexSumExpr &>(e);
    out_ << "IndexSum";
    for (size_t k = 0; k < s.vars.size(); ++k)
      out_ << (k ? ", " : " ") << s.vars[k].name;
    if (checked_) {
      out_ << " over";
      for (auto &v : s.vars)
        out_ << ' ' << (v.symbol ? v.symbol->extent : 0);
    }
    break;
  }
  }
  loc(out_, e.range);
  annotations(e);
  out_ << '\n';
  switch (e.kind) {
  case ExprKind::Unary:
    expr(*static_cast<const UnaryExpr &>(e).operand, indent + 1);
    break;
  case ExprKind::Binary:
    expr(*static_cast<const BinaryExpr &>(e).lhs, indent + 1);
    expr(*static_cast<const BinaryExpr &>(e).rhs, indent + 1);
    break;
  case ExprKind::Call:
    for (auto &a : static_cast<const CallExpr &>(e).args)
      expr(*a, indent + 1);
    break;
  case ExprKind::HelperCall:
    for (auto &a : static_cast<const HelperCallExpr &>(e).args)
      expr(*a, indent + 1);
    break;
  case ExprKind::IndexSum:
    expr(*static_cast<const IndexSumExpr &>(e).body, indent + 1);
    break;
  default:
    break;
  }
}

void Printer::stmt(const AssignStmt &s, int indent) {
  line(indent);
  out_ << "Assign " << s.target;
  stmtIndices.clear();
  if (!s.indices.empty()) {
    out_ << '[';
    for (size_t k = 0; k < s.indices.size(); ++k) {
      out_ << (k ? ", " : "");
      if (s.indices[k].isLiteral()) {
        out_ << s.indices[k].literal; // an element write binds no index
        continue;
      }
      out_ << s.indices[k].name;
      stmtIndices.push_back(s.indices[k].name);
    }
    out_ << ']';
  }
  out_ << ' ' << assignOpSpelling(s.op);
  loc(out_, s.range);
  if (checked_ && s.definesLocal)
    out_ << " (local)";
  out_ << '\n';
  expr(*s.value, indent + 1);
  stmtIndices.clear();
}

void Printer::decl(const Decl &d) {
  line(1);
  switch (d.kind) {
  case DeclKind::Dim: {
    auto &dim = static_cast<const DimDecl &>(d);
    out_ << "Dim " << dim.name << " = ";
    if (dim.isInteger)
      out_ << dim.value;
    else
      out_ << dim.spelling; // not a dim Sema accepts: as written
    loc(out_, d.range);
    out_ << '\n';
    return;
  }
  case DeclKind::Quantity: {
    auto &q = static_cast<const QuantityDecl &>(d);
    out_ << "Quantity " << quantityKindName(q.qkind) << ' ' << q.name;
    if (!q.dims.empty()) {
      out_ << '[';
      for (size_t k = 0; k < q.dims.size(); ++k) {
        out_ << (k ? ", " : "");
        if (q.dims[k].isLiteral())
          out_ << q.dims[k].literal;
        else
          out_ << q.dims[k].name;
      }
      out_ << ']';
    }
    if (q.plastic)
      out_ << " plastic";
    loc(out_, d.range);
    if (checked_) {
      out_ << " : " << q.shape.str();
      if (!q.unit.dimensionless())
        out_ << ' ' << q.unit.str();
    }
    out_ << '\n';
    if (q.init)
      expr(*q.init, 2);
    return;
  }
  case DeclKind::Step:
  case DeclKind::Event: {
    out_ << (d.kind == DeclKind::Step ? "Step" : "OnReward");
    loc(out_, d.range);
    out_ << '\n';
    for (auto &s : static_cast<const BlockDecl &>(d).stmts)
      stmt(*s, 2);
    return;
  }
  case DeclKind::Extern: {
    auto &x = static_cast<const ExternDecl &>(d);
    out_ << "Extern \"" << x.path << "\"";
    for (size_t k = 0; k < x.names.size(); ++k)
      out_ << (k ? ", " : " ") << x.names[k].name;
    loc(out_, d.range);
    out_ << '\n';
    for (const Helper *h : x.lifted)
      helper(*h);
    return;
  }
  case DeclKind::Reward: {
    auto &r = static_cast<const RewardDecl &>(d);
    out_ << "Reward " << r.name;
    loc(out_, d.range);
    out_ << '\n';
    if (r.value) // null in a broken declaration
      expr(*r.value, 2);
    return;
  }
  }
}

// A lifted helper as CppImport built it: its locals and result, located
// in the C++ file, without shapes (each call has its own).
void Printer::helper(const Helper &h) {
  line(2);
  out_ << "Helper " << h.name << '(';
  for (size_t k = 0; k < h.params.size(); ++k)
    out_ << (k ? ", " : "") << h.params[k];
  out_ << ") " << (h.imported ? "" : "(called by a helper) ") << "@" << h.file->path() << ':'
       << h.range.begin.line << ':' << h.range.begin.col << '\n';
  bool checked = checked_;
  checked_ = false;
  for (const HelperLet &let : h.lets) {
    line(3);
    out_ << "Let " << let.name << '\n';
    expr(*let.value, 4);
  }
  line(3);
  out_ << "Result\n";
  expr(*h.result, 4);
  checked_ = checked;
}

void Printer::module(const Module &m) {
  out_ << "Module " << m.name;
  loc(out_, m.nameRange);
  out_ << '\n';
  for (auto &d : m.decls)
    decl(*d);
}

} // namespace

void printAST(const Module &module, std::ostream &out) { Printer(out, module.checked).module(module); }

void printExpr(const Expr &expr, std::ostream &out, int indent) {
  Printer(out, false).expr(expr, indent);
}

} // namespace plasticc::ast

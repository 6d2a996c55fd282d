//===- tests/unit/ParserTest.cpp - the .plast parser ----------------------===//
//
// Precedence and associativity (checked on the tree's structure), source
// ranges, index sums vs calls, statement ends, recovery (several errors per
// run) and the nesting limits.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/ASTPrinter.h"
#include "compiler/frontend/Parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace plasticc;
using namespace plasticc::ast;

namespace {

/// A parse of `text`: the tree, the messages, the error count.
struct Parsed {
  std::shared_ptr<SourceFile> file;
  std::unique_ptr<Module> module;
  ExprPtr expr;
  std::string messages;
  unsigned errors = 0;
};

Parsed parseModuleText(std::string text) {
  Parsed p;
  p.file = std::make_shared<SourceFile>("t.plast", std::move(text));
  std::ostringstream msgs;
  DiagnosticEngine diag(p.file, msgs);
  p.module = parseSource(*p.file, diag);
  p.messages = msgs.str();
  p.errors = diag.errorCount();
  return p;
}

Parsed parseExprText(std::string text) {
  Parsed p;
  p.file = std::make_shared<SourceFile>("t.plast", std::move(text));
  std::ostringstream msgs;
  DiagnosticEngine diag(p.file, msgs);
  p.expr = parseExpression(*p.file, diag);
  p.messages = msgs.str();
  p.errors = diag.errorCount();
  return p;
}

/// Fully parenthesised form of an expression, to check structure.
std::string paren(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Number: {
    auto &n = static_cast<const NumberExpr &>(e);
    std::ostringstream s;
    s << n.literal << unitSuffixName(n.suffix);
    return s.str();
  }
  case ExprKind::Name:
    return static_cast<const NameExpr &>(e).name;
  case ExprKind::Index: {
    auto &x = static_cast<const IndexExpr &>(e);
    std::string s = x.name + "[";
    for (size_t k = 0; k < x.indices.size(); ++k)
      s += (k ? "," : "") + (x.indices[k].isLiteral() ? std::to_string(x.indices[k].literal) : x.indices[k].name);
    return s + "]";
  }
  case ExprKind::Unary:
    return "(-" + paren(*static_cast<const UnaryExpr &>(e).operand) + ")";
  case ExprKind::Binary: {
    auto &b = static_cast<const BinaryExpr &>(e);
    return "(" + paren(*b.lhs) + " " + binaryOpSpelling(b.op) + " " + paren(*b.rhs) + ")";
  }
  case ExprKind::Call: {
    auto &c = static_cast<const CallExpr &>(e);
    std::string s = std::string(builtinName(c.callee)) + "(";
    for (size_t k = 0; k < c.args.size(); ++k)
      s += (k ? ", " : "") + paren(*c.args[k]);
    return s + ")";
  }
  case ExprKind::HelperCall: {
    auto &c = static_cast<const HelperCallExpr &>(e);
    std::string s = c.name + "(";
    for (size_t k = 0; k < c.args.size(); ++k)
      s += (k ? ", " : "") + paren(*c.args[k]);
    return s + ")";
  }
  case ExprKind::IndexSum: {
    auto &x = static_cast<const IndexSumExpr &>(e);
    std::string s = "sum<";
    for (size_t k = 0; k < x.vars.size(); ++k)
      s += (k ? "," : "") + x.vars[k].name;
    return s + ">" + paren(*x.body);
  }
  }
  return "?";
}

std::string structure(const std::string &text) {
  Parsed p = parseExprText(text);
  EXPECT_EQ(p.errors, 0u) << text << "\n" << p.messages;
  return p.expr ? paren(*p.expr) : "<error>";
}

} // namespace

TEST(ParserTest, Precedence) {
  EXPECT_EQ(structure("a + b * c"), "(a + (b * c))");
  EXPECT_EQ(structure("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(structure("a / b * c"), "((a / b) * c)");
  EXPECT_EQ(structure("W @ r + b"), "((W @ r) + b)");
  EXPECT_EQ(structure("a + b < c * d"), "((a + b) < (c * d))");
}

TEST(ParserTest, PowerAndUnaryMinus) {
  EXPECT_EQ(structure("-x^2"), "(-(x ^ 2))");           // -x^2 = -(x^2)
  EXPECT_EQ(structure("a^b^c"), "(a ^ (b ^ c))");       // right associative
  EXPECT_EQ(structure("2^-x"), "(2 ^ (-x))");
  EXPECT_EQ(structure("--x"), "(-(-x))");
  EXPECT_EQ(structure("a * -b"), "(a * (-b))");
  EXPECT_EQ(structure("r[j]^a"), "(r[j] ^ a)");
}

TEST(ParserTest, IndexSumTakesOneMultiplicativeTerm) {
  EXPECT_EQ(structure("sum(a, b) theta[a, b] * r[j]^a * post[i]^b"),
            "sum<a,b>((theta[a,b] * (r[j] ^ a)) * (post[i] ^ b))");
  EXPECT_EQ(structure("sum(a) v[a] * 2 + 1"), "(sum<a>(v[a] * 2) + 1)");
  EXPECT_EQ(structure("2 * sum(a) v[a] < 3"), "((2 * sum<a>v[a]) < 3)");
  // A ')' followed by an operator is the reduction call, not an index sum.
  EXPECT_EQ(structure("sum(x) * 2"), "(sum(x) * 2)");
  EXPECT_EQ(structure("sum((z - y)^2)"), "sum(((z - y) ^ 2))");
}

TEST(ParserTest, NumbersAndUnits) {
  EXPECT_EQ(structure("10 ms + 2s * 5 Hz"), "(10ms + (2s * 5Hz))");
  Parsed p = parseExprText("10 ms");
  auto *n = dyn<NumberExpr>(p.expr.get());
  ASSERT_NE(n, nullptr);
  EXPECT_DOUBLE_EQ(n->siValue(), 0.01);
  EXPECT_TRUE(n->isInteger);
  EXPECT_FALSE(dyn<NumberExpr>(parseExprText("1.0").expr.get())->isInteger);
}

TEST(ParserTest, RangesCoverTheNode) {
  Parsed p = parseExprText("a + tanh(b)");
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.expr->range.begin, (Loc{1, 1}));
  EXPECT_EQ(p.expr->range.end, (Loc{1, 12}));
  auto *b = dyn<BinaryExpr>(p.expr.get());
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->opRange.begin, (Loc{1, 3}));
  EXPECT_EQ(b->rhs->range.begin, (Loc{1, 5}));
}

TEST(ParserTest, ComparisonsDoNotChain) {
  Parsed p = parseExprText("a < b < c");
  EXPECT_EQ(p.expr, nullptr);
  EXPECT_EQ(p.errors, 1u);
  EXPECT_NE(p.messages.find("comparisons do not chain"), std::string::npos);
}

TEST(ParserTest, DeclarationsOfTheReferenceModel) {
  std::ifstream in(std::string(PLASTICC_SOURCE_DIR) + "/examples/rnn_poly.plast");
  std::stringstream text;
  text << in.rdbuf();
  Parsed p = parseModuleText(text.str());
  ASSERT_EQ(p.errors, 0u) << p.messages;
  EXPECT_EQ(p.module->name, "rnn_poly");
  ASSERT_NE(p.module->step(), nullptr);
  EXPECT_EQ(p.module->step()->stmts.size(), 8u);
  ASSERT_NE(p.module->event(), nullptr);
  EXPECT_EQ(p.module->event()->stmts.size(), 2u);
  ASSERT_NE(p.module->reward(), nullptr);
  const AssignStmt &trace = *p.module->step()->stmts[2];
  EXPECT_EQ(trace.target, "e");
  ASSERT_EQ(trace.indices.size(), 2u);
  EXPECT_EQ(trace.indices[0].name, "i");
  EXPECT_EQ(trace.indices[1].name, "j");
}

TEST(ParserTest, StatementEndsAndContinuations) {
  Parsed p = parseModuleText("model m\nstep {\n  a = 1 +\n 2; b = (1\n + 2)\n c = f[\n0]\n}\n");
  EXPECT_EQ(p.errors, 0u) << p.messages;
  ASSERT_NE(p.module->step(), nullptr);
  EXPECT_EQ(p.module->step()->stmts.size(), 3u);
  // An operator at the start of a line starts a new (broken) statement.
  Parsed q = parseModuleText("model m\nstep {\n  a = 1\n  + 2\n}\n");
  EXPECT_EQ(q.errors, 1u);
  EXPECT_NE(q.messages.find("4:3: error: expected a statement"), std::string::npos) << q.messages;
}

TEST(ParserTest, RecoveryReportsEveryBrokenStatement) {
  Parsed p = parseModuleText("model m\nstep {\n  a = (1 +\n  b = 2\n  c = * 3\n  d = 4\n  e = 1 2\n}\n"
                             "param p = \nstate s = 1\n");
  EXPECT_EQ(p.errors, 4u) << p.messages;
  ASSERT_NE(p.module->step(), nullptr);
  // `b = 2` went into the unclosed parenthesis of a; d survives, and a, c,
  // e are recorded as skipped targets.
  ASSERT_EQ(p.module->step()->stmts.size(), 1u);
  EXPECT_EQ(p.module->step()->stmts[0]->target, "d");
  EXPECT_TRUE(p.module->incomplete);
  std::vector<std::string> skipped = p.module->skippedNames;
  for (const char *n : {"a", "c", "e", "p"})
    EXPECT_NE(std::find(skipped.begin(), skipped.end(), n), skipped.end()) << n;
  // The declaration after the broken one is parsed.
  EXPECT_EQ(p.module->decls.back()->kind, DeclKind::Quantity);
}

TEST(ParserTest, DeepNestingIsOneErrorNotACrash) {
  for (std::string open : {"(", "-", "tanh(", "x^"}) {
    std::string text = "model m\nstep {\n x = ";
    for (int k = 0; k < 20000; ++k)
      text += open;
    text += "1\n y = 2\n}\n";
    Parsed p = parseModuleText(text);
    EXPECT_GE(p.errors, 1u) << open;
    EXPECT_LE(p.errors, 2u) << open; // the nesting error, maybe an unclosed '(' at the end
    EXPECT_NE(p.messages.find("expression nested too deeply"), std::string::npos) << open;
    ASSERT_NE(p.module->step(), nullptr);
    EXPECT_EQ(p.module->step()->stmts.back()->target, "y") << open;
  }
}

TEST(ParserTest, LongChainsAreBounded) {
  std::string chain = "x";
  for (unsigned k = 0; k < kMaxExprHeight + 10; ++k)
    chain += " + x";
  Parsed p = parseExprText(chain);
  EXPECT_EQ(p.expr, nullptr);
  EXPECT_NE(p.messages.find("expression too large"), std::string::npos);
  Parsed ok = parseExprText("x + x + x");
  ASSERT_TRUE(ok.expr);
  EXPECT_EQ(ok.expr->height, 3u);
}

TEST(ParserTest, ErrorLimitStopsParsing) {
  std::string text = "model m\n";
  for (int k = 0; k < 200; ++k)
    text += "$\n";
  Parsed p = parseModuleText(text);
  EXPECT_NE(p.messages.find("too many errors, stopping"), std::string::npos);
}

TEST(ParserTest, PrintExprIsTheDumpFormat) {
  Parsed p = parseExprText("-a");
  std::ostringstream out;
  printExpr(*p.expr, out);
  EXPECT_EQ(out.str(), "Unary - @1:1\n  Name a @1:2\n");
}

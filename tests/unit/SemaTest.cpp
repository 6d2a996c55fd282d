//===- tests/unit/SemaTest.cpp - semantic checks and lowering -------------===//
//
// Sema's annotations (shapes, SI units, axes of indexed statements, symbol
// resolution), its structured diagnostics (severity, location, notes), and
// the front end end to end: every example in examples/ checks, lowers, and
// verifies, with a source location on every op.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "dialect/Verifier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace plasticc;
using namespace plasticc::ast;

namespace {

struct Checked {
  std::shared_ptr<SourceFile> file;
  std::unique_ptr<Module> module;
  std::vector<Diagnostic> diags;
  std::string messages;
  bool ok = false;
};

/// `path` matters to a model that imports C++ helpers (relative to it).
Checked check(std::string text, std::string path = "t.plast") {
  Checked c;
  c.file = std::make_shared<SourceFile>(std::move(path), std::move(text));
  std::ostringstream msgs;
  DiagnosticEngine diag(c.file, msgs);
  c.module = parseSource(*c.file, diag);
  c.ok = checkModule(*c.module, diag);
  c.diags = diag.diagnostics();
  c.messages = msgs.str();
  return c;
}

std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const QuantityDecl *quantity(const Module &m, const std::string &name) {
  for (auto &d : m.decls)
    if (auto *q = dyn<QuantityDecl>(d.get()); q && q->name == name)
      return q;
  return nullptr;
}

} // namespace

TEST(SemaTest, ReferenceModelAnnotations) {
  Checked c = check(readFile(std::string(PLASTICC_SOURCE_DIR) + "/examples/rnn_poly.plast"));
  ASSERT_TRUE(c.ok) << c.messages;
  EXPECT_TRUE(c.module->checked);
  EXPECT_EQ(quantity(*c.module, "W")->shape, Shape::matrix(128, 128));
  EXPECT_EQ(quantity(*c.module, "tau")->unit, Unit{1});
  EXPECT_EQ(quantity(*c.module, "sigma")->unit, Unit{0});
  const BlockDecl &step = *c.module->step();
  // r = tanh(x): a local of shape [128].
  EXPECT_TRUE(step.stmts[0]->definesLocal);
  EXPECT_EQ(step.stmts[0]->symbol->kind, SymbolKind::Local);
  EXPECT_EQ(step.stmts[0]->value->shape, Shape::vector(128));
  // e[i, j] = lambda * e[i, j] + sum(a, b) ...: per element, varies along i and j.
  const AssignStmt &trace = *step.stmts[2];
  EXPECT_EQ(trace.value->shape, Shape::scalar());
  EXPECT_EQ(trace.value->axes, 3);
  auto *plus = dyn<BinaryExpr>(trace.value.get());
  ASSERT_NE(plus, nullptr);
  auto *sum = dyn<IndexSumExpr>(plus->rhs.get());
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->vars[0].symbol->extent, 4);
  EXPECT_EQ(sum->vars[1].symbol->extent, 4);
  // theta[a, b] * r[j]^a varies along j only.
  auto *outer = dyn<BinaryExpr>(sum->body.get());
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->lhs->axes, 2);
  EXPECT_EQ(outer->rhs->axes, 1);
}

TEST(SemaTest, UnitsPropagateThroughProductsAndPowers) {
  Checked c = check("model u\nparam tau = 10 ms\nparam f = 2 Hz\nstate x = 0\nstep {\n"
                    "  a = tau * tau\n  b = tau^3 / f^-1\n  c = sqrt(a)\n  d = tau * f\n  x = d\n}\n");
  ASSERT_TRUE(c.ok) << c.messages;
  const BlockDecl &step = *c.module->step();
  EXPECT_EQ(step.stmts[0]->value->unit, Unit{2});
  EXPECT_EQ(step.stmts[1]->value->unit, Unit{2});  // s^3 / (1/s)^-1 = s^3 / s
  EXPECT_EQ(step.stmts[2]->value->unit, Unit{1});
  EXPECT_EQ(step.stmts[3]->value->unit, Unit{0});
  EXPECT_EQ(Unit{-2}.str(), "1/s^2");
}

TEST(SemaTest, ShapeErrorNamesBothShapesWithNotes) {
  Checked c = check("model s\ndim N = 3\ndim M = 2\nstate x[N] = 0\ninput u[M]\nstep { x = x + u }\n");
  EXPECT_FALSE(c.ok);
  ASSERT_EQ(c.diags.size(), 3u) << c.messages;
  EXPECT_EQ(c.diags[0].severity, Severity::Error);
  EXPECT_EQ(c.diags[0].message, "shapes do not agree in '+': [3] vs [2]");
  EXPECT_EQ(c.diags[0].range.begin, (Loc{6, 14}));
  EXPECT_EQ(c.diags[1].severity, Severity::Note);
  EXPECT_EQ(c.diags[1].range.begin, (Loc{4, 7}));
  EXPECT_EQ(c.diags[2].range.begin, (Loc{5, 7}));
}

TEST(SemaTest, IndependentErrorsAreAllReported) {
  Checked c = check("model e\nparam p = 1\nstate x = 0\nstep {\n  p = 2\n  y = zz\n  x = 1 ms\n  w = tanh(1 s)\n}\n");
  EXPECT_FALSE(c.ok);
  unsigned errors = 0;
  for (auto &d : c.diags)
    errors += d.severity == Severity::Error;
  EXPECT_EQ(errors, 4u) << c.messages;
}

TEST(SemaTest, WritabilityPerBlock) {
  struct Case {
    const char *decl, *block, *stmt;
    bool ok;
  } cases[] = {
      {"state q = 0", "step", "q = 1", true},
      {"trace q = 0", "step", "q = 1", true},
      {"output q", "step", "q = 1", true},
      {"weight q = 0 plastic", "on reward", "q = 1", true},
      {"baseline q = 0", "on reward", "q = 1", true},
      {"state q = 0", "on reward", "q = 1", false},
      {"weight q = 0 plastic", "step", "q = 1", true}, // continuous plasticity
      {"baseline q = 0", "step", "q = 1", true},
      {"weight q = 0", "on reward", "q = 1", false},
      {"weight q = 0", "step", "q = 1", false},
      {"trace q = 0", "on reward", "q = 1", false},
      {"meta q = 0", "step", "q = 1", false},
      {"param q = 0", "step", "q = 1", false},
      {"input q", "step", "q = 1", false},
      {"noise q", "step", "q = 1", false},
  };
  for (const Case &k : cases) {
    std::string text = std::string("model w\n") + k.decl + "\nreward R = 0\n";
    bool step = std::string(k.block) == "step";
    text += step ? std::string("step { ") + k.stmt + " }\n" : std::string("step { }\non reward { ") + k.stmt + " }\n";
    Checked c = check(text);
    EXPECT_EQ(c.ok, k.ok) << text << c.messages;
  }
}

TEST(SemaTest, IndexSumRangeComesFromFirstAxis) {
  Checked c = check("model i\ndim D = 3\nmeta th[D] = 0\nstate x = 0\nstep { x = sum(a) th[a] * x^a }\n");
  ASSERT_TRUE(c.ok) << c.messages;
  auto *sum = dyn<IndexSumExpr>(c.module->step()->stmts[0]->value.get());
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->vars[0].symbol->extent, 3);
}

TEST(SemaTest, EveryExampleChecksLowersAndVerifies) {
  int n = 0;
  for (auto &entry : std::filesystem::directory_iterator(std::string(PLASTICC_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".plast")
      continue;
    ++n;
    Checked c = check(readFile(entry.path()), entry.path().string());
    ASSERT_TRUE(c.ok) << entry.path() << "\n" << c.messages;
    std::unique_ptr<ir::Module> m = lowerToDialect(*c.module);
    std::vector<ir::VerifierError> errors = ir::verify(*m);
    for (auto &e : errors)
      ADD_FAILURE() << entry.path() << ": " << e.message;
    for (const ir::Region *r : m->regions())
      for (auto &op : r->ops)
        EXPECT_TRUE(op->loc.valid()) << entry.path() << ": " << ir::mnemonic(op->kind) << " in " << r->name;
    // Random draws use the quantity's index as their stream.
    for (auto &op : m->init.ops)
      if (op->kind == ir::OpKind::RandNormal || op->kind == ir::OpKind::RandUniform) {
        ASSERT_EQ(op->attrs.ints.size(), 1u);
        int64_t stream = op->attrs.ints[0];
        ASSERT_LT(stream, static_cast<int64_t>(m->quantities.size()));
        EXPECT_EQ(m->quantities[stream]->name, op->name) << entry.path();
      }
    EXPECT_EQ(m->reward.ops.back()->kind, ir::OpKind::Ret);
  }
  EXPECT_GE(n, 1);
}

//===- tests/unit/PrinterTest.cpp - canonical text form of the dialect ----===//
//
// The printer's golden output for a small module, its SSA naming rules, the
// shortest round-trip form of doubles, and the round trip through the
// parser: print(parse(print(m))) == print(m) byte for byte for modules that
// use every op kind, with and without tangents.
//
//===----------------------------------------------------------------------===//
#include "DialectSamples.h"
#include "dialect/Builder.h"
#include "dialect/Parser.h"
#include "dialect/Printer.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>

using namespace plasticc;
using namespace plasticc::ir;

namespace {

/// Parses `text`; on failure the test fails with the diagnostics.
std::unique_ptr<Module> reparse(const std::string &text) {
  auto file = std::make_shared<SourceFile>("test.plir", text);
  std::ostringstream errs;
  DiagnosticEngine diag(file, errs);
  auto m = parseModule(*file, diag);
  EXPECT_TRUE(m) << errs.str() << "\n--- input ---\n" << text;
  return m;
}

/// Ends the reward region with `ret 0`, which the verifier requires.
void addReturn(Module &m) {
  Builder b(m, m.reward);
  b.ret({b.constant(0, Type::scalar())});
}

} // namespace

TEST(Printer, GoldenSmallModule) {
  Module m;
  m.name = "tiny";
  m.dims = {{"N", 2}};
  Quantity *x = m.addQuantity("x", QuantityKind::State, Type::vector(2), {3, 7});
  Quantity *w = m.addQuantity("W", QuantityKind::Weight, Type::matrix(2, 2), {4, 8}, true);
  Quantity *rb = m.addQuantity("Rbar", QuantityKind::Baseline, Type::scalar(), {});
  Builder b(m, m.init);
  b.setLoc({3, 11});
  b.write(x, b.constant(0.25, x->type));
  b.setLoc({});
  b.write(w, b.constant(1, Type::scalar())); // a scalar write broadcasts
  b.setRegion(m.step);
  b.setLoc({7, 7});
  Op *xv = b.read(x);
  Op *r = b.unary(OpKind::Tanh, xv, "r");
  Op *wv = b.read(w);
  Op *y = b.matvec(wv, r);
  Op *sq = b.powi(y, 2, "r"); // a second "r": uniqued
  Op *rows = b.bcast(sq, Type::matrix(2, 2), 0);
  Op *s = b.reduce(OpKind::Sum, rows);
  b.write(x, b.binary(OpKind::Add, xv, s));
  b.setRegion(m.reward);
  b.setLoc({9, 1});
  Op *rr = b.read(rb, "R");
  Op *w2 = b.read(w);
  Op *at = b.extract(w2, {1, 0});
  b.write(rb, b.binary(OpKind::Add, rr, at));
  b.ret({rr});
  EXPECT_EQ(printModule(m), R"(module @tiny lanes 0 {
  dim N = 2

  state @x : f64[2] loc(3:7)
  weight @W : f64[2,2] plastic loc(4:8)
  baseline @Rbar : f64

  region init {
    %0 = const 0.25 : f64[2] loc(3:11)
    write @x, %0 loc(3:11)
    %1 = const 1 : f64
    %2 = bcast %1 : f64 -> f64[2,2]
    write @W, %2
  }

  region trial {
  }

  region step {
    %x = read @x : f64[2] loc(7:7)
    %r = tanh %x : f64[2] loc(7:7)
    %W = read @W : f64[2,2] loc(7:7)
    %0 = matvec %W, %r : f64[2] loc(7:7)
    %r.1 = powi %0 {n = 2} : f64[2] loc(7:7)
    %1 = bcast %r.1 {axis = 0} : f64[2] -> f64[2,2] loc(7:7)
    %2 = sum %1 : f64 loc(7:7)
    %3 = add %x, %2 : f64[2] loc(7:7)
    write @x, %3 loc(7:7)
  }

  region reward {
    %R = read @Rbar : f64 loc(9:1)
    %W = read @W : f64[2,2] loc(9:1)
    %0 = extract %W {index = [1, 0]} : f64 loc(9:1)
    %1 = add %R, %0 : f64 loc(9:1)
    write @Rbar, %1 loc(9:1)
    ret %R loc(9:1)
  }
}
)");
}

TEST(Printer, NamesAreUniquedDeterministically) {
  Module m;
  m.name = "names";
  Quantity *o = m.addQuantity("o", QuantityKind::Output, Type::scalar(), {});
  Builder b(m, m.step);
  Op *a = b.constant(1, Type::scalar(), "r");
  Op *c = b.constant(2, Type::scalar(), "r");
  Op *d = b.constant(3, Type::scalar(), "r.1"); // taken by the second "r"
  Op *e = b.constant(4, Type::scalar(), "7");   // numeric hints never clash
  Op *f = b.constant(5, Type::scalar(), "a b"); // not a name character
  Op *g = b.constant(6, Type::scalar(), "");
  Op *s = b.binary(OpKind::Add, a, c);
  s = b.binary(OpKind::Add, s, d);
  s = b.binary(OpKind::Add, s, e);
  s = b.binary(OpKind::Add, s, f);
  s = b.binary(OpKind::Add, s, g);
  b.write(o, s);
  std::string text = printModule(m);
  for (const char *line : {"%r = const 1", "%r.1 = const 2", "%r.1.1 = const 3", "%v7 = const 4",
                           "%a_b = const 5", "%0 = const 6", "%1 = add %r, %r.1",
                           "%2 = add %1, %r.1.1", "%5 = add %4, %0"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

TEST(Printer, UndefinedOperandPrintsWithoutCrashing) {
  Module m;
  m.name = "bad";
  Builder b(m, m.step);
  Op *c = b.constant(1, Type::scalar());
  Op *n = b.unary(OpKind::Neg, c);
  std::swap(m.step.ops[0], m.step.ops[1]); // use before definition
  EXPECT_NE(printModule(m).find("neg %<undefined>"), std::string::npos);
  (void)n;
}

TEST(Printer, DoublesUseTheShortestRoundTripForm) {
  EXPECT_EQ(formatDouble(0), "0");
  EXPECT_EQ(formatDouble(-0.0), "-0");
  EXPECT_EQ(formatDouble(0.1), "0.1");
  EXPECT_EQ(formatDouble(1.44 / 3), "0.48");
  EXPECT_EQ(formatDouble(128), "128");
  EXPECT_EQ(formatDouble(1e300), "1e+300");
  EXPECT_EQ(formatDouble(1e-5), "1e-05");
  EXPECT_EQ(formatDouble(5e-324), "5e-324");
  EXPECT_EQ(formatDouble(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(formatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(formatDouble(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(formatDouble(-std::numeric_limits<double>::quiet_NaN()), "-nan");
}

TEST(Printer, ConstantsReadBackBitExactly) {
  Module m;
  m.name = "consts";
  Quantity *o = m.addQuantity("o", QuantityKind::Output, Type::scalar(), {});
  Builder b(m, m.step);
  std::vector<double> values = {0.0, -0.0, 0.1, 1.0 / 3, 5e-324, 2.2250738585072014e-308,
                                std::numeric_limits<double>::max(),
                                -std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(42);
  while (values.size() < 200) {
    double v = std::bit_cast<double>(rng());
    if (!std::isnan(v))
      values.push_back(v);
  }
  Op *acc = b.constant(0, Type::scalar());
  for (double v : values)
    acc = b.binary(OpKind::Add, acc, b.constant(v, Type::scalar()));
  b.write(o, acc);
  addReturn(m);
  auto back = reparse(printModule(m));
  ASSERT_TRUE(back);
  std::vector<double> got;
  for (const auto &op : back->step.ops)
    if (op->kind == OpKind::Const)
      got.push_back(op->attrs.value);
  ASSERT_EQ(got.size(), values.size() + 1);
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(std::bit_cast<uint64_t>(got[i + 1]), std::bit_cast<uint64_t>(values[i]))
        << "value " << values[i];
}

TEST(Printer, NanKeepsItsSign) {
  Module m;
  m.name = "nans";
  Quantity *o = m.addQuantity("o", QuantityKind::Output, Type::scalar(), {});
  Builder b(m, m.step);
  Op *p = b.constant(std::numeric_limits<double>::quiet_NaN(), Type::scalar());
  Op *n = b.constant(-std::numeric_limits<double>::quiet_NaN(), Type::scalar());
  b.write(o, b.binary(OpKind::Add, p, n));
  addReturn(m);
  auto back = reparse(printModule(m));
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::isnan(back->step.ops[0]->attrs.value));
  EXPECT_FALSE(std::signbit(back->step.ops[0]->attrs.value));
  EXPECT_TRUE(std::isnan(back->step.ops[1]->attrs.value));
  EXPECT_TRUE(std::signbit(back->step.ops[1]->attrs.value));
}

TEST(Printer, RoundTripOfEveryOpKind) {
  auto m = samples::miniModel();
  // The sample must really contain every op kind for this test to mean much.
  std::vector<bool> seen(static_cast<size_t>(OpKind::Ret) + 1);
  for (const Region *r : m->regions())
    for (const auto &op : r->ops)
      seen[static_cast<size_t>(op->kind)] = true;
  auto t = samples::miniModelWithTangents();
  for (const Region *r : t->regions())
    for (const auto &op : r->ops)
      seen[static_cast<size_t>(op->kind)] = true;
  for (size_t k = 0; k < seen.size(); ++k)
    EXPECT_TRUE(seen[k]) << "no '" << mnemonic(static_cast<OpKind>(k)) << "' in the samples";

  for (const Module *mod : {m.get(), t.get()}) {
    std::string first = printModule(*mod);
    auto back = reparse(first);
    ASSERT_TRUE(back);
    EXPECT_EQ(printModule(*back), first);
  }
}

TEST(Printer, RoundTripKeepsStructure) {
  auto m = samples::miniModelWithTangents();
  auto back = reparse(printModule(*m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, m->name);
  EXPECT_EQ(back->lanes, m->lanes);
  ASSERT_EQ(back->quantities.size(), m->quantities.size());
  for (size_t i = 0; i < m->quantities.size(); ++i) {
    const Quantity &a = *m->quantities[i], &c = *back->quantities[i];
    EXPECT_EQ(a.name, c.name);
    EXPECT_EQ(a.kind, c.kind);
    EXPECT_EQ(a.type, c.type);
    EXPECT_EQ(a.plastic, c.plastic);
    EXPECT_EQ(a.hasTangent, c.hasTangent);
    EXPECT_EQ(a.loc, c.loc);
  }
  auto regions = m->regions();
  auto backRegions = back->regions();
  for (size_t r = 0; r < regions.size(); ++r) {
    ASSERT_EQ(regions[r]->ops.size(), backRegions[r]->ops.size());
    for (size_t i = 0; i < regions[r]->ops.size(); ++i) {
      const Op &a = *regions[r]->ops[i], &c = *backRegions[r]->ops[i];
      EXPECT_EQ(a.kind, c.kind);
      EXPECT_EQ(a.type, c.type);
      EXPECT_EQ(a.loc, c.loc);
      EXPECT_TRUE(a.attrs.ints == c.attrs.ints);
      ASSERT_EQ(a.operands.size(), c.operands.size());
    }
  }
}

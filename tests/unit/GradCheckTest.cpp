//===- tests/unit/GradCheckTest.cpp - tangents equal finite differences ---===//
//
// The numbers of the tangent pass, computed by the interpreter:
//   * every math rule, one op at a time, against its closed-form derivative
//     and a central finite difference, at ordinary points;
//   * at kinks and domain edges, the conventions of docs/tangents.md
//     (one-sided derivatives, IEEE inf/nan, a zero tangent stays zero);
//   * whole models through many steps and trials with runtime::checkGradient:
//     every op kind at once (kitchen sink), and the reference model of
//     MODEL.md on cue-delay-response for D = 2, 3, 4;
//   * that the check itself notices a wrong gradient.
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "runtime/CueDelayResponse.h"
#include "runtime/GradCheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <limits>

using namespace plasticc;
using namespace plasticc::ir;
using plasticc::testmodels::differentiate;
using plasticc::testmodels::pointModel;
using plasticc::testmodels::rewardAndGradient;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The gradient of op at `at` from the tangents, and by central differences.
struct PointGradient {
  std::vector<double> tangent, fd;
};
PointGradient pointGradient(OpKind kind, const std::vector<double> &at, int64_t n = 2) {
  auto m = pointModel(kind, at, n);
  EXPECT_TRUE(differentiate(*m));
  PointGradient g;
  g.tangent = rewardAndGradient(*m).dR;
  const double h = 1e-6;
  for (size_t q = 0; q < at.size(); ++q) {
    std::vector<double> plus(at.size(), 0.0), minus(at.size(), 0.0);
    plus[q] = h;
    minus[q] = -h;
    g.fd.push_back((rewardAndGradient(*m, plus).R - rewardAndGradient(*m, minus).R) / (2 * h));
  }
  return g;
}

/// Equality that treats NaN as equal to NaN (conventions may be NaN).
void expectSame(double got, double want, const std::string &what) {
  if (std::isnan(want))
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want nan";
  else
    EXPECT_EQ(got, want) << what;
}

/// An op, its derivative in closed form, and the open interval (lo, hi) of
/// the test points where it is defined and smooth.
struct UnaryCase {
  OpKind kind;
  double (*derivative)(double);
  double lo = -kInf, hi = kInf;
};

} // namespace

TEST(GradCheck, UnaryRulesMatchClosedFormsAndFiniteDifferences) {
  const UnaryCase cases[] = {
      {OpKind::Neg, [](double) { return -1.0; }},
      {OpKind::Tanh, [](double x) { return 1.0 / (std::cosh(x) * std::cosh(x)); }},
      {OpKind::Exp, [](double x) { return std::exp(x); }},
      {OpKind::Log, [](double x) { return 1.0 / x; }, 0.0},
      {OpKind::Sqrt, [](double x) { return 0.5 / std::sqrt(x); }, 0.0},
      {OpKind::Abs, [](double x) { return x > 0 ? 1.0 : -1.0; }},
      {OpKind::Sigmoid,
       [](double x) { return std::exp(-x) / ((1 + std::exp(-x)) * (1 + std::exp(-x))); }},
      {OpKind::Relu, [](double x) { return x > 0 ? 1.0 : 0.0; }},
      {OpKind::Sin, [](double x) { return std::cos(x); }},
      {OpKind::Cos, [](double x) { return -std::sin(x); }},
      {OpKind::Tan, [](double x) { return 1.0 / (std::cos(x) * std::cos(x)); }},
      {OpKind::Asin, [](double x) { return 1.0 / std::sqrt(1 - x * x); }, -1.0, 1.0},
      {OpKind::Acos, [](double x) { return -1.0 / std::sqrt(1 - x * x); }, -1.0, 1.0},
      {OpKind::Atan, [](double x) { return 1.0 / (1 + x * x); }},
      {OpKind::Sinh, [](double x) { return std::cosh(x); }},
      {OpKind::Cosh, [](double x) { return std::sinh(x); }},
      {OpKind::Log1p, [](double x) { return 1.0 / (1 + x); }, -1.0},
      {OpKind::Expm1, [](double x) { return std::exp(x); }},
      {OpKind::Softplus, [](double x) { return 1.0 / (1 + std::exp(-x)); }},
  };
  for (const UnaryCase &c : cases)
    for (double x : {-1.3, -0.4, 0.7, 2.1}) {
      if (!(x > c.lo && x < c.hi))
        continue;
      PointGradient g = pointGradient(c.kind, {x});
      std::string what = std::string(mnemonic(c.kind)) + " at " + std::to_string(x);
      EXPECT_NEAR(g.tangent[0], c.derivative(x), 1e-14 * std::max(1.0, std::fabs(g.tangent[0])))
          << what;
      EXPECT_NEAR(g.tangent[0], g.fd[0], 1e-8 * std::max(1.0, std::fabs(g.tangent[0]))) << what;
    }
}

TEST(GradCheck, PowiRuleIsNTimesXToTheNMinusOne) {
  for (int64_t n : {1, 2, 3, 5})
    for (double x : {-1.3, 0.7}) {
      PointGradient g = pointGradient(OpKind::Powi, {x}, n);
      double want = static_cast<double>(n) * std::pow(x, static_cast<double>(n - 1));
      EXPECT_NEAR(g.tangent[0], want, 1e-14 * std::fabs(want)) << n << " " << x;
      EXPECT_NEAR(g.tangent[0], g.fd[0], 1e-8 * std::max(1.0, std::fabs(want))) << n << " " << x;
    }
  // x^0 = 1 does not depend on x: no tangent, a zero dR.
  EXPECT_EQ(pointGradient(OpKind::Powi, {0.7}, 0).tangent[0], 0.0);
}

TEST(GradCheck, BinaryAndTernaryRulesMatchFiniteDifferences) {
  const std::pair<OpKind, std::vector<double>> cases[] = {
      {OpKind::Add, {0.3, -1.2}},  {OpKind::Sub, {0.3, -1.2}},   {OpKind::Mul, {0.3, -1.2}},
      {OpKind::Div, {0.3, -1.2}},  {OpKind::Div, {-2.0, 0.7}},   {OpKind::Pow, {1.7, 2.3}},
      {OpKind::Pow, {0.4, -1.5}},  {OpKind::Pow, {2.5, 0.0}},    {OpKind::Min, {0.3, -1.2}},
      {OpKind::Min, {-1.2, 0.3}},  {OpKind::Max, {0.3, -1.2}},   {OpKind::Max, {-1.2, 0.3}},
      {OpKind::Select, {1.0, 0.5, 2.5}},                         {OpKind::Clip, {0.5, 0.0, 1.0}},
      {OpKind::Clip, {-0.5, 0.0, 1.0}},                          {OpKind::Clip, {1.5, 0.0, 1.0}},
      {OpKind::Atan2, {0.3, -1.2}}, {OpKind::Atan2, {-2.0, 0.7}},  {OpKind::Atan2, {1e-3, 2.5}},
  };
  for (const auto &[kind, at] : cases) {
    PointGradient g = pointGradient(kind, at);
    for (size_t q = 0; q < at.size(); ++q)
      EXPECT_NEAR(g.tangent[q], g.fd[q], 1e-8 * std::max(1.0, std::fabs(g.fd[q])))
          << mnemonic(kind) << " operand " << q << " at " << at[0] << ", " << at[1];
  }
  // Closed forms of the two that are easy to get wrong.
  PointGradient d = pointGradient(OpKind::Div, {0.3, -1.2});
  EXPECT_DOUBLE_EQ(d.tangent[0], 1 / -1.2);
  EXPECT_DOUBLE_EQ(d.tangent[1], -0.3 / (1.2 * 1.2));
  PointGradient p = pointGradient(OpKind::Pow, {1.7, 2.3});
  EXPECT_DOUBLE_EQ(p.tangent[0], 2.3 * std::pow(1.7, 1.3));
  EXPECT_DOUBLE_EQ(p.tangent[1], std::pow(1.7, 2.3) * std::log(1.7));
  // atan2(y, x): d/dy = x/(x^2 + y^2), d/dx = -y/(x^2 + y^2).
  PointGradient a = pointGradient(OpKind::Atan2, {0.3, -1.2});
  EXPECT_DOUBLE_EQ(a.tangent[0], -1.2 / (0.3 * 0.3 + 1.2 * 1.2));
  EXPECT_DOUBLE_EQ(a.tangent[1], -0.3 / (0.3 * 0.3 + 1.2 * 1.2));
}

// sign, floor and ceil are piecewise constant: like step, their results
// carry no tangent (the rule is not differentiated, its operand's tangent
// is dropped), and away from a jump the finite difference agrees: 0.
TEST(GradCheck, PiecewiseConstantFunctionsHaveZeroTangent) {
  for (OpKind kind : {OpKind::Sign, OpKind::Floor, OpKind::Ceil, OpKind::Step})
    for (double x : {-1.3, -0.4, 0.7, 2.1}) {
      PointGradient g = pointGradient(kind, {x});
      EXPECT_EQ(g.tangent[0], 0.0) << mnemonic(kind) << " at " << x;
      EXPECT_EQ(g.fd[0], 0.0) << mnemonic(kind) << " at " << x;
    }
}

// docs/tangents.md "Kinks" and "Domain edges": each row is a convention.
TEST(GradCheck, ConventionsAtKinksAndDomainEdges) {
  struct Row {
    OpKind kind;
    std::vector<double> at;
    std::vector<double> want;
    int64_t n = 2;
  };
  const Row rows[] = {
      // kinks: the derivative of the closed side / of the first operand
      {OpKind::Relu, {0.0}, {1.0}},
      {OpKind::Abs, {0.0}, {1.0}},
      {OpKind::Min, {1.0, 1.0}, {1.0, 0.0}},
      {OpKind::Max, {1.0, 1.0}, {1.0, 0.0}},
      {OpKind::Clip, {0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}},  // x at lo
      {OpKind::Clip, {1.0, 0.0, 1.0}, {1.0, 0.0, 0.0}},  // x at hi
      {OpKind::Clip, {0.5, 1.0, 0.0}, {0.0, 0.0, 1.0}},  // lo > hi: hi
      {OpKind::Select, {0.0, 2.0, 3.0}, {0.0, 0.0, 1.0}},
      // domain edges: IEEE inf and nan, never a finite wrong number
      {OpKind::Sqrt, {0.0}, {kInf}},
      {OpKind::Sqrt, {-1.0}, {kNaN}},
      {OpKind::Log, {0.0}, {kInf}},
      {OpKind::Log, {-1.0}, {kNaN}},
      {OpKind::Div, {1.0, 0.0}, {kInf, -kInf}},
      {OpKind::Div, {0.0, 0.0}, {kInf, kNaN}},
      {OpKind::Pow, {0.0, 2.0}, {0.0, 0.0}},     // 0^y = 0 for y > 0
      {OpKind::Pow, {0.0, 0.5}, {kInf, 0.0}},
      {OpKind::Pow, {0.0, 0.0}, {0.0, -kInf}},   // x^0 = 1: d/dx 0
      {OpKind::Pow, {-2.0, 3.0}, {12.0, kNaN}},  // integer power of a negative base
      {OpKind::Pow, {-2.0, 0.5}, {kNaN, kNaN}},
      {OpKind::Powi, {0.0}, {1.0}, 1},
      {OpKind::Powi, {0.0}, {0.0}, 3},
      // asin, acos at +-1: finite values, infinite one-sided derivatives
      // (1 - x and 1 + x are +0 there); nan outside [-1, 1]
      {OpKind::Asin, {1.0}, {kInf}},
      {OpKind::Asin, {-1.0}, {kInf}},
      {OpKind::Acos, {1.0}, {-kInf}},
      {OpKind::Acos, {-1.0}, {-kInf}},
      {OpKind::Asin, {1.5}, {kNaN}},
      {OpKind::Acos, {-1.5}, {kNaN}},
      // log1p at -1: -inf with derivative +inf; below -1: nan, not 1/(1 + x)
      {OpKind::Log1p, {-1.0}, {kInf}},
      {OpKind::Log1p, {-2.0}, {kNaN}},
      // atan2 at the origin: no limit, nan; on the cut (y = 0, x < 0) the
      // partials are continuous: d/dy = 1/x, d/dx = 0
      {OpKind::Atan2, {0.0, 0.0}, {kNaN, kNaN}},
      {OpKind::Atan2, {0.0, -2.0}, {-0.5, 0.0}},
      // softplus and sigmoid saturate without overflow
      {OpKind::Softplus, {1000.0}, {1.0}},
      {OpKind::Softplus, {-1000.0}, {0.0}},
      // atan at huge x: x^2 overflows, the partial is 0 (the true one
      // underflows too)
      {OpKind::Atan, {1e200}, {0.0}},
  };
  for (const Row &r : rows) {
    auto m = pointModel(r.kind, r.at, r.n);
    ASSERT_TRUE(differentiate(*m));
    std::vector<double> g = rewardAndGradient(*m).dR;
    for (size_t q = 0; q < r.want.size(); ++q)
      expectSame(g[q], r.want[q],
                 std::string(mnemonic(r.kind)) + " d/d operand " + std::to_string(q));
  }
}

// atan2's partials y/(x^2 + y^2) and -x/(x^2 + y^2) at points where the
// squares would overflow (|x| > 1e154: the unscaled partials are 0) or
// underflow to 0 (|x|, |y| < 1e-154: the unscaled partials are inf): scaled
// by max(|x|, |y|), they are the finite, exact values.
TEST(GradCheck, Atan2PartialsNeitherOverflowNorUnderflow) {
  for (double s : {1e-170, 1e-300, 1e200, 1e300}) {
    auto m = pointModel(OpKind::Atan2, {1.0 * s, 2.0 * s});
    ASSERT_TRUE(differentiate(*m));
    std::vector<double> g = rewardAndGradient(*m).dR;
    // at (s, 2s): d/dfirst = 2s/(5 s^2) = 0.4/s, d/dsecond = -s/(5 s^2) = -0.2/s
    EXPECT_NEAR(g[0], 0.4 / s, 1e-15 * (0.4 / s)) << s;
    EXPECT_NEAR(g[1], -0.2 / s, 1e-15 * (0.2 / s)) << s;
  }
}

namespace {

/// meta th; state v = 0 (restored each trial), trace acc:
///   step { s = sqrt(v); acc = acc + s; v = v + th }   R = acc.
/// At t = 0, v = 0 for every th, so ds/dth = 0 although sqrt'(0) = inf.
std::unique_ptr<Module> sqrtAtZeroModel() {
  auto m = std::make_unique<Module>();
  m->name = "sqrt0";
  auto s = Type::scalar();
  Quantity *th = m->addQuantity("th", QuantityKind::Meta, s, {});
  Quantity *v = m->addQuantity("v", QuantityKind::State, s, {});
  Quantity *acc = m->addQuantity("acc", QuantityKind::Trace, s, {});
  Builder b(*m, m->init);
  b.write(th, b.constant(0.5, s));
  b.write(v, b.constant(0.0, s));
  b.setRegion(m->trial);
  b.write(acc, b.constant(0.0, s));
  b.setRegion(m->step);
  Op *vv = b.read(v);
  b.write(acc, b.binary(OpKind::Add, b.read(acc), b.unary(OpKind::Sqrt, vv)));
  b.write(v, b.binary(OpKind::Add, vv, b.read(th)));
  b.setRegion(m->reward);
  b.ret({b.read(acc, "R")});
  return m;
}

runtime::GradCheckOptions quick(int64_t trials = 3, int64_t steps = 20) {
  runtime::GradCheckOptions o;
  o.trials = trials;
  o.steps = steps;
  o.seed = 7;
  return o;
}

std::string report(const runtime::GradCheckResult &r, const runtime::GradCheckOptions &o,
                   const runtime::ModelInfo &info) {
  std::ostringstream s;
  runtime::printGradCheck(r, o, info, s);
  return s.str();
}

} // namespace

TEST(GradCheck, ZeroTangentStaysZeroThroughAnInfinitePartial) {
  auto m = sqrtAtZeroModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  auto o = quick(2, 4);
  auto r = runtime::checkGradient(interp, o);
  EXPECT_TRUE(r.ok()) << report(r, o, interp.info());
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_TRUE(std::isfinite(r.entries[0].tangent));
  // J = mean over trials of sum_{t=1..3} sqrt(t th); dJ = sum sqrt(t) / (2 sqrt th).
  double th = r.meta[0];
  double want = (1 + std::sqrt(2.0) + std::sqrt(3.0)) / (2 * std::sqrt(th));
  EXPECT_NEAR(r.entries[0].tangent, want, 1e-12 * want);
}

TEST(GradCheck, EveryOpKindThroughStepsAndTrials) {
  auto m = testmodels::kitchenSinkModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  auto o = quick(3, 10);
  auto r = runtime::checkGradient(interp, o);
  EXPECT_TRUE(r.ok()) << report(r, o, interp.info());
  EXPECT_EQ(r.entries.size(), 4u);
  for (const auto &e : r.entries)
    EXPECT_GT(std::fabs(e.tangent), 1e-6) << e.name; // a real test, not 0 == 0
}

namespace {

void checkReferenceModel(int64_t d1) {
  testmodels::ReferenceSizes sizes;
  sizes.n = 8;
  sizes.d1 = d1;
  auto m = testmodels::referenceModel(sizes);
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  auto o = quick(3, 20);
  o.task = "cue_delay_response";
  auto r = runtime::checkGradient(interp, o);
  std::string text = report(r, o, interp.info());
  EXPECT_TRUE(r.ok()) << text;
  EXPECT_EQ(static_cast<int64_t>(r.entries.size()), d1 * d1);
  EXPECT_NE(text.find("theta[1,1]"), std::string::npos) << text;
  double largest = 0;
  for (const auto &e : r.entries)
    largest = std::max(largest, std::fabs(e.tangent));
  EXPECT_GT(largest, 1e-6) << text;
}

} // namespace

TEST(GradCheck, ReferenceModelOnCueDelayResponseD2) { checkReferenceModel(2); }
TEST(GradCheck, ReferenceModelOnCueDelayResponseD3) { checkReferenceModel(3); }
TEST(GradCheck, ReferenceModelOnCueDelayResponseD4) { checkReferenceModel(4); }

namespace {

/// A backend that reports a slightly wrong gradient (1% off in lane 0).
class SkewedBackend final : public runtime::Backend {
public:
  explicit SkewedBackend(runtime::Backend &inner) : inner_(inner) {}
  const runtime::ModelInfo &info() const override { return inner_.info(); }
  void init(void *s, const double *meta, uint64_t seed) override { inner_.init(s, meta, seed); }
  void setTrialStart(void *s) override { inner_.setTrialStart(s); }
  void beginTrial(void *s) override { inner_.beginTrial(s); }
  void step(void *s, const double *in, const double *noise) override { inner_.step(s, in, noise); }
  void stepPrimal(void *s, const double *in, const double *noise) override {
    inner_.stepPrimal(s, in, noise);
  }
  double endTrial(void *s, double *dR) override {
    double r = inner_.endTrial(s, dR);
    if (dR)
      dR[0] *= 1.01;
    return r;
  }

private:
  runtime::Backend &inner_;
};

} // namespace

TEST(GradCheck, NoticesAWrongGradient) {
  auto m = testmodels::kitchenSinkModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  SkewedBackend skewed(interp);
  auto o = quick(2, 5);
  auto r = runtime::checkGradient(skewed, o);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.entries.at(0).ok);
  EXPECT_TRUE(r.entries.at(1).ok);
  EXPECT_NE(report(r, o, skewed.info()).find("1 of 4 gradient entries disagree"), std::string::npos);
}

TEST(GradCheck, NamesMetaScalarsRowMajor) {
  auto m = testmodels::referenceModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  auto names = runtime::metaScalarNames(interp.info());
  ASSERT_EQ(names.size(), 9u);
  EXPECT_EQ(names[0], "theta[0,0]");
  EXPECT_EQ(names[5], "theta[1,2]");
  auto sink = testmodels::kitchenSinkModel();
  ASSERT_TRUE(differentiate(*sink));
  runtime::Interpreter interp2(*sink);
  EXPECT_EQ(runtime::metaScalarNames(interp2.info()),
            (std::vector<std::string>{"a[0]", "a[1]", "a[2]", "b"}));
}

TEST(GradCheck, RejectsAnUnknownTaskAndMissingInputs) {
  auto sink = testmodels::kitchenSinkModel();
  ASSERT_TRUE(differentiate(*sink));
  runtime::Interpreter interp(*sink);
  auto o = quick();
  o.task = "juggling";
  EXPECT_NE(runtime::checkGradient(interp, o).error.find("unknown task 'juggling'"),
            std::string::npos);
  o.task = "cue_delay_response";
  EXPECT_NE(runtime::checkGradient(interp, o).error.find("needs the inputs u[2], y[1] and m"),
            std::string::npos);
  o.task = "";
  o.meta = {1.0};
  EXPECT_NE(runtime::checkGradient(interp, o).error.find("gives 1 values"), std::string::npos);
}

TEST(CueDelayResponse, EpochsScaleWithTheTrialLength) {
  runtime::CueDelayTrial t = runtime::cueDelayResponse(1, 50);
  EXPECT_EQ(t.u1[9], 1.0);
  EXPECT_EQ(t.u1[10], 0.0);
  EXPECT_EQ(t.u0[0], 0.0);
  EXPECT_EQ(t.m[39], 0.0);
  EXPECT_EQ(t.m[40], 1.0);
  EXPECT_EQ(t.y[0], -1.0);
  runtime::CueDelayTrial s = runtime::cueDelayResponse(0, 20);
  EXPECT_EQ(s.u0[3], 1.0);
  EXPECT_EQ(s.u0[4], 0.0);
  EXPECT_EQ(s.m[15], 0.0);
  EXPECT_EQ(s.m[16], 1.0);
  EXPECT_EQ(s.y[19], 1.0);
}

// The models users start from (examples/), through the real front end and
// lowering, at a small size (every dim above 8 becomes 8, but N = 12 in
// miconi2017_dnms, which clamps units 1, 10 and 11): the tangent
// gradient of J equals finite differences, with random inputs and, where the
// model has them, the inputs of cue-delay-response.
TEST(GradCheck, EveryExampleAtSmallSize) {
  std::vector<std::string> files = testmodels::exampleFiles();
  ASSERT_GE(files.size(), 1u);
  for (const std::string &path : files) {
    std::map<std::string, int64_t> dims;
    if (path.find("miconi2017_dnms") != std::string::npos)
      dims["N"] = 12;
    auto m = testmodels::compileModel(path, 8, dims);
    ASSERT_TRUE(m) << path;
    ASSERT_TRUE(differentiate(*m)) << path;
    runtime::Interpreter interp(*m);
    for (std::string task : {"", "cue_delay_response"}) {
      auto o = quick(3, 20);
      o.task = task;
      auto r = runtime::checkGradient(interp, o);
      if (!task.empty() && !r.error.empty())
        continue; // the model lacks the task's inputs
      EXPECT_TRUE(r.ok()) << path << " task '" << task << "'\n" << report(r, o, interp.info());
      EXPECT_TRUE(std::isfinite(r.J)) << path;
    }
  }
}

namespace {

/// examples/rnn_poly.plast with N = 8 and D = d1, on cue-delay-response.
void checkReferenceExample(int64_t d1) {
  auto m = testmodels::compileModel(PLASTICC_SOURCE_DIR "/examples/rnn_poly.plast", 8,
                                    {{"N", 8}, {"D", d1}});
  ASSERT_TRUE(m);
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  auto o = quick(3, 20);
  o.task = "cue_delay_response";
  auto r = runtime::checkGradient(interp, o);
  EXPECT_TRUE(r.ok()) << report(r, o, interp.info());
  EXPECT_EQ(static_cast<int64_t>(r.entries.size()), d1 * d1);
}

} // namespace

TEST(GradCheck, ExampleRnnPolyOnCueDelayResponseD2) { checkReferenceExample(2); }
TEST(GradCheck, ExampleRnnPolyOnCueDelayResponseD3) { checkReferenceExample(3); }
TEST(GradCheck, ExampleRnnPolyOnCueDelayResponseD4) { checkReferenceExample(4); }

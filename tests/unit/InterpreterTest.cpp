//===- tests/unit/InterpreterTest.cpp - the reference backend -------------===//
//
// The interpreter's scalar semantics, random draws, trial semantics (what is
// restored, reset, kept, and which tangents are zeroed when), and, as an
// independent check of both the interpreter and the tangent pass, agreement
// with the hand-written reference model of MODEL.md (bench/reference) on J
// and every dR/dtheta over several trials.
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "bench/reference/ReferenceModel.h"
#include "dialect/Random.h"
#include "runtime/Elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace plasticc;
using namespace plasticc::ir;
using plasticc::testmodels::differentiate;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The value (or tangent) array of quantity `name` in a state buffer.
const double *slotOf(const runtime::Interpreter &interp, void *state, const Module &m,
                     const std::string &name, bool tangent = false) {
  const Slot &s = interp.layout().of(m.lookup(name));
  int64_t off = tangent ? s.tangent : s.value;
  EXPECT_GE(off, 0) << name;
  return reinterpret_cast<const double *>(static_cast<std::byte *>(state) + off);
}

} // namespace

TEST(Elementwise, TiesAndNaNsGoToTheFirstOperand) {
  namespace ew = runtime::elementwise;
  EXPECT_EQ(std::signbit(ew::max(-0.0, 0.0)), true); // tie: first operand
  EXPECT_EQ(std::signbit(ew::min(0.0, -0.0)), false);
  EXPECT_TRUE(std::isnan(ew::max(kNaN, 1.0)));
  EXPECT_EQ(ew::max(1.0, kNaN), 1.0);
  EXPECT_TRUE(std::isnan(ew::min(kNaN, 1.0)));
  EXPECT_TRUE(std::isnan(ew::relu(kNaN)));
  EXPECT_EQ(ew::relu(-3.0), 0.0);
  EXPECT_EQ(ew::clip(5.0, 0.0, 1.0), 1.0);
  EXPECT_EQ(ew::clip(-5.0, 0.0, 1.0), 0.0);
  EXPECT_EQ(ew::clip(0.5, 1.0, 0.0), 0.0); // lo > hi: hi wins (min last)
}

TEST(Elementwise, CheckedProductKeepsZeroTangentsZero) {
  namespace ew = runtime::elementwise;
  EXPECT_EQ(ew::mulChecked(kInf, 0.0), 0.0);
  EXPECT_EQ(ew::mulChecked(kNaN, 0.0), 0.0);
  EXPECT_EQ(ew::mulChecked(kInf, 2.0), kInf);
  EXPECT_EQ(ew::mulChecked(3.0, 2.0), 6.0);
}

TEST(Elementwise, PowiIsRepeatedSquaring) {
  namespace ew = runtime::elementwise;
  EXPECT_EQ(ew::powi(kNaN, 0), 1.0);
  EXPECT_EQ(ew::powi(0.0, 0), 1.0);
  EXPECT_EQ(ew::powi(-2.0, 3), -8.0);
  EXPECT_EQ(ew::powi(1.1, 5), ((1.1 * 1.1) * (1.1 * 1.1)) * 1.1);
  EXPECT_EQ(ew::sigmoid(-1000.0), 0.0);
  EXPECT_EQ(ew::sigmoid(1000.0), 1.0);
}

TEST(Interpreter, RandomDrawsAreRandomHByStreamAndElement) {
  Module m;
  m.name = "draws";
  Quantity *w = m.addQuantity("W", QuantityKind::Weight, Type::matrix(2, 3), {});
  Quantity *x = m.addQuantity("x", QuantityKind::State, Type::vector(3), {});
  Builder b(m, m.init);
  b.write(w, b.random(OpKind::RandNormal, b.constant(0.5, Type::scalar()),
                      b.constant(2.0, Type::scalar()), w->type, 7));
  b.write(x, b.random(OpKind::RandUniform, b.constant(-1.0, Type::scalar()),
                      b.constant(1.0, Type::scalar()), x->type, 2));
  b.setRegion(m.reward);
  b.ret({b.constant(0.0, Type::scalar())});
  runtime::Interpreter interp(m);
  runtime::StateBuffer state(interp.info());
  interp.init(state.data(), nullptr, 42);
  const double *wv = slotOf(interp, state.data(), m, "W");
  const double *xv = slotOf(interp, state.data(), m, "x");
  for (int k = 0; k < 6; ++k)
    EXPECT_EQ(wv[k], random::normal(42, 7, k, 0.5, 2.0)) << k;
  for (int k = 0; k < 3; ++k)
    EXPECT_EQ(xv[k], random::uniform(42, 2, k, -1.0, 1.0)) << k;
  // The state's trial-start copy is the drawn value.
  const Slot &s = interp.layout().of(x);
  EXPECT_EQ(std::memcmp(static_cast<std::byte *>(state.data()) + s.init,
                        static_cast<std::byte *>(state.data()) + s.value, 3 * sizeof(double)),
            0);
}

namespace {

/// meta th = 0.5; state x = 1; trace c (reset to 0); plastic weight W = 2;
/// baseline nb (counts trials).
///   step   { x = x * th + W;  c = c + x }
///   reward { R = c;  W = W + th * R;  nb = nb + 1 }
std::unique_ptr<Module> trialModel() {
  auto m = std::make_unique<Module>();
  m->name = "trials";
  auto s = Type::scalar();
  Quantity *th = m->addQuantity("th", QuantityKind::Meta, s, {});
  Quantity *x = m->addQuantity("x", QuantityKind::State, s, {});
  Quantity *c = m->addQuantity("c", QuantityKind::Trace, s, {});
  Quantity *w = m->addQuantity("W", QuantityKind::Weight, s, {}, true);
  Quantity *nb = m->addQuantity("nb", QuantityKind::Baseline, s, {});
  Builder b(*m, m->init);
  b.write(th, b.constant(0.5, s));
  b.write(x, b.constant(1.0, s));
  b.write(w, b.constant(2.0, s));
  b.setRegion(m->trial);
  b.write(c, b.constant(0.0, s));
  b.setRegion(m->step);
  Op *xn = b.binary(OpKind::Add, b.binary(OpKind::Mul, b.read(x), b.read(th)), b.read(w));
  b.write(x, xn);
  b.write(c, b.binary(OpKind::Add, b.read(c), xn));
  b.setRegion(m->reward);
  Op *R = b.read(c, "R");
  b.write(w, b.binary(OpKind::Add, b.read(w), b.binary(OpKind::Mul, b.read(th), R)));
  b.write(nb, b.binary(OpKind::Add, b.read(nb), b.constant(1.0, s)));
  b.ret({R});
  return m;
}

} // namespace

TEST(Interpreter, TrialsRestoreStatesResetTracesAndKeepWeights) {
  auto m = trialModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  runtime::StateBuffer buf(interp.info());
  void *st = buf.data();
  interp.init(st, nullptr, 1);
  auto val = [&](const char *q) { return *slotOf(interp, st, *m, q); };
  auto tan = [&](const char *q) { return *slotOf(interp, st, *m, q, true); };

  // Trial 1 by hand: th = .5, W = 2: x1 = 2.5, x2 = 3.25, R = c = 5.75.
  interp.beginTrial(st);
  interp.step(st, nullptr, nullptr);
  interp.step(st, nullptr, nullptr);
  EXPECT_DOUBLE_EQ(val("x"), 3.25);
  // dx1 = x0 = 1; dx2 = x1 + th dx1 = 3; dc = 4.
  EXPECT_DOUBLE_EQ(tan("x"), 3.0);
  double dR = 0;
  EXPECT_DOUBLE_EQ(interp.endTrial(st, &dR), 5.75);
  EXPECT_DOUBLE_EQ(dR, 4.0);
  // W = 2 + .5 * 5.75; dW = R + th dR = 5.75 + 2.
  EXPECT_DOUBLE_EQ(val("W"), 2 + 0.5 * 5.75);
  EXPECT_DOUBLE_EQ(tan("W"), 7.75);
  EXPECT_DOUBLE_EQ(val("nb"), 1.0);

  // Trial 2 starts afresh for x and c and their tangents; W, nb and dW stay.
  interp.beginTrial(st);
  EXPECT_DOUBLE_EQ(val("x"), 1.0);
  EXPECT_DOUBLE_EQ(val("c"), 0.0);
  EXPECT_DOUBLE_EQ(tan("x"), 0.0);
  EXPECT_DOUBLE_EQ(tan("c"), 0.0);
  EXPECT_DOUBLE_EQ(tan("W"), 7.75);
  EXPECT_DOUBLE_EQ(val("nb"), 1.0);
  interp.step(st, nullptr, nullptr);
  // x1 = .5 + W; dx1 = x0 + dW = 1 + 7.75.
  EXPECT_DOUBLE_EQ(val("x"), 0.5 + 2 + 0.5 * 5.75);
  EXPECT_DOUBLE_EQ(tan("x"), 8.75);
}

TEST(Interpreter, CallerMetaReplacesTheDefaults) {
  auto m = trialModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  runtime::StateBuffer buf(interp.info());
  interp.init(buf.data(), nullptr, 1);
  EXPECT_EQ(*slotOf(interp, buf.data(), *m, "th"), 0.5);
  double meta = 0.25;
  interp.init(buf.data(), &meta, 1);
  EXPECT_EQ(*slotOf(interp, buf.data(), *m, "th"), 0.25);
  interp.beginTrial(buf.data());
  interp.step(buf.data(), nullptr, nullptr);
  EXPECT_DOUBLE_EQ(*slotOf(interp, buf.data(), *m, "x"), 0.25 + 2.0);
}

TEST(Interpreter, DescribesTheModel) {
  auto m = testmodels::referenceModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m, "abc");
  const runtime::ModelInfo &info = interp.info();
  EXPECT_EQ(info.name, "rnn_poly_small");
  EXPECT_EQ(info.sourceHash, "abc");
  EXPECT_EQ(info.metaScalars, 9);
  EXPECT_EQ(info.inputLength, 2 + 1 + 1);
  EXPECT_EQ(info.noiseLength, 8);
  const runtime::QuantityInfo *w = info.find("W");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, "weight");
  EXPECT_EQ(w->shape, (std::vector<int64_t>{8, 8}));
  EXPECT_GE(w->tangentOffset, 0);
  EXPECT_EQ(info.find("m")->offset, 3);
  EXPECT_EQ(info.find("Win")->tangentOffset, -1);
}

namespace {

/// Seeded per-step inputs of the reference model: u[2], y[1], m, xi[N].
struct ReferenceInputs {
  std::vector<double> in, noise;
  void fill(int64_t n, int64_t k, int64_t t) {
    in.resize(4);
    noise.resize(n);
    for (int i = 0; i < 4; ++i)
      in[i] = random::uniform(99, 10 + k, t * 4 + i, -1, 1);
    in[3] = t % 3 == 0 ? 1.0 : 0.0; // the mask
    for (int64_t i = 0; i < n; ++i)
      noise[i] = random::normal(99, 100 + k, t * n + i, 0, 1);
  }
};

/// Runs `m` (the reference model with N = 8, I = 2, O = 1 and D = d1, as
/// built by referenceModel or compiled from examples/rnn_poly.plast) and
/// the hand-written ReferenceModel from the same initial values and inputs,
/// and compares R, dR/dtheta and dW/dtheta over three trials.
void compareWithHandWritten(std::unique_ptr<Module> m, int64_t d1) {
  ASSERT_TRUE(m);
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter interp(*m);
  runtime::StateBuffer buf(interp.info());
  void *st = buf.data();
  int64_t p = d1 * d1;
  std::vector<double> theta(p);
  for (int64_t q = 0; q < p; ++q)
    theta[q] = random::uniform(5, 0, q, -0.3, 0.3);
  interp.init(st, theta.data(), 11);

  using RowMat = reference::Mat;
  auto mat = [&](const char *q, int64_t r, int64_t c) {
    return RowMat(Eigen::Map<const RowMat>(slotOf(interp, st, *m, q), r, c));
  };
  reference::Constants consts;
  reference::ReferenceModel ref(8, 2, 1, static_cast<int>(d1), consts, theta);
  ref.setInitial(mat("W", 8, 8), mat("Win", 8, 2), mat("Wout", 1, 8),
                 Eigen::Map<const Eigen::VectorXd>(slotOf(interp, st, *m, "x"), 8));

  ReferenceInputs io;
  std::vector<double> dR(p), dRref(p);
  for (int64_t k = 0; k < 3; ++k) {
    interp.beginTrial(st);
    ref.beginTrial();
    for (int64_t t = 0; t < 12; ++t) {
      io.fill(8, k, t);
      interp.step(st, io.in.data(), io.noise.data());
      ref.step(&io.in[0], &io.in[2], io.in[3], io.noise.data());
    }
    double R = interp.endTrial(st, dR.data());
    double Rref = ref.endTrial(dRref.data());
    EXPECT_NEAR(R, Rref, 1e-12 * std::max(1.0, std::fabs(Rref))) << "trial " << k;
    double scale = 0;
    for (double g : dRref)
      scale = std::max(scale, std::fabs(g));
    // Trial 1's R does not depend on theta yet (W changes at its end).
    if (k > 0) {
      EXPECT_GT(scale, 1e-9) << "trial " << k;
    }
    for (int64_t q = 0; q < p; ++q)
      EXPECT_NEAR(dR[q], dRref[q], 1e-10 * scale) << "trial " << k << " lane " << q;
  }
  // The weights' tangents agree too (lane-major in the state).
  const double *dW = slotOf(interp, st, *m, "W", true);
  for (int64_t q = 0; q < p; ++q)
    for (int64_t k = 0; k < 64; ++k)
      ASSERT_NEAR(dW[q * 64 + k], ref.dw()[q].data()[k], 1e-10) << q << "," << k;
}

std::unique_ptr<Module> builtReference(int64_t d1) {
  testmodels::ReferenceSizes sizes;
  sizes.n = 8;
  sizes.d1 = d1;
  return testmodels::referenceModel(sizes);
}

std::unique_ptr<Module> exampleReference(int64_t d1) {
  return testmodels::compileModel(PLASTICC_SOURCE_DIR "/examples/rnn_poly.plast", 8,
                                  {{"N", 8}, {"D", d1}});
}

} // namespace

TEST(Interpreter, MatchesHandWrittenReferenceModelD2) { compareWithHandWritten(builtReference(2), 2); }
TEST(Interpreter, MatchesHandWrittenReferenceModelD4) { compareWithHandWritten(builtReference(4), 4); }
TEST(Interpreter, ExampleRnnPolyMatchesHandWrittenReference) {
  compareWithHandWritten(exampleReference(3), 3);
}

TEST(Interpreter, PrimalStepsEqualFullSteps) {
  auto m = testmodels::referenceModel();
  ASSERT_TRUE(differentiate(*m));
  runtime::Interpreter full(*m), primal(*m);
  runtime::StateBuffer a(full.info()), b(primal.info());
  std::vector<double> theta(9, 0.1);
  full.init(a.data(), theta.data(), 3);
  primal.init(b.data(), theta.data(), 3);
  ReferenceInputs io;
  for (int k = 0; k < 2; ++k) {
    full.beginTrial(a.data());
    primal.beginTrial(b.data());
    for (int t = 0; t < 5; ++t) {
      io.fill(8, k, t);
      full.step(a.data(), io.in.data(), io.noise.data());
      primal.stepPrimal(b.data(), io.in.data(), io.noise.data());
    }
    EXPECT_EQ(full.endTrial(a.data(), nullptr), primal.endTrial(b.data(), nullptr));
  }
  for (const char *q : {"x", "xbar", "W", "e", "Rbar"}) {
    const Slot &s = full.layout().of(m->lookup(q));
    EXPECT_EQ(std::memcmp(static_cast<std::byte *>(a.data()) + s.value,
                          static_cast<std::byte *>(b.data()) + s.value,
                          m->lookup(q)->type.numElements() * sizeof(double)),
              0)
        << q;
  }
}

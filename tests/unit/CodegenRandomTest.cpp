//===- tests/unit/CodegenRandomTest.cpp - random models: compiled vs interpreter ===//
//
// Differential testing of the fusion, factoring and hazard logic of the
// code generator on models no one wrote by hand: each seed builds a random
// model with ir::Builder (states, plastic and fixed weights of two shapes, a
// trace, a scalar accumulator, an output; step statements of random
// elementwise ops, matvecs, outer products, broadcasts, sums and extracts
// over the current values, meta parameters in random places; a reward
// event), runs the tangent pass, and checks that the JIT-compiled model
// equals the reference interpreter (values and all tangent lanes) over 3
// trials of 6 steps (the middle one with primal-only steps). Values are kept bounded (tanh on what is written) so
// that differences are rounding only.
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "compiler/codegen/LowerToLoops.h"
#include "compiler/codegen/Pipeline.h"
#include "runtime/jit/JIT.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

namespace plasticc {
namespace {

using namespace plasticc::ir;

/// Builds one random model (see file comment).
class RandomModel {
public:
  explicit RandomModel(uint64_t seed) : gen_(seed) {}

  std::unique_ptr<Module> build() {
    m_ = std::make_unique<Module>();
    m_->name = "random" + std::to_string(gen_() % 1000);
    n_ = 3 + pick(4);
    k_ = 2 + pick(3);
    Type sc = Type::scalar(), vn = Type::vector(n_), vk = Type::vector(k_);
    meta_ = m_->addQuantity("a", QuantityKind::Meta, Type::vector(3), {});
    Quantity *u = m_->addQuantity("u", QuantityKind::Input, vk, {});
    Quantity *x = m_->addQuantity("x", QuantityKind::State, vn, {});
    Quantity *y = m_->addQuantity("y", QuantityKind::State, vn, {});
    Quantity *w = m_->addQuantity("W", QuantityKind::Weight, Type::matrix(n_, n_), {}, true);
    Quantity *v = m_->addQuantity("V", QuantityKind::Weight, Type::matrix(n_, k_), {});
    Quantity *e = m_->addQuantity("e", QuantityKind::Trace, Type::matrix(n_, n_), {});
    Quantity *s = m_->addQuantity("s", QuantityKind::Trace, sc, {});
    Quantity *z = m_->addQuantity("z", QuantityKind::Output, vn, {});
    Builder b(*m_, m_->init);
    b_ = &b;
    b.write(meta_, b.constant(0.2, meta_->type));
    b.write(x, b.random(OpKind::RandUniform, c(-0.5), c(0.5), vn, 0));
    b.write(y, b.random(OpKind::RandNormal, c(0.0), c(0.1), vn, 1));
    b.write(w, b.random(OpKind::RandNormal, c(0.0), c(0.3), w->type, 2));
    b.write(v, b.random(OpKind::RandUniform, c(-1.0), c(1.0), v->type, 3));
    b.setRegion(m_->trial);
    b.write(e, b.constant(0.0, e->type));
    b.write(s, c(0.0));

    b.setRegion(m_->step);
    vectors_ = {b.read(x), b.read(y), b.matvec(b.read(v), b.read(u))};
    matrices_ = {b.read(w), b.read(e)};
    scalars_ = {b.read(s)};
    // Statements in a random order; each target written once.
    std::vector<Quantity *> targets = {x, y, e, s, z};
    std::shuffle(targets.begin(), targets.end(), gen_);
    for (Quantity *q : targets) {
      if (pick(5) == 0 && q != e)
        continue; // sometimes not written at all
      Op *value = q->type.rank == 2 ? matrix(3) : q->type.rank == 1 ? vector(3) : scalar(2);
      value = b.unary(OpKind::Tanh, value);
      b.write(q, value);
      // Later statements may see the new value (reads after writes).
      Op *now = b.read(q);
      (q->type.rank == 2 ? matrices_ : q->type.rank == 1 ? vectors_ : scalars_).push_back(now);
    }

    b.setRegion(m_->reward);
    Op *R = b.unary(OpKind::Neg, b.reduce(OpKind::Sum, b.binary(OpKind::Mul, b.read(x), b.read(x))), "R");
    R = b.binary(OpKind::Sub, R, b.read(s));
    b.write(w, b.binary(OpKind::Add, b.read(w),
                        b.binary(OpKind::Mul, b.binary(OpKind::Mul, c(0.05), R), b.read(e))));
    b.ret({R});
    return std::move(m_);
  }

private:
  int64_t pick(int64_t n) { return static_cast<int64_t>(gen_() % static_cast<uint64_t>(n)); }
  Op *c(double v) { return b_->constant(v, Type::scalar()); }
  Op *metaScalar() { return b_->extract(b_->read(meta_), {pick(3)}); }

  Op *scalar(int depth) {
    int64_t r = depth <= 0 ? pick(3) : pick(6);
    switch (r) {
    case 0: return scalars_[pick(scalars_.size())];
    case 1: return metaScalar();
    case 2: return c(0.1 * static_cast<double>(pick(9) + 1));
    case 3: return b_->reduce(OpKind::Sum, vector(depth - 1));
    case 4: return b_->extract(vector(depth - 1), {pick(n_)});
    default: return b_->binary(pick(2) ? OpKind::Mul : OpKind::Add, scalar(depth - 1), scalar(depth - 1));
    }
  }

  Op *vector(int depth) {
    int64_t r = depth <= 0 ? pick(2) : pick(8);
    switch (r) {
    case 0: return vectors_[pick(vectors_.size())];
    case 1: return b_->binary(OpKind::Mul, metaScalar(), vectors_[pick(vectors_.size())]);
    case 2: return b_->unary(pick(2) ? OpKind::Tanh : OpKind::Sigmoid, vector(depth - 1));
    case 3: return b_->powi(vector(depth - 1), 1 + pick(3));
    case 4: return b_->matvec(matrix(depth - 1), vector(depth - 1));
    case 5: return b_->binary(OpKind::Mul, scalar(depth - 1), vector(depth - 1));
    case 6: return b_->binary(pick(2) ? OpKind::Max : OpKind::Sub, vector(depth - 1), vector(depth - 1));
    default: return b_->binary(OpKind::Add, vector(depth - 1), vector(depth - 1));
    }
  }

  Op *matrix(int depth) {
    int64_t r = depth <= 0 ? pick(2) : pick(7);
    Type shape = Type::matrix(n_, n_);
    switch (r) {
    case 0: return matrices_[pick(matrices_.size())];
    case 1: return b_->outer(vectors_[pick(vectors_.size())], vectors_[pick(vectors_.size())]);
    case 2: return b_->outer(vector(depth - 1), vector(depth - 1));
    case 3: return b_->binary(OpKind::Mul, scalar(depth - 1), matrix(depth - 1));
    case 4: return b_->binary(OpKind::Mul, b_->bcast(vector(depth - 1), shape, pick(2)), matrix(depth - 1));
    case 5: return b_->binary(OpKind::Sub, matrix(depth - 1), matrix(depth - 1));
    default: return b_->binary(OpKind::Add, matrix(depth - 1), matrix(depth - 1));
    }
  }

  std::mt19937_64 gen_;
  std::unique_ptr<Module> m_;
  Builder *b_ = nullptr;
  Quantity *meta_ = nullptr;
  int64_t n_ = 0, k_ = 0;
  std::vector<Op *> vectors_, matrices_, scalars_;
};

/// Largest difference over max |reference| of every value and tangent slot.
double worstDifference(const runtime::ModelInfo &info, const void *a, const void *b, int64_t lanes) {
  double worst = 0;
  for (const auto &q : info.quantities) {
    if (q.kind == "input" || q.kind == "noise")
      continue;
    for (int pass = 0; pass < 2; ++pass) {
      int64_t off = pass ? q.tangentOffset : q.offset, n = q.numElements() * (pass ? lanes : 1);
      if (off < 0)
        continue;
      auto *x = reinterpret_cast<const double *>(static_cast<const char *>(a) + off);
      auto *y = reinterpret_cast<const double *>(static_cast<const char *>(b) + off);
      double scale = 0, diff = 0;
      for (int64_t k = 0; k < n; ++k) {
        scale = std::max(scale, std::fabs(x[k]));
        diff = std::max(diff, std::fabs(x[k] - y[k]));
        if (std::isnan(x[k]) != std::isnan(y[k]))
          return INFINITY;
      }
      worst = std::max(worst, diff / std::max(scale, 1e-3));
    }
  }
  return worst;
}

/// How often a printed loop IR contains `what`.
int count(const std::string &text, const std::string &what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/// plasticc_run_trial (segments of 3 steps in trials of 7) against the same
/// model's per-step calls: R, dR/dmeta and the state after each trial to
/// 1e-12. Returns 1 if the whole-trial schedule deferred a trace.
int expectWholeTrialEqualsSteps(const ir::Module &m, uint64_t seed) {
  codegen::NativeOptions opts;
  opts.segmentSteps = 3;
  opts.wholeTrialMinBytes = 0; // the schedule wherever it is legal, whatever the size
  std::string error;
  auto jit = runtime::jitCompile(m, "", opts, error);
  EXPECT_TRUE(jit) << error;
  if (!jit)
    return 0;
  const runtime::ModelInfo &info = jit->info();
  runtime::StateBuffer a(info), b(info);
  jit->init(a.data(), nullptr, seed);
  jit->init(b.data(), nullptr, seed);
  const int64_t T = 7;
  std::vector<double> in(static_cast<size_t>(T * info.inputLength)), dRa(3), dRb(3);
  for (size_t k = 0; k < in.size(); ++k)
    in[k] = std::cos(0.3 * static_cast<double>(k));
  for (int t = 0; t < 3; ++t) {
    double Ra = jit->Backend::runTrial(a.data(), in.data(), nullptr, T, nullptr, dRa.data(), t != 1);
    double Rb = jit->runTrial(b.data(), in.data(), nullptr, T, nullptr, dRb.data(), t != 1);
    EXPECT_LE(std::fabs(Ra - Rb), 1e-12 * std::max(1.0, std::fabs(Ra))) << "run_trial, trial " << t;
    for (int p = 0; p < 3; ++p)
      EXPECT_LE(std::fabs(dRa[p] - dRb[p]), 1e-12 * std::max(1.0, std::fabs(dRa[p])));
    EXPECT_LE(worstDifference(info, a.data(), b.data(), m.lanes), 1e-12) << "run_trial, trial " << t;
  }
  codegen::NativeModule native;
  opts.optimize = false;
  EXPECT_TRUE(codegen::buildNative(m, "", opts, native, error));
  for (const std::string &line : native.loops.schedule)
    if (line.find("@plasticc_run_trial: whole trial") != std::string::npos)
      return 1;
  return 0;
}

TEST(CodegenRandomTest, RandomModelsMatchInterpreter) {
  int factored = 0, copiedBack = 0, severalNests = 0, wholeTrials = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto m = RandomModel(seed).build();
    ASSERT_TRUE(testmodels::differentiate(*m));
    // What the lowering did, so the test knows it covered its paths.
    std::ostringstream withF, withoutF;
    loops::printProgram(loops::lowerToLoops(*m, {ElemType::F64, true}), withF);
    loops::printProgram(loops::lowerToLoops(*m, {ElemType::F64, false}), withoutF);
    factored += withF.str() != withoutF.str();
    copiedBack += count(withF.str(), "copy back") > 0;
    std::string step = withF.str().substr(withF.str().find("func @plasticc_step {"));
    step = step.substr(0, step.find("func @plasticc_step_primal"));
    severalNests += count(step, "synapses [") > 1;
    for (bool factorize : {true, false}) {
      codegen::NativeOptions opts;
      opts.factorize = factorize;
      opts.target.optLevel = factorize ? 3 : 1;
      std::string error;
      auto jit = runtime::jitCompile(*m, "", opts, error);
      ASSERT_TRUE(jit) << error;
      runtime::Interpreter interp(*m);
      runtime::StateBuffer a(interp.info()), b(jit->info());
      interp.init(a.data(), nullptr, seed);
      jit->init(b.data(), nullptr, seed);
      std::vector<double> in(interp.info().inputLength), dRa(3), dRb(3);
      for (int t = 0; t < 3; ++t) {
        interp.beginTrial(a.data());
        jit->beginTrial(b.data());
        for (int s = 0; s < 6; ++s) {
          for (size_t k = 0; k < in.size(); ++k)
            in[k] = std::sin(0.7 * static_cast<double>(k + 3 * s + 11 * t));
          if (t == 1) { // a trial of primal steps: tangents stay as they were
            interp.stepPrimal(a.data(), in.data(), nullptr);
            jit->stepPrimal(b.data(), in.data(), nullptr);
          } else {
            interp.step(a.data(), in.data(), nullptr);
            jit->step(b.data(), in.data(), nullptr);
          }
          ASSERT_LE(worstDifference(interp.info(), a.data(), b.data(), m->lanes), 1e-12)
              << "trial " << t << " step " << s << (factorize ? "" : " (unfactored)");
        }
        double Ra = interp.endTrial(a.data(), dRa.data());
        double Rb = jit->endTrial(b.data(), dRb.data());
        EXPECT_LE(std::fabs(Ra - Rb), 1e-12 * std::max(1.0, std::fabs(Ra)));
        for (int p = 0; p < 3; ++p)
          EXPECT_LE(std::fabs(dRa[p] - dRb[p]), 1e-12 * std::max(1.0, std::fabs(dRa[p])));
      }
    }
    wholeTrials += expectWholeTrialEqualsSteps(*m, seed);
  }
  std::cout << "[ random models ] factored " << factored << ", copy-back writes " << copiedBack
            << ", several synapse nests per step " << severalNests << ", traces deferred by run_trial "
            << wholeTrials << " (of 40)\n";
  EXPECT_GE(factored, 5);
  EXPECT_GE(severalNests, 5);
  EXPECT_GE(copiedBack, 3);
  EXPECT_GE(wholeTrials, 5);
}

} // namespace
} // namespace plasticc

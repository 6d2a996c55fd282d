//===- tests/unit/TangentTestModels.h - small models for tangent tests ----===//
//
// Dialect modules built with ir::Builder (independent of the front end) for
// the tangent pass, interpreter and gradient-check tests: one-op models that
// put a single math op at a chosen point, and the reference model of
// MODEL.md at a small size. Also helpers to differentiate a module and to
// take dR/dmeta of a one-trial run with the interpreter.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "dialect/Builder.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <vector>

namespace plasticc::testmodels {

using namespace plasticc::ir;

/// Runs the tangent pass; diagnostics are kept in `diagText`.
inline bool differentiate(Module &m, std::string *diagText = nullptr,
                          ir::Estimator estimator = ir::Estimator::Pathwise) {
  auto file = std::make_shared<SourceFile>("test.plast", "model test\n");
  std::ostringstream out;
  DiagnosticEngine diag(file, out);
  bool ok = transforms::computeTangents(m, diag, {}, estimator);
  if (diagText)
    *diagText = out.str();
  return ok;
}

/// A model whose reward is op(x0 + meta[0], y0 + meta[1], z0 + meta[2])
/// for the op's arity (meta defaults 0), so dR/dmeta at meta = 0 are the
/// op's partial derivatives at (x0, y0, z0). `n` is powi's exponent.
inline std::unique_ptr<Module> pointModel(OpKind kind, std::vector<double> at, int64_t n = 2) {
  auto m = std::make_unique<Module>();
  m->name = "point";
  int64_t arity = static_cast<int64_t>(at.size());
  Quantity *meta = m->addQuantity("a", QuantityKind::Meta, Type::vector(arity), {});
  Builder b(*m, m->init);
  b.write(meta, b.constant(0.0, meta->type));
  b.setRegion(m->reward);
  Op *a = b.read(meta);
  std::vector<Op *> args;
  for (int64_t k = 0; k < arity; ++k)
    args.push_back(b.binary(OpKind::Add, b.constant(at[k], Type::scalar()), b.extract(a, {k})));
  Op *r = kind == OpKind::Powi ? b.powi(args[0], n, "r") : b.create(kind, args, {}, {}, nullptr, "r");
  b.ret({r});
  return m;
}

/// R and dR/dmeta of one trial without steps at `meta` (empty: defaults).
struct RewardAndGradient {
  double R;
  std::vector<double> dR;
};
inline RewardAndGradient rewardAndGradient(const Module &m, const std::vector<double> &meta = {}) {
  runtime::Interpreter interp(m);
  runtime::StateBuffer state(interp.info());
  interp.init(state.data(), meta.empty() ? nullptr : meta.data(), 1);
  interp.beginTrial(state.data());
  RewardAndGradient res;
  res.dR.resize(interp.info().metaScalars);
  res.R = interp.endTrial(state.data(), res.dR.data());
  return res;
}

/// Sizes and constants of the reference model (MODEL.md).
struct ReferenceSizes {
  int64_t n = 8, inputs = 2, outputs = 1, d1 = 3; // d1 = D = d + 1
  double alpha = 0.1, sigma = 0.05, lambda = 0.95, betaX = 0.8, betaR = 0.9, eta = 0.05;
};

/// The reference model of MODEL.md ("One trial k"), built op by op as the
/// lowering of examples/rnn_poly.plast would: theta[D,D] meta; states x,
/// xbar; plastic W, fixed Win, Wout; traces e, err, scored; baseline Rbar;
/// output z. Random streams: x 0, W 1, Win 2, Wout 3.
inline std::unique_ptr<Module> referenceModel(const ReferenceSizes &s = {}) {
  auto m = std::make_unique<Module>();
  m->name = "rnn_poly_small";
  int64_t n = s.n;
  m->dims = {{"N", n}, {"I", s.inputs}, {"O", s.outputs}, {"D", s.d1}};
  auto scalar = Type::scalar();
  Quantity *theta = m->addQuantity("theta", QuantityKind::Meta, Type::matrix(s.d1, s.d1), {});
  Quantity *alpha = m->addQuantity("alpha", QuantityKind::Param, scalar, {});
  Quantity *u = m->addQuantity("u", QuantityKind::Input, Type::vector(s.inputs), {});
  Quantity *y = m->addQuantity("y", QuantityKind::Input, Type::vector(s.outputs), {});
  Quantity *mask = m->addQuantity("m", QuantityKind::Input, scalar, {});
  Quantity *xi = m->addQuantity("xi", QuantityKind::Noise, Type::vector(n), {});
  Quantity *x = m->addQuantity("x", QuantityKind::State, Type::vector(n), {});
  Quantity *xbar = m->addQuantity("xbar", QuantityKind::State, Type::vector(n), {});
  Quantity *w = m->addQuantity("W", QuantityKind::Weight, Type::matrix(n, n), {}, true);
  Quantity *win = m->addQuantity("Win", QuantityKind::Weight, Type::matrix(n, s.inputs), {});
  Quantity *wout = m->addQuantity("Wout", QuantityKind::Weight, Type::matrix(s.outputs, n), {});
  Quantity *e = m->addQuantity("e", QuantityKind::Trace, Type::matrix(n, n), {});
  Quantity *err = m->addQuantity("err", QuantityKind::Trace, scalar, {});
  Quantity *scored = m->addQuantity("scored", QuantityKind::Trace, scalar, {});
  Quantity *rbar = m->addQuantity("Rbar", QuantityKind::Baseline, scalar, {});
  Quantity *z = m->addQuantity("z", QuantityKind::Output, Type::vector(s.outputs), {});

  Builder b(*m, m->init);
  auto c = [&](double v) { return b.constant(v, scalar); };
  b.write(theta, b.constant(0.0, theta->type));
  b.write(alpha, c(s.alpha));
  b.write(x, b.random(OpKind::RandUniform, c(-0.1), c(0.1), x->type, 0, "x"));
  b.write(xbar, b.read(x));
  b.write(w, b.random(OpKind::RandNormal, c(0.0), c(1.44 / static_cast<double>(n)), w->type, 1));
  b.write(win, b.random(OpKind::RandUniform, c(-1.0), c(1.0), win->type, 2));
  b.write(wout, b.random(OpKind::RandNormal, c(0.0), c(1.0 / static_cast<double>(n)), wout->type, 3));
  b.write(rbar, c(0.0));

  b.setRegion(m->trial);
  b.write(e, b.constant(0.0, e->type));
  b.write(err, c(0.0));
  b.write(scored, c(0.0));

  b.setRegion(m->step);
  Op *xv = b.read(x);
  Op *r = b.unary(OpKind::Tanh, xv, "r");
  Op *post = b.binary(OpKind::Sub, xv, b.read(xbar), "post");
  // H[i, j] = sum_{a,b} theta[a, b] r[j]^a post[i]^b
  Op *th = b.read(theta);
  Op *h = nullptr;
  for (int64_t a = 0; a < s.d1; ++a)
    for (int64_t bb = 0; bb < s.d1; ++bb) {
      Op *mono = b.outer(b.powi(post, bb), b.powi(r, a));
      Op *term = b.binary(OpKind::Mul, b.extract(th, {a, bb}), mono);
      h = h ? b.binary(OpKind::Add, h, term) : term;
    }
  b.write(e, b.binary(OpKind::Add, b.binary(OpKind::Mul, c(s.lambda), b.read(e)), h, "e"));
  Op *zv = b.matvec(b.read(wout), r, "z");
  b.write(z, zv);
  Op *mv = b.read(mask);
  Op *sq = b.reduce(OpKind::Sum, b.powi(b.binary(OpKind::Sub, zv, b.read(y)), 2));
  b.write(err, b.binary(OpKind::Add, b.read(err), b.binary(OpKind::Mul, mv, sq), "err"));
  b.write(scored, b.binary(OpKind::Add, b.read(scored), mv, "scored"));
  Op *drive = b.binary(OpKind::Add,
                       b.binary(OpKind::Add, b.unary(OpKind::Neg, xv), b.matvec(b.read(w), r)),
                       b.matvec(b.read(win), b.read(u)));
  Op *xn = b.binary(OpKind::Add,
                    b.binary(OpKind::Add, xv, b.binary(OpKind::Mul, b.read(alpha), drive)),
                    b.binary(OpKind::Mul, c(s.sigma), b.read(xi)), "x");
  b.write(x, xn);
  b.write(xbar, b.binary(OpKind::Add, b.binary(OpKind::Mul, c(s.betaX), b.read(xbar)),
                         b.binary(OpKind::Mul, c(1 - s.betaX), b.read(x)), "xbar"));

  b.setRegion(m->reward);
  Op *R = b.binary(OpKind::Div, b.unary(OpKind::Neg, b.read(err)),
                   b.binary(OpKind::Max, c(1.0), b.read(scored)), "R");
  Op *rb = b.read(rbar);
  Op *adv = b.binary(OpKind::Sub, R, rb, "adv");
  b.write(w, b.binary(OpKind::Add, b.read(w),
                      b.binary(OpKind::Mul, b.binary(OpKind::Mul, c(s.eta), adv), b.read(e)), "W"));
  b.write(rbar, b.binary(OpKind::Add, b.binary(OpKind::Mul, c(s.betaR), rb),
                         b.binary(OpKind::Mul, c(1 - s.betaR), R), "Rbar"));
  b.ret({R});
  return m;
}

/// A model that uses every differentiable op on vectors and matrices, with
/// tangents on both operands where an op allows it, across steps and a
/// reward event that feeds a plastic matrix back into the steps:
///   meta a[3], b; state v[3]; plastic weight M[3,3]; trace acc.
inline std::unique_ptr<Module> kitchenSinkModel() {
  auto m = std::make_unique<Module>();
  m->name = "kitchen_sink";
  auto s = Type::scalar();
  Quantity *a = m->addQuantity("a", QuantityKind::Meta, Type::vector(3), {});
  Quantity *bq = m->addQuantity("b", QuantityKind::Meta, s, {});
  Quantity *u = m->addQuantity("u", QuantityKind::Input, Type::vector(3), {});
  Quantity *v = m->addQuantity("v", QuantityKind::State, Type::vector(3), {});
  Quantity *mq = m->addQuantity("M", QuantityKind::Weight, Type::matrix(3, 3), {}, true);
  Quantity *acc = m->addQuantity("acc", QuantityKind::Trace, s, {});
  Builder b(*m, m->init);
  auto c = [&](double x) { return b.constant(x, s); };
  b.write(a, b.constant(0.2, a->type));
  b.write(bq, c(0.7));
  b.write(v, b.random(OpKind::RandUniform, c(-0.5), c(0.5), v->type, 0));
  b.write(mq, b.random(OpKind::RandNormal, c(0.0), c(0.1), mq->type, 1));
  b.setRegion(m->trial);
  b.write(acc, c(0.0));

  b.setRegion(m->step);
  Op *av = b.read(a);
  Op *bv = b.read(bq);
  Op *vv = b.read(v);
  Op *uv = b.read(u);
  Op *s1 = b.unary(OpKind::Tanh, b.binary(OpKind::Add, vv, av), "s1");
  Op *s2 = b.unary(OpKind::Sigmoid, b.binary(OpKind::Mul, b.binary(OpKind::Add, vv, uv), bv), "s2");
  Op *rows = b.bcast(s1, Type::matrix(3, 3), 0);
  Op *cols = b.bcast(s2, Type::matrix(3, 3), 1);
  Op *mm = b.binary(OpKind::Add, b.binary(OpKind::Mul, rows, cols), b.outer(s2, s1), "mm");
  Op *mv = b.matvec(b.read(mq), s2, "mv");
  Op *cl = b.clip(mv, c(-0.05), bv, "cl");
  Op *mx = b.binary(OpKind::Max, cl, s1, "mx");
  Op *mn = b.binary(OpKind::Min, mx, av, "mn");
  Op *base = b.binary(OpKind::Add, b.unary(OpKind::Abs, mn), c(1.5));
  Op *expo = b.binary(OpKind::Add, b.extract(av, {1}), c(2.0));
  Op *pw = b.binary(OpKind::Pow, base, expo, "pw");
  Op *ex = b.unary(OpKind::Exp, b.unary(OpKind::Neg, pw), "ex");
  Op *lg = b.unary(OpKind::Log, b.unary(OpKind::Sqrt, b.binary(OpKind::Add, b.powi(vv, 2), c(1.0))), "lg");
  Op *sel = b.select(b.binary(OpKind::Gt, vv, c(0.0)), ex, lg, "sel");
  Op *drive = b.binary(OpKind::Add, sel, b.matvec(mm, s1));
  Op *vn = b.binary(OpKind::Add, b.binary(OpKind::Mul, c(0.5), vv),
                    b.binary(OpKind::Mul, c(0.1), drive), "vn");
  b.write(v, vn);
  Op *denom = b.binary(OpKind::Add, c(2.0), b.binary(OpKind::Mul, bv, bv));
  Op *t1 = b.reduce(OpKind::Sum, b.unary(OpKind::Relu, vn));
  Op *t2 = b.extract(mm, {1, 2});
  Op *t3 = b.binary(OpKind::Div, b.reduce(OpKind::Sum, vn), denom);
  Op *t4 = b.binary(OpKind::Sub, b.reduce(OpKind::Sum, b.powi(mv, 3)), b.reduce(OpKind::Sum, b.unary(OpKind::Neg, mn)));
  Op *inc = b.binary(OpKind::Add, b.binary(OpKind::Add, t1, t2), b.binary(OpKind::Add, t3, t4));
  b.write(acc, b.binary(OpKind::Add, b.read(acc), inc, "acc"));

  b.setRegion(m->reward);
  Op *R = b.binary(OpKind::Mul, b.read(acc), c(0.1), "R");
  Op *dm = b.binary(OpKind::Mul, b.binary(OpKind::Mul, c(0.05), R), b.read(bq));
  b.write(mq, b.binary(OpKind::Add, b.read(mq), dm, "M"));
  b.ret({R});
  return m;
}

/// Normwise relative difference of `got` against `ref` (n elements): max
/// |ref - got| over max |ref| (the absolute difference where ref is 0).
inline double relDiff(const double *ref, const double *got, size_t n) {
  double scale = 0, diff = 0;
  for (size_t k = 0; k < n; ++k) {
    scale = std::max(scale, std::fabs(ref[k]));
    diff = std::max(diff, std::fabs(ref[k] - got[k]));
  }
  return scale == 0 ? diff : diff / scale;
}

/// The .plast files of examples/, sorted.
inline std::vector<std::string> exampleFiles() {
  std::vector<std::string> files;
  for (const auto &f : std::filesystem::directory_iterator(PLASTICC_SOURCE_DIR "/examples"))
    if (f.path().extension() == ".plast")
      files.push_back(f.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

/// Compiles a .plast model (front end, lowering) after rewriting its `dim`
/// lines: a dim named in `dims` gets that value, any other dim larger than
/// `maxDim` becomes `maxDim`, so that tests run the examples at a small size.
/// Fails the current test (and returns nullptr) on diagnostics.
inline std::unique_ptr<Module> compileModel(const std::string &path, int64_t maxDim = 8,
                                            const std::map<std::string, int64_t> &dims = {}) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string out, line;
  std::regex dimLine(R"(^(\s*dim\s+)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)([0-9]+)(.*)$)");
  while (std::getline(text, line)) {
    std::smatch mt;
    if (std::regex_match(line, mt, dimLine)) {
      int64_t v = std::stoll(mt[4].str());
      auto it = dims.find(mt[2].str());
      v = it != dims.end() ? it->second : std::min(v, maxDim);
      line = mt[1].str() + mt[2].str() + mt[3].str() + std::to_string(v) + mt[5].str();
    }
    out += line + "\n";
  }
  auto file = std::make_shared<SourceFile>(path, out);
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  std::unique_ptr<ast::Module> ast = parseSource(*file, diag);
  if (!ast || diag.hasErrors() || !checkModule(*ast, diag)) {
    ADD_FAILURE() << path << ":\n" << diagText.str();
    return nullptr;
  }
  return lowerToDialect(*ast);
}

} // namespace plasticc::testmodels

//===- tests/unit/CppImportTest.cpp - lifted C++ helpers vs native C++ ----===//
//
// The helpers of examples/rnn_helpers.cpp and Inputs/lifted_helpers.cpp
// are compiled twice: natively by the project's C++ compiler (linked into
// this binary from tests/CMakeLists.txt, with -ffp-contract=off so that
// each operation rounds once, as the interpreter's do) and by plasticc,
// which lifts them with Clang into the language; the model below calls
// every helper elementwise on a grid of inputs, the reference interpreter
// runs one step, and each output element must equal the native call on
// the same inputs to 1e-15 (relative, absolute below 1).
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/CppImport.h"
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

// The native versions (compiled from the same files).
double rate(double x, double w);
double soft_threshold(double v, double kappa);
double poly(double x, double a);
double series(double x, double a);
double branches(double x, double a);
double combined(double x, double a);

using namespace plasticc;

namespace {

struct Native {
  const char *name;
  double (*fn)(double, double);
};

/// The inputs: every pair of a grid over [-3, 3] x [-1.5, 2.5], plus the
/// points where the helpers switch branch (x = a, x = 0, x = -2).
void grid(std::vector<double> &xs, std::vector<double> &as) {
  const int n = 49;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      xs.push_back(-3 + 6.0 * i / (n - 1));
      as.push_back(-1.5 + 4.0 * j / (n - 1));
    }
  for (double v : {-2.0, -0.5, 0.0, 0.01, 0.5, 1.0, 2.0}) {
    xs.push_back(v); // on the kink x == a
    as.push_back(v);
    xs.push_back(v); // and x == -a
    as.push_back(-v);
  }
}

/// A model with inputs x[G], a[G] and one output per helper, y_f = f(x, a).
std::string gridModel(const std::string &file, const std::vector<Native> &fns, size_t g) {
  std::ostringstream m;
  m << "model grid\nextern \"" << file << "\" {";
  for (size_t k = 0; k < fns.size(); ++k)
    m << (k ? ", " : " ") << fns[k].name;
  m << " }\ndim G = " << g << "\ninput x[G]\ninput a[G]\n";
  for (const Native &f : fns)
    m << "output y_" << f.name << "[G]\n";
  m << "step {\n";
  for (const Native &f : fns)
    m << "  y_" << f.name << " = " << f.name << "(x, a)\n";
  m << "}\n";
  return m.str();
}

/// Lifts, lowers and interprets the helpers of `file` on the grid and
/// compares each output element with the native function.
void expectLiftedEqualsNative(const std::string &file, const std::vector<Native> &fns) {
  std::vector<double> xs, as;
  grid(xs, as);
  auto source = std::make_shared<SourceFile>("grid.plast", gridModel(file, fns, xs.size()));
  std::ostringstream diagOut;
  DiagnosticEngine diag(source, diagOut);
  std::unique_ptr<ast::Module> ast = parseSource(*source, diag);
  ASSERT_TRUE(ast && checkModule(*ast, diag)) << diagOut.str();
  std::unique_ptr<ir::Module> module = lowerToDialect(*ast);
  runtime::Interpreter interp(*module);
  const runtime::ModelInfo &info = interp.info();
  runtime::StateBuffer state(info);
  interp.init(state.data(), nullptr, 1);
  interp.beginTrial(state.data());
  std::vector<double> inputs(static_cast<size_t>(info.inputLength));
  std::copy(xs.begin(), xs.end(), inputs.begin() + info.find("x")->offset);
  std::copy(as.begin(), as.end(), inputs.begin() + info.find("a")->offset);
  interp.stepPrimal(state.data(), inputs.data(), nullptr);
  for (const Native &f : fns) {
    const runtime::QuantityInfo *out = info.find(std::string("y_") + f.name);
    ASSERT_NE(out, nullptr) << f.name;
    const double *y = reinterpret_cast<const double *>(static_cast<const char *>(state.data()) + out->offset);
    size_t exact = 0;
    double worst = 0;
    for (size_t k = 0; k < xs.size(); ++k) {
      double want = f.fn(xs[k], as[k]);
      double diff = std::fabs(y[k] - want);
      ASSERT_TRUE(std::isfinite(want)) << f.name << "(" << xs[k] << ", " << as[k] << ")";
      EXPECT_LE(diff, 1e-15 * std::max(1.0, std::fabs(want)))
          << f.name << "(" << xs[k] << ", " << as[k] << "): lifted " << y[k] << ", native " << want;
      exact += y[k] == want;
      worst = std::max(worst, diff / std::max(1.0, std::fabs(want)));
    }
    // Reported, not asserted: bit-identical is expected (one rounding per
    // operation on both sides, the same libm), 1e-15 is the promise.
    std::printf("[ lifted   ] %-15s %zu of %zu points bit-identical, worst difference %.3g\n", f.name,
                exact, xs.size(), worst);
  }
}

} // namespace

TEST(CppImport, ExampleHelpersEqualNativeCode) {
  expectLiftedEqualsNative(PLASTICC_SOURCE_DIR "/examples/rnn_helpers.cpp",
                           {{"rate", rate}, {"soft_threshold", soft_threshold}});
}

TEST(CppImport, EveryConstructEqualsNativeCode) {
  expectLiftedEqualsNative(PLASTICC_SOURCE_DIR "/tests/unit/Inputs/lifted_helpers.cpp",
                           {{"poly", poly}, {"series", series}, {"branches", branches}, {"combined", combined}});
}

// The grid does reach both sides of every branch: a helper whose branches
// were swapped or dropped would differ from the native code on it.
TEST(CppImport, GridCoversBothSidesOfTheBranches) {
  std::vector<double> xs, as;
  grid(xs, as);
  size_t inside = 0, above = 0, below = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    double s = soft_threshold(xs[k], std::fabs(as[k]));
    (s == 0 ? inside : s > 0 ? above : below) += 1;
  }
  EXPECT_GT(inside, 100u);
  EXPECT_GT(above, 100u);
  EXPECT_GT(below, 100u);
}

// The path of an extern is relative to the model's directory.
TEST(CppImport, ResolvesPathsRelativeToTheModel) {
  EXPECT_EQ(resolveImportPath("models/m.plast", "helpers.cpp"), "models/helpers.cpp");
  EXPECT_EQ(resolveImportPath("models/m.plast", "../lib/h.cpp"), "lib/h.cpp");
  EXPECT_EQ(resolveImportPath("m.plast", "h.cpp"), "h.cpp");
  EXPECT_EQ(resolveImportPath("models/m.plast", "/abs/h.cpp"), "/abs/h.cpp");
}

//===- tests/unit/CodegenTest.cpp - compiled code vs the interpreter ------===//
//
// Every model here is run three ways on the same seed, inputs and noise: the
// reference interpreter, the JIT and a shared library built by the same
// pipeline as `plasticc -o model.so` and loaded with dlopen. Over 3 trials
// of 20 steps, every quantity of the state (values and tangent lanes), R and
// dR/dmeta must agree with the interpreter to 1e-12 relative (normwise per
// quantity: |a - b| <= 1e-12 * max |reference| of that quantity), which
// catches any wrong index, missed fusion hazard or lost tangent term. Also:
// the loop IR of the reference model has one nest over the synapses per
// step, descriptors agree, and mismatched libraries are refused.
//
//===----------------------------------------------------------------------===//
#include "TangentTestModels.h"

#include "compiler/codegen/HeaderEmitter.h"
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/codegen/LowerToLoops.h"
#include "compiler/codegen/ObjectEmitter.h"
#include "compiler/codegen/Pipeline.h"
#include "runtime/Interpreter.h"
#include "runtime/Noise.h"
#include "dialect/Random.h"
#include "runtime/jit/JIT.h"
#include "runtime/jit/SharedLibrary.h"

#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <gtest/gtest.h>

#include <cmath>
#include <dlfcn.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

namespace plasticc {
namespace {

using namespace plasticc::testmodels;

std::string tempDir() {
  std::string dir = std::string(PLASTICC_BINARY_DIR) + "/tests/codegen-tmp";
  std::filesystem::create_directories(dir);
  return dir;
}

/// Builds `module` into a shared library with the driver's pipeline.
std::unique_ptr<runtime::NativeModel> buildSharedLibrary(const ir::Module &module, const std::string &tag,
                                                         bool fp32 = false) {
  codegen::NativeOptions opts;
  opts.fp32 = fp32;
  codegen::NativeModule native;
  std::string error;
  EXPECT_TRUE(codegen::buildNative(module, "source of " + module.name, opts, native, error)) << error;
  std::string obj = tempDir() + "/" + tag + ".o", so = tempDir() + "/" + tag + ".so";
  EXPECT_TRUE(codegen::emitFile(*native.module, *native.targetMachine, codegen::FileKind::Object, obj, error))
      << error;
  EXPECT_TRUE(codegen::linkSharedLibrary(obj, so, error)) << error;
  auto lib = runtime::loadSharedLibrary(so, error);
  EXPECT_TRUE(lib) << error;
  return lib;
}

std::unique_ptr<runtime::NativeModel> buildJIT(const ir::Module &module, bool fp32 = false,
                                              bool factorize = true) {
  codegen::NativeOptions opts;
  opts.fp32 = fp32;
  opts.factorize = factorize;
  std::string error;
  auto jit = runtime::jitCompile(module, "source of " + module.name, opts, error);
  EXPECT_TRUE(jit) << error;
  return jit;
}

/// Elements of a quantity's value and tangent in a state buffer (doubles
/// or floats, by `elemBytes`).
std::vector<double> slice(const void *state, int64_t offset, int64_t n, int64_t elemBytes) {
  std::vector<double> out(n);
  auto *base = static_cast<const char *>(state) + offset;
  for (int64_t k = 0; k < n; ++k)
    out[k] = elemBytes == 8 ? reinterpret_cast<const double *>(base)[k]
                            : reinterpret_cast<const float *>(base)[k];
  return out;
}

/// Normwise relative difference of b against reference a: max |a - b| over
/// max |a|. `scale`, when given, is the running max |a| of this quantity over
/// the run so far (updated here): a value crossing zero, e.g. a readout
/// z = sum_j Wout_j r_j in a step where the terms cancel, is then compared
/// at the size it has over the trajectory rather than at its momentary one,
/// where any reordering of the sum would count as a large relative error.
double relDiff(const std::vector<double> &a, const std::vector<double> &b, double *scale = nullptr) {
  double now = 0, diff = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    now = std::max(now, std::fabs(a[k]));
    diff = std::max(diff, std::fabs(a[k] - b[k]));
  }
  if (scale)
    now = *scale = std::max(*scale, now);
  return now == 0 ? diff : diff / now;
}

/// Running scales of the quantities of a run, by name ("x", "d.x").
using Scales = std::map<std::string, double>;

/// Compares every quantity of two states; returns the worst difference and
/// names it in `where`.
double compareStates(const runtime::ModelInfo &info, const void *ref, const void *got, int64_t lanes,
                     int64_t gotElemBytes, std::string &where, const runtime::ModelInfo *gotInfo = nullptr,
                     Scales *scales = nullptr) {
  double worst = 0;
  for (size_t k = 0; k < info.quantities.size(); ++k) {
    const runtime::QuantityInfo &q = info.quantities[k];
    const runtime::QuantityInfo &g = gotInfo ? gotInfo->quantities[k] : q;
    if (q.kind == "input" || q.kind == "noise")
      continue;
    int64_t n = q.numElements();
    double d = relDiff(slice(ref, q.offset, n, 8), slice(got, g.offset, n, gotElemBytes),
                       scales ? &(*scales)[q.name] : nullptr);
    if (d > worst) {
      worst = d;
      where = q.name;
    }
    if (q.tangentOffset >= 0) {
      d = relDiff(slice(ref, q.tangentOffset, n * lanes, 8),
                  slice(got, g.tangentOffset, n * lanes, gotElemBytes),
                  scales ? &(*scales)[("d." + q.name)] : nullptr);
      if (d > worst) {
        worst = d;
        where = "d." + q.name;
      }
    }
  }
  return worst;
}

/// Runs `trials` trials of `steps` steps on the interpreter and `backend`
/// and checks that they agree to `tol` after every step and trial end.
void expectSameRun(const ir::Module &m, runtime::Backend &backend, double tol, int64_t elemBytes = 8,
                   int trials = 3, int steps = 20, bool primalSteps = false) {
  runtime::Interpreter interp(m);
  const runtime::ModelInfo &info = interp.info();
  ASSERT_EQ(backend.info().inputLength, info.inputLength);
  ASSERT_EQ(backend.info().noiseLength, info.noiseLength);
  runtime::StateBuffer a(info), b(backend.info());
  interp.init(a.data(), nullptr, 42);
  backend.init(b.data(), nullptr, 42);
  int64_t lanes = m.lanes;
  std::string where;
  EXPECT_LE(compareStates(info, a.data(), b.data(), lanes, elemBytes, where, &backend.info()), tol) << "after init: " << where;
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal;
  double worst = 0;
  std::string worstWhere;
  Scales scales;
  std::vector<double> in(std::max<int64_t>(1, info.inputLength)), noise(std::max<int64_t>(1, info.noiseLength));
  std::vector<double> dRa(std::max<int64_t>(1, info.metaScalars)), dRb(dRa.size());
  for (int t = 0; t < trials; ++t) {
    interp.beginTrial(a.data());
    backend.beginTrial(b.data());
    for (int s = 0; s < steps; ++s) {
      for (double &v : in)
        v = normal(gen);
      for (double &v : noise)
        v = normal(gen);
      if (primalSteps) {
        interp.stepPrimal(a.data(), in.data(), noise.data());
        backend.stepPrimal(b.data(), in.data(), noise.data());
      } else {
        interp.step(a.data(), in.data(), noise.data());
        backend.step(b.data(), in.data(), noise.data());
      }
      double d = compareStates(info, a.data(), b.data(), lanes, elemBytes, where, &backend.info(), &scales);
      ASSERT_LE(d, tol) << "trial " << t << " step " << s << ": " << where;
      if (d > worst) {
        worst = d;
        worstWhere = where + " (trial " + std::to_string(t) + " step " + std::to_string(s) + ")";
      }
    }
    double Ra = interp.endTrial(a.data(), lanes ? dRa.data() : nullptr);
    double Rb = backend.endTrial(b.data(), lanes ? dRb.data() : nullptr);
    EXPECT_LE(std::fabs(Ra - Rb), tol * std::max(1.0, std::fabs(Ra))) << "R of trial " << t;
    if (lanes > 0) {
      EXPECT_LE(relDiff(dRa, dRb), tol) << "dR of trial " << t;
    }
    EXPECT_LE(compareStates(info, a.data(), b.data(), lanes, elemBytes, where, &backend.info()), tol)
        << "after trial " << t << ": " << where;
  }
  std::cout << "[ model " << m.name << " ] worst normwise relative difference " << worst << " in "
            << worstWhere << "\n";
}

std::unique_ptr<ir::Module> differentiatedReference(int64_t n = 8, int64_t d1 = 3) {
  ReferenceSizes s;
  s.n = n;
  s.d1 = d1;
  auto m = referenceModel(s);
  EXPECT_TRUE(differentiate(*m));
  return m;
}

TEST(CodegenTest, ReferenceModelJITMatchesInterpreter) {
  auto m = differentiatedReference();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12);
}

TEST(CodegenTest, ReferenceModelSharedLibraryMatchesInterpreter) {
  auto m = differentiatedReference(12, 4);
  auto lib = buildSharedLibrary(*m, "reference");
  ASSERT_TRUE(lib);
  expectSameRun(*m, *lib, 1e-12);
}

TEST(CodegenTest, ReferenceModelUnfactoredMatchesInterpreter) {
  // Without factoring, the code evaluates the sums as written.
  auto m = differentiatedReference(10, 4);
  auto jit = buildJIT(*m, false, false);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12);
}

TEST(CodegenTest, ReferenceModelPrimalSteps) {
  auto m = differentiatedReference();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12, 8, 2, 10, true);
}

TEST(CodegenTest, PrimalModuleWithoutTangents) {
  auto m = referenceModel();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12);
}

TEST(CodegenTest, ReferenceModelFp32WithinTolerance) {
  // Single precision: rounding of 2^-24 (6e-8) per op, accumulated over 60
  // steps; measured 6e-7 normwise (over the trajectory). The documented
  // tolerance of --fp32 against the f64 interpreter is 1e-4.
  auto m = differentiatedReference();
  auto jit = buildJIT(*m, true);
  ASSERT_TRUE(jit);
  EXPECT_EQ(jit->elem(), PLASTICC_F32);
  expectSameRun(*m, *jit, 1e-4, 4);
}

TEST(CodegenTest, LoopIRHasOneSynapseNestPerStep) {
  auto m = differentiatedReference();
  loops::Program p = loops::lowerToLoops(*m);
  std::ostringstream os;
  loops::printProgram(p, os);
  std::string text = os.str();
  size_t step = text.find("func @plasticc_step {");
  size_t end = text.find("func @plasticc_step_primal");
  ASSERT_NE(step, std::string::npos);
  std::string body = text.substr(step, end - step);
  size_t count = 0;
  for (size_t at = body.find("synapses [8,8]"); at != std::string::npos; at = body.find("synapses [8,8]", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << body;
  if (std::getenv("PLASTICC_DUMP_LOOPS"))
    std::cerr << text;
}

TEST(CodegenTest, DescriptorAgreesWithInterpreterLayout) {
  auto m = differentiatedReference();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  runtime::Interpreter interp(*m);
  std::string error;
  runtime::ModelInfo expected = interp.info();
  expected.sourceHash = codegen::sha256Hex("source of " + m->name);
  EXPECT_TRUE(runtime::sameDescriptor(expected, jit->info(), error)) << error;
  EXPECT_EQ(jit->tangentLanes(), m->lanes);
}

TEST(CodegenTest, MismatchedLibraryIsRefused) {
  auto m = differentiatedReference();
  auto lib = buildSharedLibrary(*m, "mismatch");
  ASSERT_TRUE(lib);
  std::string so = tempDir() + "/mismatch.so", error;
  runtime::ModelInfo other = lib->info();
  other.quantities[3].offset += 64;
  EXPECT_FALSE(runtime::loadSharedLibrary(so, error, &other));
  EXPECT_NE(error.find("descriptor mismatch"), std::string::npos) << error;
  other = lib->info();
  other.name = "another";
  EXPECT_FALSE(runtime::loadSharedLibrary(so, error, &other));
  EXPECT_NE(error.find("model name"), std::string::npos) << error;
  EXPECT_FALSE(runtime::loadSharedLibrary(tempDir() + "/no-such.so", error));
  EXPECT_NE(error.find("cannot load"), std::string::npos) << error;
  // A library that is not a plasticc model: the math library, by its full
  // path (a bare name is opened in the current directory, not searched).
  Dl_info libm{};
  ASSERT_NE(dladdr(dlsym(RTLD_DEFAULT, "cos"), &libm), 0);
  ASSERT_NE(libm.dli_fname, nullptr);
  EXPECT_FALSE(runtime::loadSharedLibrary(libm.dli_fname, error));
  EXPECT_NE(error.find("not a plasticc model"), std::string::npos) << error;
}

TEST(CodegenTest, WrongABIVersionIsRefused) {
  plasticc_model_info info{};
  info.abi_version = PLASTICC_ABI_VERSION + 1;
  runtime::ModelInfo out;
  std::string error;
  EXPECT_FALSE(runtime::readDescriptor(&info, out, error));
  EXPECT_NE(error.find("ABI version mismatch"), std::string::npos) << error;
}

/// Every differentiable op at a point: R and dR of the compiled code equal
/// the interpreter's.
TEST(CodegenTest, PointModelsOfEveryOp) {
  struct Case {
    ir::OpKind kind;
    std::vector<double> at;
  };
  std::vector<Case> cases = {
      {OpKind::Neg, {0.3}},         {OpKind::Tanh, {0.3}},        {OpKind::Exp, {0.3}},
      {OpKind::Log, {0.3}},         {OpKind::Sqrt, {0.3}},        {OpKind::Abs, {-0.3}},
      {OpKind::Sigmoid, {0.3}},     {OpKind::Relu, {0.3}},        {OpKind::Powi, {0.7}},
      {OpKind::Add, {0.3, 0.5}},    {OpKind::Sub, {0.3, 0.5}},    {OpKind::Mul, {0.3, 0.5}},
      {OpKind::Div, {0.3, 0.5}},    {OpKind::Pow, {0.3, 0.5}},    {OpKind::Min, {0.3, 0.5}},
      {OpKind::Max, {0.3, 0.5}},    {OpKind::Lt, {0.3, 0.5}},     {OpKind::Eq, {0.5, 0.5}},
      {OpKind::Select, {1, 2, 3}},  {OpKind::Clip, {0.9, 0, 0.5}}, {OpKind::MulChecked, {0.3, 0.5}},
      {OpKind::Sin, {0.3}},         {OpKind::Cos, {0.3}},         {OpKind::Tan, {0.3}},
      {OpKind::Asin, {0.3}},        {OpKind::Acos, {0.3}},        {OpKind::Atan, {0.3}},
      {OpKind::Atan2, {0.3, -0.5}}, {OpKind::Sinh, {0.3}},        {OpKind::Cosh, {0.3}},
      {OpKind::Log1p, {0.3}},       {OpKind::Expm1, {0.3}},       {OpKind::Softplus, {0.3}},
      {OpKind::Sign, {-0.3}},       {OpKind::Floor, {1.3}},       {OpKind::Ceil, {1.3}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(ir::mnemonic(c.kind));
    auto m = pointModel(c.kind, c.at, 5);
    ASSERT_TRUE(differentiate(*m));
    RewardAndGradient want = rewardAndGradient(*m);
    auto jit = buildJIT(*m);
    ASSERT_TRUE(jit);
    runtime::StateBuffer st(jit->info());
    jit->init(st.data(), nullptr, 1);
    jit->beginTrial(st.data());
    std::vector<double> dR(jit->info().metaScalars);
    double R = jit->endTrial(st.data(), dR.data());
    EXPECT_EQ(R, want.R);
    ASSERT_EQ(dR.size(), want.dR.size());
    for (size_t k = 0; k < dR.size(); ++k)
      EXPECT_EQ(dR[k], want.dR[k]) << "lane " << k;
  }
}

/// R and dR/dmeta of one trial of compiled code at meta `at`.
RewardAndGradient compiledRewardAndGradient(runtime::NativeModel &model, const std::vector<double> &at) {
  runtime::StateBuffer st(model.info());
  model.init(st.data(), at.data(), 1);
  model.beginTrial(st.data());
  RewardAndGradient res;
  res.dR.resize(model.info().metaScalars);
  res.R = model.endTrial(st.data(), res.dR.data());
  return res;
}

/// Equality that treats NaN as equal to NaN (conventions may be NaN).
void expectSameOrBothNaN(double got, double want, const std::string &what) {
  if (std::isnan(want))
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want nan";
  else
    EXPECT_EQ(got, want) << what;
}

/// The tangents of the elementwise functions in compiled code (JIT, -O2)
/// against central finite differences of the same compiled code.
TEST(CodegenTest, FunctionTangentsMatchFiniteDifferences) {
  struct Case {
    ir::OpKind kind;
    std::vector<double> at;
  };
  const Case cases[] = {
      {OpKind::Sin, {0.7}},      {OpKind::Sin, {-2.1}},     {OpKind::Cos, {0.7}},
      {OpKind::Cos, {-2.1}},     {OpKind::Tan, {0.7}},      {OpKind::Tan, {-1.3}},
      {OpKind::Asin, {0.7}},     {OpKind::Asin, {-0.4}},    {OpKind::Acos, {0.7}},
      {OpKind::Acos, {-0.4}},    {OpKind::Atan, {0.7}},     {OpKind::Atan, {-2.1}},
      {OpKind::Sinh, {0.7}},     {OpKind::Sinh, {-2.1}},    {OpKind::Cosh, {0.7}},
      {OpKind::Cosh, {-2.1}},    {OpKind::Log1p, {0.7}},    {OpKind::Log1p, {-0.4}},
      {OpKind::Expm1, {0.7}},    {OpKind::Expm1, {-2.1}},   {OpKind::Softplus, {0.7}},
      {OpKind::Softplus, {-2.1}}, {OpKind::Softplus, {30.0}}, {OpKind::Atan2, {0.3, -1.2}},
      {OpKind::Atan2, {-2.0, 0.7}}, {OpKind::Sign, {-0.4}},   {OpKind::Floor, {2.1}},
      {OpKind::Ceil, {-1.3}},
  };
  const double h = 1e-6;
  for (const Case &c : cases) {
    SCOPED_TRACE(std::string(ir::mnemonic(c.kind)) + " at " + std::to_string(c.at[0]));
    auto m = pointModel(c.kind, c.at);
    ASSERT_TRUE(differentiate(*m));
    auto jit = buildJIT(*m);
    ASSERT_TRUE(jit);
    std::vector<double> zero(c.at.size(), 0.0);
    RewardAndGradient g = compiledRewardAndGradient(*jit, zero);
    for (size_t q = 0; q < c.at.size(); ++q) {
      std::vector<double> plus = zero, minus = zero;
      plus[q] = h;
      minus[q] = -h;
      double fd = (compiledRewardAndGradient(*jit, plus).R - compiledRewardAndGradient(*jit, minus).R) / (2 * h);
      EXPECT_NEAR(g.dR[q], fd, 1e-8 * std::max(1.0, std::fabs(fd))) << "operand " << q;
    }
  }
}

/// At the domain edges of docs/tangents.md, compiled code gives the
/// interpreter's values and tangents, inf and nan included.
TEST(CodegenTest, FunctionDomainEdgesMatchInterpreter) {
  struct Case {
    ir::OpKind kind;
    std::vector<double> at;
  };
  const Case cases[] = {
      {OpKind::Asin, {1.0}},   {OpKind::Asin, {-1.0}},       {OpKind::Asin, {1.5}},
      {OpKind::Acos, {1.0}},   {OpKind::Acos, {-1.0}},       {OpKind::Log1p, {-1.0}},
      {OpKind::Log1p, {-2.0}}, {OpKind::Atan2, {0.0, 0.0}},  {OpKind::Atan2, {0.0, -2.0}},
      {OpKind::Atan2, {1e-170, 2e-170}},                     {OpKind::Atan2, {1e200, 2e200}},
      {OpKind::Softplus, {1000.0}},                          {OpKind::Softplus, {-1000.0}},
      {OpKind::Atan, {1e200}}, {OpKind::Expm1, {-40.0}},     {OpKind::Sinh, {800.0}},
      {OpKind::Sign, {0.0}},   {OpKind::Floor, {-0.5}},      {OpKind::Ceil, {-0.5}},
  };
  for (const Case &c : cases) {
    std::string what = std::string(ir::mnemonic(c.kind)) + " at " + std::to_string(c.at[0]);
    auto m = pointModel(c.kind, c.at);
    ASSERT_TRUE(differentiate(*m));
    RewardAndGradient want = rewardAndGradient(*m);
    auto jit = buildJIT(*m);
    ASSERT_TRUE(jit);
    RewardAndGradient got = compiledRewardAndGradient(*jit, std::vector<double>(c.at.size(), 0.0));
    expectSameOrBothNaN(got.R, want.R, what + ": R");
    for (size_t q = 0; q < want.dR.size(); ++q)
      expectSameOrBothNaN(got.dR[q], want.dR[q], what + ": dR " + std::to_string(q));
  }
}

TEST(CodegenTest, CallerMetaReplacesDefaults) {
  auto m = differentiatedReference();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  runtime::Interpreter interp(*m);
  std::vector<double> meta(m->numMetaScalars());
  for (size_t k = 0; k < meta.size(); ++k)
    meta[k] = 0.1 * static_cast<double>(k) - 0.3;
  runtime::StateBuffer a(interp.info()), b(jit->info());
  interp.init(a.data(), meta.data(), 3);
  jit->init(b.data(), meta.data(), 3);
  std::string where;
  EXPECT_EQ(compareStates(interp.info(), a.data(), b.data(), m->lanes, 8, where), 0.0) << where;
}

/// An example model through the front end, lowering and tangent pass.
std::unique_ptr<ir::Module> loadExample(const std::string &path, std::string &source,
                                        ir::Estimator estimator = ir::Estimator::Pathwise) {
  std::string err;
  auto file = SourceFile::read(path, err);
  EXPECT_TRUE(file) << err;
  if (!file)
    return nullptr;
  source = file->text();
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  auto ast = parseSource(*file, diag);
  EXPECT_TRUE(ast && checkModule(*ast, diag)) << diagText.str();
  if (diag.hasErrors())
    return nullptr;
  auto m = lowerToDialect(*ast);
  EXPECT_TRUE(transforms::computeTangents(*m, diag, {}, estimator)) << diagText.str();
  return m;
}

/// Every example: the JIT and the shared library equal the interpreter,
/// primal and tangents, over 3 trials of 20 steps.
TEST(CodegenTest, EveryExampleMatchesInterpreter) {
  std::vector<std::string> paths;
  for (auto &entry : std::filesystem::directory_iterator(std::string(PLASTICC_SOURCE_DIR) + "/examples"))
    if (entry.path().extension() == ".plast")
      paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  ASSERT_GE(paths.size(), 1u);
  for (const std::string &path : paths) {
    SCOPED_TRACE(path);
    std::string source;
    auto m = loadExample(path, source);
    ASSERT_TRUE(m);
    auto jit = buildJIT(*m);
    ASSERT_TRUE(jit);
    expectSameRun(*m, *jit, 1e-12);
    auto lib = buildSharedLibrary(*m, "example-" + m->name);
    ASSERT_TRUE(lib);
    expectSameRun(*m, *lib, 1e-12);
  }
}

/// The same for the score estimator's tangents (every example with meta
/// parameters and standard normal noise has them): the score lanes, traces
/// and weights of compiled code equal the interpreter's.
TEST(CodegenTest, EveryExampleMatchesInterpreterWithScoreTangents) {
  for (const std::string &path : testmodels::exampleFiles()) {
    SCOPED_TRACE(path);
    std::string source;
    auto pathwise = loadExample(path, source);
    if (pathwise->lanes == 0)
      continue; // no meta parameter: nothing to estimate (the score mode refuses it)
    bool normal = true;
    for (const auto &q : pathwise->quantities)
      normal &= q->kind != ir::QuantityKind::Noise || q->noise.standardNormal();
    if (!normal)
      continue; // refused by design (diagnostics/score-noise-not-normal.plast)
    auto m = loadExample(path, source, ir::Estimator::Score);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->scoreQuantity());
    auto jit = buildJIT(*m);
    ASSERT_TRUE(jit);
    expectSameRun(*m, *jit, 1e-12);
  }
}

/// A model whose step reads values it also overwrites, where fusing would
/// read new values in place of old ones unless the code generator notices:
/// the tangent of e' = 0.5 e*e + ... needs the old e after e's primal row is
/// written (other section of the same nest), x' = W @ x + ... reads every
/// old x, and xbar reads the new x. Compared with the interpreter.
std::unique_ptr<ir::Module> hazardModel() {
  auto m = std::make_unique<ir::Module>();
  m->name = "hazards";
  int64_t n = 6;
  auto scalar = ir::Type::scalar();
  ir::Quantity *k = m->addQuantity("k", ir::QuantityKind::Meta, ir::Type::vector(2), {});
  ir::Quantity *x = m->addQuantity("x", ir::QuantityKind::State, ir::Type::vector(n), {});
  ir::Quantity *xbar = m->addQuantity("xbar", ir::QuantityKind::State, ir::Type::vector(n), {});
  ir::Quantity *w = m->addQuantity("W", ir::QuantityKind::Weight, ir::Type::matrix(n, n), {}, true);
  ir::Quantity *e = m->addQuantity("e", ir::QuantityKind::Trace, ir::Type::matrix(n, n), {});
  ir::Quantity *acc = m->addQuantity("acc", ir::QuantityKind::Trace, scalar, {});
  ir::Builder b(*m, m->init);
  b.write(k, b.constant(0.3, k->type));
  b.write(x, b.random(ir::OpKind::RandUniform, b.constant(-1, scalar), b.constant(1, scalar), x->type, 0));
  b.write(xbar, b.constant(0.0, xbar->type));
  b.write(w, b.random(ir::OpKind::RandNormal, b.constant(0, scalar), b.constant(0.2, scalar), w->type, 1));
  b.setRegion(m->trial);
  b.write(e, b.constant(0.1, e->type));
  b.write(acc, b.constant(0.0, scalar));
  b.setRegion(m->step);
  ir::Op *xv = b.read(x);
  ir::Op *ev = b.read(e);
  ir::Op *k0 = b.extract(b.read(k), {0}), *k1 = b.extract(b.read(k), {1});
  ir::Op *sq = b.binary(ir::OpKind::Mul, b.binary(ir::OpKind::Mul, b.constant(0.5, scalar), ev), ev);
  b.write(e, b.binary(ir::OpKind::Add, sq, b.binary(ir::OpKind::Mul, k0, b.outer(b.unary(ir::OpKind::Tanh, xv), xv))));
  ir::Op *drive = b.matvec(b.binary(ir::OpKind::Add, b.read(w), ev), xv);
  b.write(x, b.binary(ir::OpKind::Add, b.binary(ir::OpKind::Mul, k1, b.unary(ir::OpKind::Tanh, drive)),
                      b.binary(ir::OpKind::Mul, b.constant(0.5, scalar), xv)));
  b.write(xbar, b.binary(ir::OpKind::Add, b.read(xbar), b.read(x)));
  b.write(acc, b.binary(ir::OpKind::Add, b.read(acc), b.reduce(ir::OpKind::Sum, b.binary(ir::OpKind::Mul, ev, ev))));
  b.setRegion(m->reward);
  ir::Op *R = b.unary(ir::OpKind::Neg, b.read(acc), "R");
  b.write(w, b.binary(ir::OpKind::Add, b.read(w), b.binary(ir::OpKind::Mul, b.constant(0.01, scalar), b.read(e))));
  b.ret({R});
  EXPECT_TRUE(differentiate(*m));
  return m;
}

TEST(CodegenTest, ReadsOfOverwrittenValuesSeeOldValues) {
  auto m = hazardModel();
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12, 8, 3, 8);
  auto plain = buildJIT(*m, false, false);
  ASSERT_TRUE(plain);
  expectSameRun(*m, *plain, 1e-12, 8, 3, 8);
}

/// Continuous plasticity with the hazards it brings: the step writes the
/// plastic W and reads it again afterwards (the second matvec must see the
/// new W, the first the old), writes a baseline it read, and the reward
/// event writes W once more. Compiled (fused and unfused) equals the
/// interpreter, primal and tangents.
TEST(CodegenTest, WeightsWrittenInTheStepThenReadMatchInterpreter) {
  const char *source = R"(model step_hazards
dim N = 6
meta a = 0.4
meta c = 0.2
weight W[N, N] = normal(0, 0.3) plastic
state x[N] = uniform(-1, 1)
trace acc = 0
baseline b[N] = 0.1
step {
  h = tanh(W @ x)
  W[i, j] += a * 0.05 * h[i] * (x[j] - b[i] * W[i, j])
  x = tanh(W @ x + c * b)
  b += 0.1 * (x^2 - b)
  acc += sum(x * h)
}
reward R = -acc / 10 + sum(b)
on reward {
  W -= 0.02 * R * W
}
)";
  std::string path = tempDir() + "/step_hazards.plast", text;
  std::ofstream(path) << source;
  auto m = loadExample(path, text);
  ASSERT_TRUE(m);
  auto jit = buildJIT(*m);
  ASSERT_TRUE(jit);
  expectSameRun(*m, *jit, 1e-12, 8, 3, 8);
  auto plain = buildJIT(*m, false, false);
  ASSERT_TRUE(plain);
  expectSameRun(*m, *plain, 1e-12, 8, 3, 8);
}

TEST(CodegenTest, LibraryOfAnotherABIVersionIsRefused) {
  // A library that exports the entry points of ABI 3 (no
  // plasticc_set_trial_start) and speaks ABI version 99: the version is
  // what the message is about.
  std::string dir = tempDir(), c = dir + "/abi99.c", so = dir + "/abi99.so";
  {
    std::ofstream f(c);
    f << "#include \"plasticc/abi.h\"\n"
         "static const plasticc_model_info info = {99, 0, \"old\", \"\", 0, 0, 64, 64, 0, 0, 0, 0};\n"
         "const plasticc_model_info *plasticc_info(void) { return &info; }\n"
         "void plasticc_init(void *s, const double *m, uint64_t seed) { (void)s; (void)m; (void)seed; }\n"
         "void plasticc_begin_trial(void *s) { (void)s; }\n"
         "void plasticc_step(void *s, const double *i, const double *n) { (void)s; (void)i; (void)n; }\n"
         "void plasticc_step_primal(void *s, const double *i, const double *n) { (void)s; (void)i; (void)n; }\n"
         "double plasticc_end_trial(void *s, double *d) { (void)s; (void)d; return 0; }\n";
  }
  std::string cmd = "clang-19 -shared -fPIC -I" + std::string(PLASTICC_SOURCE_DIR) + "/include " + c + " -o " + so;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string error;
  EXPECT_FALSE(runtime::loadSharedLibrary(so, error));
  EXPECT_NE(error.find("ABI version mismatch"), std::string::npos) << error;
  EXPECT_NE(error.find("abi99.so"), std::string::npos) << error;
}

TEST(CodegenTest, HeaderHasTheDescriptorNumbers) {
  auto m = differentiatedReference();
  codegen::ModelDescriptor d = codegen::describeModel(*m, ir::ElemType::F64, "x");
  std::string h = codegen::emitHeader(d);
  EXPECT_NE(h.find("#define RNN_POLY_SMALL_STATE_BYTES " + std::to_string(d.stateBytes)), std::string::npos) << h;
  EXPECT_NE(h.find("#define RNN_POLY_SMALL_W_TANGENT_OFFSET"), std::string::npos) << h;
}

} // namespace
} // namespace plasticc

namespace plasticc {
namespace {

/// Mean and variance of element `i` of the noise vector over many steps.
std::pair<double, double> noiseMoments(const runtime::NoiseSampler &s, int64_t L, int64_t i,
                                       int64_t steps) {
  std::vector<double> noise(static_cast<size_t>(L));
  double sum = 0, sq = 0;
  for (int64_t t = 0; t < steps; ++t) {
    s.fill(11, 3, t, false, noise.data());
    sum += noise[static_cast<size_t>(i)];
    sq += noise[static_cast<size_t>(i)] * noise[static_cast<size_t>(i)];
  }
  double mean = sum / static_cast<double>(steps);
  return {mean, sq / static_cast<double>(steps) - mean * mean};
}

} // namespace

/// The descriptor of a .so and of the JIT carries each noise's distribution
/// as the interpreter's does, and the runtime draws from it: moments within
/// 4 standard errors, standard normal elements bit-identical to the draws
/// plasticc made before distributions existed.
TEST(NoiseSampler, DrawsWhatTheDescriptorSays) {
  std::string source;
  auto m = loadExample(std::string(PLASTICC_SOURCE_DIR) + "/tests/lit/lowering/noise-distributions.plast",
                       source);
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  auto so = buildSharedLibrary(*m, "noises");
  auto jit = buildJIT(*m);
  ASSERT_TRUE(so && jit);
  for (const runtime::ModelInfo *info : {&so->info(), &jit->info()})
    for (size_t k = 0; k < info->quantities.size(); ++k) {
      const runtime::QuantityInfo &a = interp.info().quantities[k], &b = info->quantities[k];
      SCOPED_TRACE(a.name);
      EXPECT_EQ(a.noiseDist, b.noiseDist);
      EXPECT_EQ(a.noiseA, b.noiseA);
      EXPECT_EQ(a.noiseB, b.noiseB);
    }
  const runtime::ModelInfo &info = so->info();
  ASSERT_EQ(info.noiseLength, 16); // xi, gate, amp, g: 4 each, in declaration order
  runtime::NoiseSampler s(info);
  const int64_t n = 40000;
  std::vector<double> noise(16);
  s.fill(11, 3, 7, false, noise.data());
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_EQ(noise[static_cast<size_t>(i)], random::normal(11, 3, static_cast<uint64_t>(7 * 16 + i), 0.0, 1.0));
  auto [pg, vg] = noiseMoments(s, 16, 5, n); // bernoulli(0.003)
  EXPECT_NEAR(pg, 0.003, 4 * std::sqrt(0.003 * 0.997 / n));
  auto [ma, va] = noiseMoments(s, 16, 9, n); // uniform(-16, 16): variance 32^2 / 12
  EXPECT_NEAR(ma, 0.0, 4 * std::sqrt(32.0 * 32.0 / 12 / n));
  EXPECT_NEAR(va, 32.0 * 32.0 / 12, 4 * 32.0 * 32.0 / 12 * std::sqrt(0.8 / n)); // var of u^2: 4/5 var^2
  auto [mg, vgauss] = noiseMoments(s, 16, 13, n); // normal(0.5, 4)
  EXPECT_NEAR(mg, 0.5, 4 * std::sqrt(4.0 / n));
  EXPECT_NEAR(vgauss, 4.0, 4 * 4.0 * std::sqrt(2.0 / n));
  for (int64_t t = 0; t < 200; ++t) { // values in their supports; mirror reflects about the centre
    std::vector<double> a(16), b(16);
    s.fill(2, 1, t, false, a.data());
    s.fill(2, 1, t, true, b.data());
    for (int64_t i = 4; i < 8; ++i)
      EXPECT_TRUE(a[static_cast<size_t>(i)] == 0.0 || a[static_cast<size_t>(i)] == 1.0);
    for (int64_t i = 8; i < 12; ++i) {
      EXPECT_GE(a[static_cast<size_t>(i)], -16.0);
      EXPECT_LT(a[static_cast<size_t>(i)], 16.0);
      EXPECT_DOUBLE_EQ(b[static_cast<size_t>(i)], -a[static_cast<size_t>(i)]);
    }
    EXPECT_DOUBLE_EQ(b[12], 1.0 - a[12]); // 2 * mean - x
  }
}

} // namespace plasticc

namespace plasticc {

namespace {

/// R and dR/dmeta after one trial of one step at meta = 0 (P of them), on
/// the interpreter, the JIT and a shared library of the model in `file`
/// (a lit test's model, no inputs or noise); `check` sees each backend's.
void oneStepOnEveryBackend(const std::string &file, const std::string &libName, int P,
                           const std::function<void(double R, const std::vector<double> &dR)> &check) {
  std::string source;
  auto m = loadExample(std::string(PLASTICC_SOURCE_DIR) + "/tests/lit/tangent/" + file, source);
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  auto jit = buildJIT(*m);
  auto so = buildSharedLibrary(*m, libName);
  ASSERT_TRUE(jit && so);
  for (runtime::Backend *b : {static_cast<runtime::Backend *>(&interp),
                              static_cast<runtime::Backend *>(jit.get()),
                              static_cast<runtime::Backend *>(so.get())}) {
    ASSERT_EQ(b->info().metaScalars, P);
    std::vector<char> state(static_cast<size_t>(b->info().stateBytes) + 64);
    void *s = state.data() + (64 - reinterpret_cast<uintptr_t>(state.data()) % 64) % 64;
    std::vector<double> meta(static_cast<size_t>(P), 0.0), dR(static_cast<size_t>(P), 0.0);
    b->init(s, meta.data(), 1);
    b->beginTrial(s);
    b->step(s, nullptr, nullptr);
    double R = b->endTrial(s, dR.data());
    check(R, dR);
  }
}

} // namespace

/// dR/da and dR/db of R = sqrt(-a) + log(-b) at a = b = 0, where -a and -b
/// are -0.0: the limit from inside the domain is -inf for both, in the
/// interpreter, the JIT and a shared library (issue 14; docs/tangents.md).
TEST(SignedZero, SqrtAndLogAtMinusZeroTakeTheLimitsSign) {
  oneStepOnEveryBackend("signed_zero.plast", "signed-zero", 2,
                        [](double R, const std::vector<double> &dR) {
                          EXPECT_EQ(R, -INFINITY); // sqrt(-0.0) = -0.0, log(-0.0) = -inf
                          EXPECT_EQ(dR[0], -INFINITY) << "d sqrt(-a)/da at a = 0";
                          EXPECT_EQ(dR[1], -INFINITY) << "d log(-b)/db at b = 0";
                        });
}

// The new functions at their domain edges, where an argument is -0.0 or
// exactly +-1 (tests/lit/tangent/domain_edges.plast, docs/tangents.md
// "Signed zero"): interpreter, JIT and library give the same values, and
// each tangent has the sign of its limit from inside the domain. (log1p at
// -1 makes R -inf, so it is checked on its own, in
// FunctionDomainEdgesMatchInterpreter and GradCheck.ConventionsAt...)
TEST(SignedZero, FunctionsAtDomainEdges) {
  oneStepOnEveryBackend("domain_edges.plast", "domain-edges", 5,
                        [](double R, const std::vector<double> &dR) {
    // asin(1) + acos(-1) + atan2(-0.0, -1) + (softplus(1000) - 1000) + sign(+0)
    EXPECT_EQ(R, (M_PI_2 + M_PI) + -M_PI) << "atan2(-0.0, -1) = -pi, sign(0) = 0";
    EXPECT_EQ(dR[0], -INFINITY) << "d asin(1 - a)/da at a = 0";
    EXPECT_EQ(dR[1], -INFINITY) << "d acos(b - 1)/db at b = 0";
    EXPECT_EQ(dR[2], 1.0) << "d atan2(-d, -1)/dd at d = 0: -1 * -1";
    EXPECT_EQ(dR[3], 1.0) << "d softplus(1000 + e)/de: sigmoid(1000)";
    EXPECT_EQ(dR[4], 0.0) << "sign, floor, ceil: no tangent";
  });
}

} // namespace plasticc

//===- tests/unit/TrialStartTest.cpp - setting states from outside --------===//
//
// plasticc_set_trial_start (include/plasticc/abi.h): a caller copies the
// drawn quantities of network B (x, W, Win) into network A. Without the
// call the trials of A are not those of B: a state's value written alone is
// lost at the next trial start, and a start copy written alone leaves the
// states derived from it (xbar = x, r0 = tanh(2 x)) at A's old values. With
// the call A's trials are B's, R and dR/dmeta bit for bit, in the
// interpreter and in JIT-compiled code. A state with a constant initialiser
// keeps what the caller wrote, and right after init the call changes no byte
// of any example model.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Sema.h"
#include "compiler/lowering/LowerToDialect.h"
#include "compiler/transforms/Tangent.h"
#include "runtime/Interpreter.h"
#include "runtime/Objective.h"
#include "runtime/jit/JIT.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace plasticc {
namespace {

const char *kSource = R"(model restart
dim N = 5
dim I = 1
meta a = 0.5
input u[I]
noise xi[N]
state x[N] = uniform(-0.5, 0.5)
state xbar[N] = x
state r0[N] = tanh(2 * x)
state c[N] = 0.25
weight W[N, N] = normal(0, 1 / N) plastic
weight Win[N, I] = uniform(-1, 1)
trace e[N, N] = 0
trace acc = 0
step {
  r = tanh(x)
  e[i, j] += a * r[j] * (x[i] - xbar[i])
  x += 0.1 * (-x + W @ r + Win @ u + r0 + c) + 0.05 * xi
  xbar = 0.8 * xbar + 0.2 * x
  acc += sum(x^2)
}
reward R = -acc / 10
on reward { W += 0.05 * R * e }
)";

std::unique_ptr<ir::Module> compile(const std::string &path, const std::string &text) {
  auto file = std::make_shared<SourceFile>(path, text);
  std::ostringstream diagText;
  DiagnosticEngine diag(file, diagText);
  auto ast = parseSource(*file, diag);
  if (!ast || diag.hasErrors() || !checkModule(*ast, diag)) {
    ADD_FAILURE() << diagText.str();
    return nullptr;
  }
  auto m = lowerToDialect(*ast);
  EXPECT_TRUE(transforms::computeTangents(*m, diag)) << diagText.str();
  return m;
}

std::unique_ptr<runtime::Backend> jit(const ir::Module &m) {
  std::string error;
  auto b = runtime::jitCompile(m, "source of " + m.name, codegen::NativeOptions{}, error);
  EXPECT_TRUE(b) << error;
  return b;
}

double *at(runtime::Backend &b, void *state, const char *name, bool startCopy = false) {
  const runtime::QuantityInfo *q = b.info().find(name);
  EXPECT_TRUE(q) << name;
  return reinterpret_cast<double *>(static_cast<char *>(state) +
                                    (startCopy ? q->initOffset : q->offset));
}

void copyValue(runtime::Backend &b, void *from, void *to, const char *name, bool startCopy = false) {
  int64_t n = b.info().find(name)->numElements();
  std::memcpy(at(b, to, name, startCopy), at(b, from, name, startCopy), n * sizeof(double));
}

/// R and dR/dmeta of two trials of 12 steps, with fixed inputs and noise.
std::vector<double> twoTrials(runtime::Backend &b, void *state) {
  std::vector<double> out, u(b.info().inputLength), xi(b.info().noiseLength), dR(b.info().metaScalars);
  for (int trial = 0; trial < 2; ++trial) {
    b.beginTrial(state);
    for (int t = 0; t < 12; ++t) {
      for (size_t k = 0; k < u.size(); ++k)
        u[k] = 0.3 * ((t + trial) % 3) - 0.2;
      for (size_t k = 0; k < xi.size(); ++k)
        xi[k] = 0.1 * static_cast<double>((7 * t + 3 * k + trial) % 11) - 0.5;
      b.step(state, u.data(), xi.data());
    }
    out.push_back(b.endTrial(state, dR.data()));
    out.insert(out.end(), dR.begin(), dR.end());
  }
  return out;
}

enum class Write { ValueOnly, ValueAndStartCopy, ValueThenSetTrialStart };

/// Network 1 with network 2's x, W and Win written into it as `how` says;
/// returns its two trials.
std::vector<double> writtenInto(runtime::Backend &b, Write how) {
  runtime::StateBuffer one(b.info()), two(b.info());
  b.init(one.data(), nullptr, 1);
  b.init(two.data(), nullptr, 2);
  for (const char *w : {"x", "W", "Win"})
    copyValue(b, two.data(), one.data(), w);
  if (how == Write::ValueAndStartCopy)
    copyValue(b, two.data(), one.data(), "x", true);
  if (how == Write::ValueThenSetTrialStart)
    b.setTrialStart(one.data());
  return twoTrials(b, one.data());
}

std::vector<double> networkTwo(runtime::Backend &b) {
  runtime::StateBuffer two(b.info());
  b.init(two.data(), nullptr, 2);
  return twoTrials(b, two.data());
}

void expectTrapAndRemedy(runtime::Backend &b) {
  std::vector<double> want = networkTwo(b);
  EXPECT_NE(writtenInto(b, Write::ValueOnly), want) << "the write of x was not lost";
  EXPECT_NE(writtenInto(b, Write::ValueAndStartCopy), want) << "xbar and r0 followed x";
  EXPECT_EQ(writtenInto(b, Write::ValueThenSetTrialStart), want);
}

TEST(TrialStart, WithoutTheCallTheWriteIsLostOrHalfDoneWithItTheNetworkIsTheOneDrawn) {
  auto m = compile("restart.plast", kSource);
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  {
    SCOPED_TRACE("interpreter");
    expectTrapAndRemedy(interp);
  }
  auto compiled = jit(*m);
  ASSERT_TRUE(compiled);
  SCOPED_TRACE("JIT");
  expectTrapAndRemedy(*compiled);
}

TEST(TrialStart, AStateWithAConstantInitialiserKeepsWhatTheCallerWrote) {
  auto m = compile("restart.plast", kSource);
  ASSERT_TRUE(m);
  runtime::Interpreter interp(*m);
  auto compiled = jit(*m);
  ASSERT_TRUE(compiled);
  for (runtime::Backend *b : {static_cast<runtime::Backend *>(&interp), compiled.get()}) {
    runtime::StateBuffer s(b->info());
    b->init(s.data(), nullptr, 1);
    double x0 = at(*b, s.data(), "x")[0];
    at(*b, s.data(), "c")[3] = 0.7;
    at(*b, s.data(), "x")[0] = 0.4;
    b->setTrialStart(s.data());
    b->beginTrial(s.data());
    EXPECT_EQ(at(*b, s.data(), "c")[3], 0.7);
    EXPECT_EQ(at(*b, s.data(), "c")[2], 0.25);
    EXPECT_EQ(at(*b, s.data(), "x")[0], 0.4);
    EXPECT_EQ(at(*b, s.data(), "xbar")[0], 0.4) << "was " << x0;
    EXPECT_EQ(at(*b, s.data(), "r0")[0], std::tanh(2 * 0.4));
  }
}

TEST(TrialStart, RightAfterInitTheCallChangesNothingInAnyExample) {
  std::vector<std::string> paths;
  for (auto &entry : std::filesystem::directory_iterator(std::string(PLASTICC_SOURCE_DIR) + "/examples"))
    if (entry.path().extension() == ".plast")
      paths.push_back(entry.path().string());
  ASSERT_GE(paths.size(), 1u);
  for (const std::string &path : paths) {
    SCOPED_TRACE(path);
    std::string err;
    auto file = SourceFile::read(path, err);
    ASSERT_TRUE(file) << err;
    auto m = compile(path, file->text());
    ASSERT_TRUE(m);
    runtime::Interpreter interp(*m);
    auto compiled = jit(*m);
    ASSERT_TRUE(compiled);
    for (runtime::Backend *b : {static_cast<runtime::Backend *>(&interp), compiled.get()}) {
      int64_t bytes = b->info().stateBytes;
      runtime::StateBuffer s(b->info()), copy(b->info());
      b->init(s.data(), nullptr, 5);
      std::memcpy(copy.data(), s.data(), bytes);
      b->setTrialStart(s.data());
      EXPECT_EQ(std::memcmp(copy.data(), s.data(), bytes), 0);
    }
  }
}

} // namespace
} // namespace plasticc

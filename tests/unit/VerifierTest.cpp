//===- tests/unit/VerifierTest.cpp - one test per verifier rule -----------===//
//
// Starts from well-formed sample modules (which must verify clean), breaks
// exactly one rule, and checks that the verifier reports it, on the right
// op, with a message that names the problem.
//
//===----------------------------------------------------------------------===//
#include "DialectSamples.h"
#include "dialect/Printer.h"
#include "dialect/Verifier.h"

#include <gtest/gtest.h>

using namespace plasticc;
using namespace plasticc::ir;

namespace {

/// Checks that verify(m) reports `message` (a substring) on `op`, and
/// nothing unrelated unless `only` is false.
void expectFinding(const Module &m, const Op *op, const std::string &message, bool only = true) {
  auto errors = verify(m);
  std::string all;
  for (const auto &e : errors)
    all += "  " + e.message + "\n";
  bool found = false;
  for (const auto &e : errors)
    found = found || (e.op == op && e.message.find(message) != std::string::npos);
  EXPECT_TRUE(found) << "wanted: " << message << "\ngot:\n" << all << printModule(m);
  if (only) {
    EXPECT_EQ(errors.size(), 1u) << all;
  }
}

std::unique_ptr<Module> fresh() { return samples::miniModel(false); }

/// A module with only what the verifier requires: an empty reward `ret 0`.
std::unique_ptr<Module> bare() {
  auto m = std::make_unique<Module>();
  m->name = "bare";
  Builder b(*m, m->reward);
  b.ret({b.constant(0, Type::scalar(), "R")});
  return m;
}

Op *find(Region &r, OpKind kind, int nth = 0) {
  for (auto &op : r.ops)
    if (op->kind == kind && nth-- == 0)
      return op.get();
  return nullptr;
}

/// Moves the last op of `r` (just built) to position `at`.
void moveLastTo(Region &r, size_t at) {
  auto op = std::move(r.ops.back());
  r.ops.pop_back();
  r.ops.insert(r.ops.begin() + static_cast<std::ptrdiff_t>(at), std::move(op));
}

} // namespace

TEST(Verifier, SamplesAreWellFormed) {
  std::vector<std::unique_ptr<Module>> modules;
  modules.push_back(samples::miniModel());
  modules.push_back(samples::miniModel(false));
  modules.push_back(samples::miniModelWithTangents());
  modules.push_back(bare());
  for (const auto &m : modules) {
    auto errors = verify(*m);
    for (const auto &e : errors)
      ADD_FAILURE() << e.message;
  }
}

// --- dominance ------------------------------------------------------------

TEST(Verifier, OperandMustBeDefinedBeforeItsUse) {
  auto m = fresh();
  Builder b(*m, m->step);
  Op *x = find(m->step, OpKind::Read);
  Op *n = b.unary(OpKind::Neg, x);
  Op *use = b.unary(OpKind::Exp, n);
  moveLastTo(m->step, 0); // the exp now comes before the neg
  expectFinding(*m, use, "operand 0 of 'exp' is not defined before its use in region 'step'");
}

TEST(Verifier, ValuesDoNotCrossRegions) {
  auto m = fresh();
  Builder b(*m, m->reward);
  Op *stepValue = find(m->step, OpKind::Tanh);
  Op *use = b.unary(OpKind::Neg, stepValue);
  moveLastTo(m->reward, 0);
  expectFinding(*m, use, "is defined in region 'step'; values do not cross regions");
}

TEST(Verifier, OperandMustExistAndHaveAResult) {
  auto m = fresh();
  Op *tanh = find(m->step, OpKind::Tanh);
  tanh->operands[0] = nullptr;
  expectFinding(*m, tanh, "operand 0 of 'tanh' is missing", false);
  tanh->operands[0] = find(m->step, OpKind::Write);
  expectFinding(*m, tanh, "is 'write', which has no result", false);
}

// --- types ----------------------------------------------------------------

TEST(Verifier, ResultTypeAgreesWithInferType) {
  auto m = fresh();
  Op *tanh = find(m->step, OpKind::Tanh);
  tanh->type = Type::vector(4);
  expectFinding(*m, tanh, "'tanh' has type f64[4], but its operands and attributes give f64[3]",
                false);
}

TEST(Verifier, InferTypeFailureIsReportedWithItsMessage) {
  auto m = fresh();
  Op *outer = find(m->step, OpKind::Outer);
  outer->operands[1] = find(m->step, OpKind::Read, 1); // theta, a matrix
  expectFinding(*m, outer, "'outer': outer needs two vectors, got [3] vs [2,2]");
}

TEST(Verifier, ReadHasTheQuantitysType) {
  auto m = fresh();
  Op *read = find(m->step, OpKind::Read);
  read->type = Type::scalar();
  expectFinding(*m, read, "'read' has type f64, but its operands and attributes give f64[3]",
                false);
}

TEST(Verifier, WriteStoresTheQuantitysType) {
  auto m = fresh();
  Op *write = find(m->step, OpKind::Write, 1); // write @z
  write->operands[0] = find(m->step, OpKind::Extract); // a scalar
  expectFinding(*m, write, "'write' of f64 to '@z', which needs f64[3]");
}

// --- quantities -----------------------------------------------------------

TEST(Verifier, QuantityOpsNameAQuantityOfThisModule) {
  auto m = fresh();
  Op *read = find(m->step, OpKind::Read);
  read->quantity = nullptr;
  expectFinding(*m, read, "'read' names no quantity");
  auto other = fresh();
  read->quantity = other->lookup("x");
  expectFinding(*m, read, "names '@x', which is not in this module");
}

TEST(Verifier, OtherOpsNameNoQuantity) {
  auto m = fresh();
  Op *tanh = find(m->step, OpKind::Tanh);
  tanh->quantity = m->lookup("x");
  expectFinding(*m, tanh, "'tanh' names a quantity ('@x') but takes none");
}

TEST(Verifier, InputsAndNoiseAreReadOnlyInTheStep) {
  auto m = fresh();
  Builder b(*m, m->reward);
  Op *read = b.read(m->lookup("u"));
  moveLastTo(m->reward, 0);
  expectFinding(*m, read, "'read' of input '@u' in region 'reward'");
}

// --- write permissions per region -----------------------------------------

TEST(Verifier, StepWritesNoFixedWeightOrMeta) {
  auto m = fresh();
  Quantity *fixed = m->addQuantity("Win", QuantityKind::Weight, Type::vector(3), {});
  Builder b(*m, m->step);
  Op *write = b.write(fixed, b.constant(1, fixed->type));
  expectFinding(*m, write,
                "'write' of weight '@Win' in region 'step' (step writes states, traces, outputs, "
                "plastic weights and baselines)");
}

TEST(Verifier, StepMayWritePlasticWeightsAndBaselines) {
  // Continuous plasticity: W (plastic) and Rbar change in the step.
  auto m = fresh();
  Builder b(*m, m->step);
  Op *w = b.read(m->lookup("W"));
  b.write(m->lookup("W"), b.binary(OpKind::Mul, w, b.constant(0.5, Type::scalar())));
  b.write(m->lookup("Rbar"), b.constant(0.25, Type::scalar()));
  EXPECT_TRUE(verify(*m).empty());
}

TEST(Verifier, RewardWritesOnlyPlasticWeightsAndBaselines) {
  auto m = fresh();
  Quantity *fixed = m->addQuantity("Wout", QuantityKind::Weight, Type::vector(3), {});
  Builder b(*m, m->reward);
  Op *v = b.constant(1, fixed->type);
  Op *write = b.write(fixed, v);
  moveLastTo(m->reward, 0);
  moveLastTo(m->reward, 0);
  expectFinding(*m, write, "'write' of weight '@Wout' in region 'reward'");
  write->quantity = m->lookup("x");
  write->operands[0]->type = Type::vector(3);
  expectFinding(*m, write, "'write' of state '@x' in region 'reward'");
}

TEST(Verifier, TrialWritesOnlyTracesAndOutputs) {
  auto m = fresh();
  Builder b(*m, m->trial);
  Op *v = b.constant(0, Type::vector(3));
  Op *write = b.write(m->lookup("x"), v);
  expectFinding(*m, write, "'write' of state '@x' in region 'trial' (trial writes traces");
}

TEST(Verifier, InitWritesAllButInputsAndNoise) {
  auto m = fresh();
  Builder b(*m, m->init);
  Op *v = b.constant(0, Type::vector(3));
  Op *ok = b.write(m->lookup("z"), v);
  Op *bad = b.write(m->lookup("xi"), v);
  expectFinding(*m, bad, "'write' of noise '@xi' in region 'init'");
  (void)ok;
}

TEST(Verifier, OneWritePerQuantityPerRegion) {
  auto m = fresh();
  Builder b(*m, m->step);
  Op *v = b.constant(0, Type::vector(3));
  Op *second = b.write(m->lookup("z"), v);
  expectFinding(*m, second, "second 'write' of output '@z' in region 'step'");
}

// --- random draws ---------------------------------------------------------

TEST(Verifier, RandomDrawsOnlyInInit) {
  auto m = fresh();
  Builder b(*m, m->step);
  Op *lo = b.constant(0, Type::scalar());
  Op *hi = b.constant(1, Type::scalar());
  Op *draw = b.random(OpKind::RandUniform, lo, hi, Type::vector(3), 7);
  expectFinding(*m, draw, "'random.uniform' outside the init region (in 'step')");
}

// --- ret ------------------------------------------------------------------

TEST(Verifier, RewardRegionEndsWithRet) {
  auto m = fresh();
  m->reward.ops.pop_back();
  expectFinding(*m, m->reward.ops.back().get(), "the reward region must end with 'ret'");
  m->reward.ops.clear();
  expectFinding(*m, nullptr, "the reward region must end with 'ret'");
}

TEST(Verifier, RetIsTheLastOp) {
  auto m = fresh();
  Op *ret = m->reward.ops.back().get();
  moveLastTo(m->reward, 0);
  ret->operands.clear();
  expectFinding(*m, ret, "'ret' must be the last op of region 'reward'", false);
}

TEST(Verifier, RetOutsideRewardReturnsNothing) {
  auto m = fresh();
  Builder b(*m, m->step);
  Op *v = b.constant(1, Type::scalar());
  Op *ret = b.ret({v});
  expectFinding(*m, ret, "'ret' in region 'step' returns no values");
  ret->operands.clear();
  EXPECT_TRUE(verify(*m).empty()); // an empty ret may end any region
}

TEST(Verifier, RewardReturnsAPrimalScalar) {
  auto m = fresh();
  Op *ret = m->reward.ops.back().get();
  ret->operands = {find(m->reward, OpKind::Read, 4)}; // @e, a matrix
  expectFinding(*m, ret, "the reward region must return one value, R : f64");
}

TEST(Verifier, RewardReturnsItsTangentOnceThereAreLanes) {
  auto m = samples::miniModelWithTangents();
  Op *ret = m->reward.ops.back().get();
  ret->operands.pop_back();
  expectFinding(*m, ret, "the reward region must return R : f64 and its tangent dR : f64<4>");
}

// --- tangents -------------------------------------------------------------

TEST(Verifier, TangentOpsNeedLanes) {
  auto m = fresh();
  m->lookup("x")->hasTangent = true;
  Builder b(*m, m->step);
  Op *dx = b.create(OpKind::ReadTangent, {}, {}, Type::vector(3).withLanes(4), m->lookup("x"));
  expectFinding(*m, dx, "'read.tangent' of state '@x' in a module without tangent lanes", false);
}

TEST(Verifier, TangentWritesNeedATangent) {
  auto m = samples::miniModelWithTangents();
  Quantity *z = m->lookup("z");
  Builder b(*m, m->step);
  Op *dz = b.constant(0, z->type.withLanes(m->lanes));
  Op *write = b.writeTangent(z, dz);
  expectFinding(*m, write, "'write.tangent' of output '@z', which has no tangent");
}

TEST(Verifier, TangentWritesFollowRegionPermissions) {
  auto m = samples::miniModelWithTangents();
  Quantity *x = m->lookup("x");
  Builder b(*m, m->reward);
  Op *dx = b.constant(0, x->type.withLanes(m->lanes));
  Op *write = b.writeTangent(x, dx);
  moveLastTo(m->reward, 0);
  moveLastTo(m->reward, 0);
  expectFinding(*m, write, "'write.tangent' of state '@x' in region 'reward'");
}

TEST(Verifier, MetaTangentsAreNotStored) {
  auto m = samples::miniModelWithTangents();
  Quantity *theta = m->lookup("theta");
  Builder b(*m, m->init);
  Op *d = b.constant(0, theta->type.withLanes(m->lanes));
  Op *write = b.writeTangent(theta, d);
  expectFinding(*m, write, "a meta tangent is the identity seed and is not stored");
}

TEST(Verifier, OneTangentWritePerQuantityPerRegion) {
  auto m = samples::miniModelWithTangents();
  Quantity *x = m->lookup("x");
  Builder b(*m, m->step);
  Op *d = b.constant(0, x->type.withLanes(m->lanes));
  Op *write = b.writeTangent(x, d);
  expectFinding(*m, write, "second 'write.tangent' of state '@x' in region 'step'");
}

TEST(Verifier, ReadTangentNeedsATangentOrMeta) {
  auto m = samples::miniModelWithTangents();
  Builder b(*m, m->step);
  Op *ok = b.readTangent(m->lookup("theta")); // meta: the identity seed
  Op *bad = b.readTangent(m->lookup("e"));
  expectFinding(*m, bad, "'read.tangent' of trace '@e', which has no tangent");
  (void)ok;
}

TEST(Verifier, LanesAreZeroOrTheNumberOfMetaScalars) {
  auto m = bare();
  m->addQuantity("theta", QuantityKind::Meta, Type::vector(3), {});
  m->lanes = 2;
  auto errors = verify(*m);
  bool found = false;
  for (const auto &e : errors)
    found = found || (e.op == nullptr &&
                      e.message == "module lanes 2 differ from the number of meta scalars, 3 "
                                   "(lanes are 0 or P)");
  EXPECT_TRUE(found);
}

// --- declarations ---------------------------------------------------------

TEST(Verifier, OnlyWeightsArePlastic) {
  auto m = bare();
  m->addQuantity("s", QuantityKind::State, Type::scalar(), {}, true);
  expectFinding(*m, nullptr, "state '@s' is plastic, but only weights can be");
}

TEST(Verifier, QuantityNamesAreUniqueAndPrintable) {
  auto m = bare();
  m->addQuantity("s", QuantityKind::State, Type::scalar(), {});
  m->addQuantity("s", QuantityKind::Trace, Type::scalar(), {});
  expectFinding(*m, nullptr, "quantity '@s' is declared twice");
  auto n = bare();
  n->addQuantity("a b", QuantityKind::State, Type::scalar(), {});
  expectFinding(*n, nullptr, "quantity name 'a b' is not a name");
}

TEST(Verifier, QuantityTypesArePrimal) {
  auto m = bare();
  Quantity *q = m->addQuantity("s", QuantityKind::State, Type::scalar(), {});
  q->type.lanes = 3;
  expectFinding(*m, nullptr, "has a tangent type f64<3>; quantity types are primal");
}

TEST(Verifier, DimsArePositiveUniqueIdentifiers) {
  auto m = bare();
  m->dims = {{"N", 3}, {"N", 4}, {"M", 0}, {"2x", 1}};
  auto errors = verify(*m);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "dim 'N' is declared twice");
  EXPECT_EQ(errors[1].message, "dim 'M' must be positive, got 0");
  EXPECT_EQ(errors[2].message, "dim name '2x' is not an identifier");
}

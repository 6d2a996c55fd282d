//===- dialect/IR.cpp - op tables, types and module helpers ---------------===//
#include "dialect/IR.h"

#include <cstring>

namespace plasticc::ir {

namespace {
struct OpInfo {
  const char *mnemonic;
  int numOperands;
  OpFamily family;
  const char *summary;
};
constexpr OpInfo kOpTable[] = {
#define OP(Enum, Mnemonic, NumOperands, Family, Summary)                       \
  {Mnemonic, NumOperands, OpFamily::Family, Summary},
#include "dialect/Ops.def"
};
const OpInfo &info(OpKind kind) { return kOpTable[static_cast<size_t>(kind)]; }

constexpr const char *kQuantityKindNames[] = {"meta",  "param", "input",    "noise", "state",
                                              "weight", "trace", "baseline", "output"};
} // namespace

const char *mnemonic(OpKind kind) { return info(kind).mnemonic; }
OpFamily family(OpKind kind) { return info(kind).family; }
int numOperands(OpKind kind) { return info(kind).numOperands; }
const char *summary(OpKind kind) { return info(kind).summary; }

bool hasDerivative(OpKind kind) {
  if (family(kind) != OpFamily::Unary)
    return true;
  switch (kind) {
#define UNARY_JVP(Enum, Partial, Product) case OpKind::Enum:
#include "dialect/Ops.def"
    return true;
  default: return false;
  }
}

bool opKindFromMnemonic(const std::string &m, OpKind &kind) {
  for (size_t i = 0; i < std::size(kOpTable); ++i)
    if (m == kOpTable[i].mnemonic) {
      kind = static_cast<OpKind>(i);
      return true;
    }
  return false;
}

const char *noiseDistName(NoiseDist::Kind kind) {
  switch (kind) {
  case NoiseDist::Normal: return "normal";
  case NoiseDist::Uniform: return "uniform";
  case NoiseDist::Bernoulli: return "bernoulli";
  }
  return "?";
}

const char *quantityKindName(QuantityKind kind) {
  return kQuantityKindNames[static_cast<size_t>(kind)];
}

bool quantityKindFromName(const std::string &name, QuantityKind &kind) {
  for (size_t i = 0; i < std::size(kQuantityKindNames); ++i)
    if (name == kQuantityKindNames[i]) {
      kind = static_cast<QuantityKind>(i);
      return true;
    }
  return false;
}

std::string Type::shapeStr() const {
  if (rank == 0)
    return "scalar";
  std::string s = "[" + std::to_string(dims[0]);
  if (rank == 2)
    s += "," + std::to_string(dims[1]);
  return s + "]";
}

std::string Type::str() const {
  std::string s = elem == ElemType::F64 ? "f64" : "f32";
  if (lanes > 0)
    s += "<" + std::to_string(lanes) + ">";
  if (rank > 0)
    s += shapeStr();
  return s;
}

Quantity *Module::lookup(const std::string &n) const {
  for (auto &q : quantities)
    if (q->name == n)
      return q.get();
  return nullptr;
}

const char *estimatorName(Estimator e) { return e == Estimator::Score ? "score" : "pathwise"; }

Quantity *Module::scoreQuantity() const {
  for (const auto &q : quantities)
    if (q->score)
      return q.get();
  return nullptr;
}

Quantity *Module::addQuantity(std::string n, QuantityKind kind, Type type, Loc loc, bool plastic) {
  PLASTICC_INTERNAL_ASSERT(type.lanes == 0, "quantity types are primal");
  quantities.push_back(std::make_unique<Quantity>(Quantity{std::move(n), kind, type, plastic, false, loc, false, NoiseDist{}}));
  return quantities.back().get();
}

int64_t Module::numMetaScalars() const {
  int64_t p = 0;
  for (auto &q : quantities)
    if (q->kind == QuantityKind::Meta)
      p += q->type.numElements();
  return p;
}

int64_t Module::metaOffset(const Quantity *target) const {
  int64_t p = 0;
  for (auto &q : quantities) {
    if (q.get() == target)
      return p;
    if (q->kind == QuantityKind::Meta)
      p += q->type.numElements();
  }
  PLASTICC_INTERNAL_ASSERT(false, "metaOffset of a quantity not in the module");
}

} // namespace plasticc::ir

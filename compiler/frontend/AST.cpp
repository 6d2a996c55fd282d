//===- compiler/frontend/AST.cpp - names and helpers of the syntax tree ---===//
//
// Spelling tables (operators, builtins, units, quantity kinds) shared by the
// parser, Sema, the AST printer and diagnostics, and the small helpers of
// Shape, Unit and Module.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/AST.h"

#include <iterator>

namespace plasticc::ast {

std::string Shape::str() const {
  if (rank == 0)
    return "scalar";
  std::string s = "[" + std::to_string(dims[0]);
  if (rank == 2)
    s += "," + std::to_string(dims[1]);
  return s + "]";
}

std::string Unit::str() const {
  if (seconds == 0)
    return "dimensionless";
  if (seconds == 1)
    return "s";
  if (seconds == -1)
    return "1/s";
  if (seconds > 0)
    return "s^" + std::to_string(seconds);
  return "1/s^" + std::to_string(-static_cast<int64_t>(seconds));
}

const char *unitSuffixName(UnitSuffix suffix) {
  switch (suffix) {
  case UnitSuffix::None:
    return "";
  case UnitSuffix::Millisecond:
    return "ms";
  case UnitSuffix::Second:
    return "s";
  case UnitSuffix::Hertz:
    return "Hz";
  }
  return "";
}

double unitSuffixScale(UnitSuffix suffix) { return suffix == UnitSuffix::Millisecond ? 1e-3 : 1.0; }

Unit unitOfSuffix(UnitSuffix suffix) {
  switch (suffix) {
  case UnitSuffix::None:
    return Unit{0};
  case UnitSuffix::Millisecond:
  case UnitSuffix::Second:
    return Unit{1};
  case UnitSuffix::Hertz:
    return Unit{-1};
  }
  return Unit{0};
}

const char *binaryOpSpelling(BinaryOp op) {
  static constexpr const char *kSpelling[] = {"<", "<=", ">", ">=", "==", "!=",
                                              "+", "-",  "*", "/",  "@",  "^"};
  return kSpelling[static_cast<size_t>(op)];
}

bool isComparison(BinaryOp op) { return op <= BinaryOp::Ne; }

namespace {
struct BuiltinInfo {
  const char *name;
  int arity;
  BuiltinUnits units;
};
// The name and arity of each dialect op, from the op table, for the
// builtins that are one op (the front end does not link the dialect).
struct OpSpelling {
  const char *name;
  int arity;
};
#define OP(Enum, Mnemonic, NumOperands, Family, Summary)                                           \
  constexpr OpSpelling k##Enum{Mnemonic, NumOperands};
#include "dialect/Ops.def"
// In the order of the Builtin enum.
constexpr BuiltinInfo kBuiltins[] = {
#define FUNCTION(Enum, Units) {k##Enum.name, k##Enum.arity, BuiltinUnits::Units},
#include "dialect/Ops.def"
    {"pow", 2, BuiltinUnits::Special},     {"clip", 3, BuiltinUnits::Same},
    {"select", 3, BuiltinUnits::Special},  {"sum", 1, BuiltinUnits::Special},
    {"count", 1, BuiltinUnits::Special},   {"mean", 1, BuiltinUnits::Special},
    {"normal", 2, BuiltinUnits::Special},  {"uniform", 2, BuiltinUnits::Special},
    {"bernoulli", 1, BuiltinUnits::Special},
};
static_assert(std::size(kBuiltins) == static_cast<size_t>(Builtin::Bernoulli) + 1,
              "one kBuiltins row per Builtin");
} // namespace

const char *builtinName(Builtin fn) { return kBuiltins[static_cast<size_t>(fn)].name; }
int builtinArity(Builtin fn) { return kBuiltins[static_cast<size_t>(fn)].arity; }
BuiltinUnits builtinUnits(Builtin fn) { return kBuiltins[static_cast<size_t>(fn)].units; }

std::string builtinNames() {
  std::string names;
  for (const BuiltinInfo &b : kBuiltins)
    names += (names.empty() ? "" : " ") + std::string(b.name);
  return names;
}

bool builtinFromName(std::string_view name, Builtin &fn) {
  for (size_t i = 0; i < std::size(kBuiltins); ++i)
    if (name == kBuiltins[i].name) {
      fn = static_cast<Builtin>(i);
      return true;
    }
  return false;
}

const char *assignOpSpelling(AssignOp op) {
  switch (op) {
  case AssignOp::Set: return "=";
  case AssignOp::AddTo: return "+=";
  case AssignOp::SubFrom: return "-=";
  case AssignOp::MulBy: return "*=";
  case AssignOp::DivBy: return "/=";
  }
  return "?";
}

const char *quantityKindName(QuantityKind kind) {
  static constexpr const char *kNames[] = {"meta",   "param", "input",    "noise", "state",
                                           "weight", "trace", "baseline", "output"};
  return kNames[static_cast<size_t>(kind)];
}

const BlockDecl *Module::step() const {
  for (auto &d : decls)
    if (d->kind == DeclKind::Step)
      return static_cast<const BlockDecl *>(d.get());
  return nullptr;
}

const BlockDecl *Module::event() const {
  for (auto &d : decls)
    if (d->kind == DeclKind::Event)
      return static_cast<const BlockDecl *>(d.get());
  return nullptr;
}

const RewardDecl *Module::reward() const {
  for (auto &d : decls)
    if (auto *r = dyn<RewardDecl>(d.get()))
      return r;
  return nullptr;
}

} // namespace plasticc::ast

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
};
constexpr BuiltinInfo kBuiltins[] = {
    {"tanh", 1}, {"exp", 1},  {"log", 1},   {"sqrt", 1},   {"abs", 1},   {"sigmoid", 1},
    {"relu", 1}, {"pow", 2},  {"min", 2},   {"max", 2},    {"clip", 3},  {"select", 3},
    {"sum", 1},  {"count", 1}, {"mean", 1}, {"normal", 2}, {"uniform", 2},
    {"bernoulli", 1},
};
} // namespace

const char *builtinName(Builtin fn) { return kBuiltins[static_cast<size_t>(fn)].name; }
int builtinArity(Builtin fn) { return kBuiltins[static_cast<size_t>(fn)].arity; }

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

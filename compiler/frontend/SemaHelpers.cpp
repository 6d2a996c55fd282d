//===- compiler/frontend/SemaHelpers.cpp - imported C++ helpers -----------===//
//
// The Sema side of `extern` (docs/language.md "Imports"): every extern's
// file is lifted by CppImport before any declaration is checked, so that
// initialisers, the step and the reward may all call helpers. A call is
// checked like an elementwise built-in (arity, arguments of equal shapes or
// scalars, broadcast) with one rule of its own: C++ has no units, so the
// arguments must be dimensionless, and so is the result. Each call then
// gets its own instance of the helper's body: the parameters become
// Symbols bound to the call's arguments, the lets Symbols bound to their
// values, and the instance is checked in place, so shapes and statement
// axes are this call's. Lowering inlines the instance.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/SemaImpl.h"

#include "compiler/frontend/CppImport.h"

namespace plasticc::sema {

namespace {

/// Most expression nodes all helper calls of a model inline to together
/// (nested calls multiply): beyond it the model is refused, not compiled
/// for minutes.
constexpr size_t kMaxInlinedNodes = 100000;

size_t countNodes(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Unary:
    return 1 + countNodes(*static_cast<const UnaryExpr &>(e).operand);
  case ExprKind::Binary:
    return 1 + countNodes(*static_cast<const BinaryExpr &>(e).lhs) +
           countNodes(*static_cast<const BinaryExpr &>(e).rhs);
  case ExprKind::Call: {
    size_t n = 1;
    for (auto &a : static_cast<const CallExpr &>(e).args)
      n += countNodes(*a);
    return n;
  }
  case ExprKind::HelperCall: {
    size_t n = 1;
    for (auto &a : static_cast<const HelperCallExpr &>(e).args)
      n += countNodes(*a);
    return n;
  }
  default:
    return 1;
  }
}

} // namespace

void Checker::importExterns() {
  std::unordered_map<std::string, SourceRange> named;
  for (auto &d : m_.decls) {
    auto *ext = dyn<ExternDecl>(d.get());
    if (!ext)
      continue;
    bool fresh = true;
    for (const ImportedName &n : ext->names) {
      auto [it, first] = named.emplace(n.name, n.range);
      if (!first) {
        diag_.error(n.range, quote(n.name) + " is imported twice");
        diag_.note(it->second, quote(n.name) + " is first imported here");
        fresh = false;
      } else if (auto g = globals_.find(n.name); g != globals_.end()) {
        diag_.error(n.range, "the helper " + quote(n.name) + " has the name of " + describe(*g->second));
        diag_.note(g->second->range, quote(n.name) + " declared here");
        fresh = false;
      }
      failedHelpers_.insert(n.name);
    }
    if (!fresh)
      continue;
    size_t before = m_.helpers.size();
    importHelpers(*ext, m_, diag_);
    for (size_t k = before; k < m_.helpers.size(); ++k) {
      const Helper &h = *m_.helpers[k];
      ext->lifted.push_back(&h);
      if (h.imported) {
        helpers_[h.name] = &h;
        failedHelpers_.erase(h.name);
      }
    }
  }
}

bool Checker::checkHelperArity(const HelperCallExpr &e, const Helper &h) {
  if (e.args.size() == h.params.size())
    return true;
  diag_.error(e.range, quote(e.name) + " takes " + std::to_string(h.params.size()) + " argument" +
                           (h.params.size() == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
  std::string form = h.name + "(";
  for (size_t k = 0; k < h.params.size(); ++k)
    form += (k ? ", " : "") + h.params[k];
  diag_.note(h.file, h.range, quote(h.name) + " is defined here as " + form + ")");
  return false;
}

bool Checker::checkHelperCall(HelperCallExpr &e) {
  if (!e.helper) {
    auto it = helpers_.find(e.name);
    if (it == helpers_.end()) {
      // Its import failed (reported there), or the parser took the name
      // from an extern whose decl was skipped.
      PLASTICC_INTERNAL_ASSERT(failedHelpers_.count(e.name) || m_.incomplete,
                               "call of a helper nobody imported: " + e.name);
      return false;
    }
    e.helper = it->second;
  }
  const Helper &h = *e.helper;
  if (!checkHelperArity(e, h))
    return false;
  if (inlinedNodes_ > kMaxInlinedNodes)
    return false; // reported once, at the call that crossed the bound
  std::vector<Expr *> args;
  if (!checkArguments(e.args, args))
    return false;
  for (Expr *a : args)
    if (!a->unit.dimensionless()) {
      diag_.error(a->range, "the arguments of the C++ helper " + quote(e.name) +
                                " must be dimensionless (C++ has no units), got " + a->unit.str());
      return false;
    }
  if (!combineShapes(e, args, e.nameRange, e.name + "(...)"))
    return false;
  e.unit = Unit{};
  instantiate(e, h);
  if (inlinedNodes_ > kMaxInlinedNodes) {
    diag_.error(e.nameRange, "inlining the C++ helpers makes this model too large (more than " +
                                 std::to_string(kMaxInlinedNodes) + " operations)");
    return false;
  }
  for (HelperLet &let : e.lets)
    if (!check(*let.value))
      return false;
  return check(*e.result);
}

void Checker::instantiate(HelperCallExpr &e, const Helper &h) {
  std::unordered_map<std::string, const Symbol *> names;
  for (size_t k = 0; k < h.params.size(); ++k) {
    Symbol *s = newSymbol(SymbolKind::Helper, h.params[k], e.range);
    s->bound = e.args[k].get();
    names[h.params[k]] = s;
  }
  e.lets.clear();
  for (const HelperLet &let : h.lets) {
    HelperLet copy{let.name, cloneForCall(*let.value, names, e.range), nullptr};
    Symbol *s = newSymbol(SymbolKind::Helper, let.name, e.range);
    s->bound = copy.value.get();
    copy.symbol = s;
    names[let.name] = s;
    inlinedNodes_ += countNodes(*copy.value);
    e.lets.push_back(std::move(copy));
  }
  e.result = cloneForCall(*h.result, names, e.range);
  inlinedNodes_ += countNodes(*e.result);
}

// Numbers, names, arithmetic, built-in calls and helper calls: all that
// CppImport builds. Every node takes the call's range (see Helper in AST.h).
ExprPtr Checker::cloneForCall(const Expr &body, const std::unordered_map<std::string, const Symbol *> &names,
                              SourceRange at) {
  ExprPtr out;
  switch (body.kind) {
  case ExprKind::Number: {
    auto &n = static_cast<const NumberExpr &>(body);
    out = std::make_unique<NumberExpr>(at, n.literal, n.isInteger, n.suffix);
    break;
  }
  case ExprKind::Name: {
    auto &n = static_cast<const NameExpr &>(body);
    auto name = std::make_unique<NameExpr>(at, n.name);
    auto it = names.find(n.name);
    PLASTICC_INTERNAL_ASSERT(it != names.end(), "unbound name in a lifted helper: " + n.name);
    name->symbol = it->second;
    out = std::move(name);
    break;
  }
  case ExprKind::Unary:
    out = std::make_unique<UnaryExpr>(at, cloneForCall(*static_cast<const UnaryExpr &>(body).operand, names, at));
    break;
  case ExprKind::Binary: {
    auto &b = static_cast<const BinaryExpr &>(body);
    out = std::make_unique<BinaryExpr>(at, b.op, at, cloneForCall(*b.lhs, names, at),
                                       cloneForCall(*b.rhs, names, at));
    break;
  }
  case ExprKind::Call: {
    auto &c = static_cast<const CallExpr &>(body);
    std::vector<ExprPtr> args;
    for (auto &a : c.args)
      args.push_back(cloneForCall(*a, names, at));
    out = std::make_unique<CallExpr>(at, c.callee, at, std::move(args));
    break;
  }
  case ExprKind::HelperCall: {
    auto &c = static_cast<const HelperCallExpr &>(body);
    std::vector<ExprPtr> args;
    for (auto &a : c.args)
      args.push_back(cloneForCall(*a, names, at));
    auto call = std::make_unique<HelperCallExpr>(at, c.name, at, std::move(args));
    call->helper = c.helper;
    out = std::move(call);
    break;
  }
  case ExprKind::Index:
  case ExprKind::IndexSum:
    PLASTICC_INTERNAL_ASSERT(false, "a lifted helper with an index expression");
  }
  out->height = body.height;
  return out;
}

} // namespace plasticc::sema

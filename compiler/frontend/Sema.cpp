//===- compiler/frontend/Sema.cpp - declarations, statements and scopes ---===//
//
// The declaration- and statement-level half of Sema (SemaExpr.cpp checks
// expressions). checkModule runs three phases: declare every global name
// (dims, quantities, the reward R) so that duplicates and uses before a
// declaration are reported precisely, and lift the C++ helpers of every
// extern (SemaHelpers.cpp); check the declarations in source order
// (dims, shapes, initialisers); then check the reward expression and the
// step and on-reward blocks statement by statement.
//
// Decisions where the language spec is silent (also stated in the front
// end's documentation and the H1 report):
//
//  1. Keywords (model dim meta param input noise state weight trace baseline
//     output step reward extern on plastic) are reserved; builtin function names and
//     the unit names ms, s, Hz are not (`exp(` is always the call, a number
//     followed by `s` always the unit).
//  2. Blocks and the reward expression see every declared quantity wherever
//     it is declared; initialisers and shapes see only earlier declarations.
//  3. What initialisers may read: param: numbers, dims, earlier params;
//     meta: numbers, dims, params (not other metas: a default is a constant);
//     state and weight: numbers, dims, params, earlier states and weights, or
//     exactly one normal(...) / uniform(...) call as the whole initialiser,
//     with scalar constant arguments (one random stream per quantity);
//     trace and baseline: numbers, dims, params. Initialisers are optional
//     for meta, state, trace and baseline (default 0), required for param and
//     weight, and forbidden for input, noise and output.
//  4. A quantity's unit is its initialiser's unit; input, noise and output
//     are dimensionless. normal(mean, variance) needs unit(variance) =
//     unit(mean)^2. The functions that are one dialect op take the unit
//     rule of the FUNCTION table in dialect/Ops.def: tanh exp log sigmoid,
//     the trigonometric and hyperbolic ones, log1p expm1 softplus floor ceil
//     need dimensionless arguments, sqrt halves an even unit exponent, abs
//     and relu keep the unit, sign takes any unit and gives none, atan2
//     takes two of one unit and gives none; select's condition may have any
//     unit. A unit raised to a power needs an integer constant exponent;
//     unit exponents are bounded (|k| <= 1000).
//  5. Locals are scoped to their block (a step local is not visible in
//     `on reward`), are assigned exactly once (a second assignment is a
//     redefinition), never with `+=`/`-=` and never with indices.
//  6. Index names (statement indices i, j and index-sum indices a, b) may not
//     reuse a declared name or a local (error + note), and a statement index
//     is only usable inside [ ]; index-sum indices are usable as values.
//  7. In an indexed statement every value outside sum()/count()/mean() is
//     per element: a bare vector or matrix is an error, and the arguments of
//     a reduction may not use the statement's indices. An array is indexed
//     either entirely by statement indices (W[i, j], r[j]) or entirely by
//     constants and index-sum indices (theta[a, b], r[0]); diagonal reads
//     W[i, i] and mixes such as W[i, 0] are errors. Index sums unroll to at
//     most kMaxIndexSumTerms terms.
//  8. `reward R` is optional; without it the reward region returns 0. `on
//     reward` requires a `reward` declaration (the error names the first
//     undeclared, not misspelt name the block reads, taken to be the reward,
//     and its uses are not reported). R must be a scalar. A missing step
//     block, and a second model, step, reward or on-reward, are errors.
//  9. Dims are at most kMaxDim and written as integers (`dim N = 1e3` is an
//     error); numbers too large or too small for a double (1e999, 1e-400)
//     are errors; `5.` and `10ms` (no space) are accepted.
// 10. Statement indices are any names, bound by position: the first to axis
//     0 (post), the second to axis 1 (pre); a vector target's index binds
//     axis 0. Reading a matrix with the two indices swapped is "transposed",
//     with one index twice a "diagonal" read.
// 11. Sema runs even after syntax errors, on what the parser recovered;
//     names that broken statements or declarations may have defined are not
//     reported as undeclared, and a missing step block is not reported then
//     (nor a missing reward, unless 'on reward' reads an undeclared name).
//     Syntax errors are printed first, then semantic errors, each group in
//     source order.
// 12. Comments may contain any bytes (UTF-8 included); a block comment that
//     spans lines ends the statement like a newline.
// 13. Inputs and noise are readable only in the step block (they are
//     supplied per step), not in the reward expression or 'on reward'.
// 14. Outputs are not written by init or trial; reading one in the step
//     before writing it gives the value of the previous step.
// 15. No cascades. An unknown name is reported once, at its first use (as
//     gcc does), with a suggestion only of its category: dims for a shape,
//     names readable there for a value, names writable there for a target,
//     indices for an index. A declaration with an error (an invalid dim, an
//     unresolved shape, a failed initialiser, which leaves its unit unknown,
//     a syntax error) stays declared but is "poisoned": the shapes made of
//     it, its uses and the statements writing it are skipped quietly (an
//     unindexed value is still checked), since anything said about them
//     would rest on a made-up shape or unit; where it may be read depends
//     only on its kind and is still checked. A redefined name is ambiguous:
//     its uses are not checked at all.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/SemaImpl.h"

#include "compiler/frontend/Spelling.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace plasticc {

namespace sema {

std::string quote(const std::string &name) {
  constexpr size_t kMax = 40;
  if (name.size() <= kMax)
    return "'" + name + "'";
  return "'" + name.substr(0, kMax) + "...'";
}

std::string describe(const Symbol &s) {
  switch (s.kind) {
  case SymbolKind::Dim:
    return "dim " + quote(s.name);
  case SymbolKind::Quantity:
    return std::string(quantityKindName(s.quantity->qkind)) + " " + quote(s.name);
  case SymbolKind::Local:
    return "local " + quote(s.name);
  case SymbolKind::StmtIndex:
  case SymbolKind::SumIndex:
    return "index " + quote(s.name);
  case SymbolKind::Reward:
    return "reward " + quote(s.name);
  case SymbolKind::Helper:
    return "helper value " + quote(s.name);
  }
  return quote(s.name);
}

std::string kindWithArticle(QuantityKind kind) {
  switch (kind) {
  case QuantityKind::Input: return "an input";
  case QuantityKind::Output: return "an output";
  case QuantityKind::Noise: return "noise";
  case QuantityKind::Meta: return "a meta parameter";
  default: return std::string("a ") + quantityKindName(kind);
  }
}

Symbol *Checker::newSymbol(SymbolKind kind, const std::string &name, SourceRange range) {
  auto s = std::make_unique<Symbol>();
  s->kind = kind;
  s->name = name;
  s->range = range;
  m_.symbols.push_back(std::move(s));
  return m_.symbols.back().get();
}

//===----------------------------------------------------------------------===//
// Phase 1: global names
//===----------------------------------------------------------------------===//

void Checker::declareGlobals() {
  for (size_t k = 0; k < m_.decls.size(); ++k) {
    Decl *d = m_.decls[k].get();
    std::string name;
    SourceRange range;
    Symbol *s = nullptr;
    if (auto *dim = dyn<DimDecl>(d)) {
      name = dim->name, range = dim->nameRange;
      s = newSymbol(SymbolKind::Dim, name, range);
      s->dim = dim;
      dim->symbol = s;
    } else if (auto *q = dyn<QuantityDecl>(d)) {
      name = q->name, range = q->nameRange;
      s = newSymbol(SymbolKind::Quantity, name, range);
      s->quantity = q;
      q->symbol = s;
    } else if (auto *r = dyn<RewardDecl>(d)) {
      if (r->name.empty()) // `reward = ...`: the parser reported it
        continue;
      name = r->name, range = r->nameRange;
      s = newSymbol(SymbolKind::Reward, name, range);
      s->reward = r;
      r->symbol = s;
    } else {
      continue;
    }
    order_[s] = k;
    auto [it, fresh] = globals_.emplace(name, s);
    if (!fresh) {
      diag_.error(range, "redefinition of " + quote(name) + " (already declared as " +
                             describe(*it->second) + ")");
      diag_.note(it->second->range, quote(name) + " first defined here");
      // Which of the two its uses mean is unknown: they are not checked.
      poisoned_.insert(it->second);
      ambiguous_.insert(it->second);
    }
  }
}

// model first is the parser's; here: exactly one step, at most one reward
// and one event, and an event needs a reward.
void Checker::checkStructure() {
  const Decl *first[5] = {};
  for (auto &d : m_.decls) {
    auto kind = static_cast<size_t>(d->kind);
    if (d->kind != DeclKind::Step && d->kind != DeclKind::Reward && d->kind != DeclKind::Event)
      continue;
    if (!first[kind]) {
      first[kind] = d.get();
      continue;
    }
    const char *what = d->kind == DeclKind::Step     ? "'step' block"
                       : d->kind == DeclKind::Event ? "'on reward' block"
                                                    : "'reward' declaration";
    diag_.error(SourceRange{d->range.begin, d->range.begin},
                std::string("a model has at most one ") + what);
    diag_.note(SourceRange{first[kind]->range.begin, first[kind]->range.begin},
               std::string("the first ") + what + " is here");
  }
  SourceRange modelAt = m_.nameRange.begin.valid() ? m_.nameRange : SourceRange{{1, 1}, {1, 1}};
  if (!first[static_cast<size_t>(DeclKind::Step)] && !m_.incomplete)
    diag_.error(modelAt, "model " + quote(m_.name) +
                             " has no 'step' block; every model needs 'step { ... }'");
  // Reported when the event is checked, naming what it uses as the reward.
  const Decl *event = first[static_cast<size_t>(DeclKind::Event)];
  const Decl *reward = first[static_cast<size_t>(DeclKind::Reward)];
  if (event && !reward)
    eventWithoutReward_ = static_cast<const BlockDecl *>(event);
  // `reward = ...` lost its name: what the event reads as the reward is not
  // reported as undeclared (the parser reported the declaration).
  if (event && reward && static_cast<const RewardDecl *>(reward)->name.empty())
    namelessRewardEvent_ = static_cast<const BlockDecl *>(event);
}

std::string Checker::guessRewardName(const BlockDecl &event, SourceRange &firstUse) {
  std::unordered_set<std::string> targets, bound;
  for (auto &st : event.stmts)
    targets.insert(st->target);
  std::string found;
  auto consider = [&](const std::string &name, SourceRange at) {
    if (!found.empty() || globals_.count(name) || targets.count(name) || bound.count(name) ||
        skippedNames_.count(name) || stepLocals_.count(name))
      return;
    ClosestName closest(name);
    for (auto &[n, sym] : globals_)
      closest.consider(n);
    for (const std::string &t : targets)
      closest.consider(t);
    if (!closest.best().empty())
      return; // a misspelling: reported as such
    found = name;
    firstUse = at;
  };
  auto visit = [&](auto &self, const Expr &e) -> void {
    switch (e.kind) {
    case ExprKind::Name:
      consider(static_cast<const NameExpr &>(e).name, e.range);
      return;
    case ExprKind::Index: {
      auto &x = static_cast<const IndexExpr &>(e);
      consider(x.name, x.nameRange);
      return;
    }
    case ExprKind::Unary:
      self(self, *static_cast<const UnaryExpr &>(e).operand);
      return;
    case ExprKind::Binary:
      self(self, *static_cast<const BinaryExpr &>(e).lhs);
      self(self, *static_cast<const BinaryExpr &>(e).rhs);
      return;
    case ExprKind::Call:
      for (auto &a : static_cast<const CallExpr &>(e).args)
        self(self, *a);
      return;
    case ExprKind::IndexSum: {
      auto &x = static_cast<const IndexSumExpr &>(e);
      for (auto &v : x.vars)
        bound.insert(v.name);
      self(self, *x.body);
      for (auto &v : x.vars)
        bound.erase(v.name);
      return;
    }
    case ExprKind::HelperCall:
      for (auto &a : static_cast<const HelperCallExpr &>(e).args)
        self(self, *a);
      return;
    case ExprKind::Number:
      return;
    }
  };
  for (auto &st : event.stmts)
    if (st->value && found.empty())
      visit(visit, *st->value);
  return found;
}

void Checker::reportEventWithoutReward(const BlockDecl &event) {
  SourceRange at{event.range.begin, event.range.begin};
  SourceRange use;
  std::string name = guessRewardName(event, use);
  // After syntax errors, the reward may be in the skipped text, unless the
  // block reads a name nothing declares.
  if (name.empty() && m_.incomplete)
    return;
  diag_.error(at, "'on reward' needs a reward to react to: declare it with 'reward " +
                      (name.empty() ? std::string("R") : name) + " = ...'");
  if (name.empty())
    return;
  // Its uses are not reported again as undeclared names.
  reportedNames_.insert(name);
  diag_.note(use, quote(name) + " is used here, but no reward is declared");
}

//===----------------------------------------------------------------------===//
// Phase 2: declarations in order
//===----------------------------------------------------------------------===//

// An invalid dim is still declared, but poisoned: the shapes made of it are
// unknown, so the quantities of those shapes and every use of the dim are
// skipped quietly instead of being reported with a made-up extent.
void Checker::checkDim(DimDecl &d) {
  Symbol *s = const_cast<Symbol *>(d.symbol);
  s->value = 1;
  if (d.broken) { // the parser reported it
    poisoned_.insert(s);
    return;
  }
  if (!d.isInteger) {
    char *end = nullptr;
    double v = std::strtod(d.spelling.c_str(), &end);
    if (v >= 1 && v <= kMaxDim && v == std::floor(v))
      diag_.error(d.valueRange, "dim " + quote(d.name) + " must be written as an integer, as in 'dim " +
                                    d.name + " = " + std::to_string(static_cast<int64_t>(v)) +
                                    "', got " + d.spelling);
    else
      diag_.error(d.valueRange, "dim " + quote(d.name) + " must be a positive integer, got " + d.spelling);
    poisoned_.insert(s);
  } else if (d.value <= 0) {
    diag_.error(d.valueRange, "dim " + quote(d.name) + " must be a positive integer, got " +
                                  std::to_string(d.value));
    poisoned_.insert(s);
  } else if (d.value > kMaxDim) {
    diag_.error(d.valueRange, "dim " + quote(d.name) + " = " + d.spelling + " is too large (at most " +
                                  std::to_string(kMaxDim) + ")");
    poisoned_.insert(s);
  } else {
    s->value = d.value;
  }
}

bool Checker::resolveShape(QuantityDecl &q, Shape &shape) {
  shape.rank = static_cast<uint8_t>(q.dims.size());
  bool ok = true;
  for (size_t k = 0; k < q.dims.size(); ++k) {
    DimRef &ref = q.dims[k];
    int64_t extent = 1;
    if (ref.isLiteral()) {
      extent = ref.literal;
      if (extent <= 0 || extent > kMaxDim) {
        diag_.error(ref.range, "a shape extent must be between 1 and " + std::to_string(kMaxDim) +
                                   ", got " + std::to_string(extent));
        ok = false;
      }
    } else {
      auto it = globals_.find(ref.name);
      if (it == globals_.end()) {
        if (!skippedNames_.count(ref.name))
          reportUnknown(ref.name, ref.range, "unknown dim " + quote(ref.name) + " in the shape of " + quote(q.name),
                        NameCategory::Dim);
        ok = false;
      } else if (poisoned_.count(it->second)) {
        ok = false; // an invalid dim, or a name whose declaration was broken
      } else if (it->second->kind != SymbolKind::Dim) {
        diag_.error(ref.range, quote(ref.name) + " is " + describe(*it->second) +
                                   ", not a dim; shapes are made of dims and integers");
        diag_.note(it->second->range, quote(ref.name) + " declared here");
        ok = false;
      } else if (order_[it->second] > order_[q.symbol]) {
        diag_.error(ref.range, "dim " + quote(ref.name) + " is used before its declaration");
        diag_.note(it->second->range, quote(ref.name) + " declared here");
        ok = false;
      } else {
        extent = it->second->value;
      }
    }
    shape.dims[k] = extent;
  }
  return ok;
}

void Checker::checkQuantity(QuantityDecl &q) {
  Symbol *s = const_cast<Symbol *>(q.symbol);
  // A quantity whose shape could not be resolved gets a placeholder shape;
  // its uses are skipped quietly rather than reported as mismatches. So is
  // a broken declaration, whatever the parser could read of it.
  Shape shape;
  if (q.broken) {
    poisoned_.insert(s);
    return;
  }
  if (!resolveShape(q, shape)) {
    shape = Shape::scalar();
    poisoned_.insert(s);
  }
  q.shape = shape;
  s->shape = shape;
  if (q.plastic && q.qkind != QuantityKind::Weight)
    diag_.error(q.plasticRange, std::string("'plastic' applies only to weights, not to ") +
                                    quantityKindName(q.qkind) + " " + quote(q.name));
  // Its unit comes from its initialiser: after an error there it is unknown.
  if (!checkInitialiser(q))
    poisoned_.insert(s);
  s->unit = q.unit;
}

bool Checker::checkInitialiser(QuantityDecl &q) {
  const char *kind = quantityKindName(q.qkind);
  bool forbidden = q.qkind == QuantityKind::Input || q.qkind == QuantityKind::Output;
  if (!q.init) {
    if (q.qkind == QuantityKind::Param)
      diag_.error(q.nameRange, "param " + quote(q.name) + " needs a value, as in 'param " +
                                   q.name + " = 10 ms'");
    else if (q.qkind == QuantityKind::Weight)
      diag_.error(q.nameRange, "weight " + quote(q.name) +
                                   " needs an initial value: a constant, an expression of "
                                   "params, or normal(...) / uniform(...)");
    return q.qkind != QuantityKind::Param && q.qkind != QuantityKind::Weight;
  }
  if (q.qkind == QuantityKind::Noise)
    return checkNoiseDistribution(q);
  if (forbidden) {
    const char *why = q.qkind == QuantityKind::Input ? "inputs are supplied by the task at every step"
                                                     : "outputs are written in the step block";
    diag_.error(q.init->range, std::string(kind) + " " + quote(q.name) +
                                   " cannot have an initial value: " + why);
    return true; // dimensionless whatever the initialiser says
  }
  where_ = Where::Init;
  initOf_ = &q;
  initOrder_ = order_.count(q.symbol) ? order_[q.symbol] : 0;
  if (auto *call = dyn<CallExpr>(q.init.get());
      call && (call->callee == Builtin::Normal || call->callee == Builtin::Uniform)) {
    return checkRandomInit(q, *call);
  }
  if (!check(*q.init))
    return false;
  q.unit = q.init->unit;
  if (q.declaredInit && check(*q.declaredInit) && !(q.declaredInit->unit == q.unit)) {
    Unit want = q.declaredInit->unit;
    diag_.error(q.declaredInit->range,
                "param " + quote(q.name) + " is declared by an expression in " + want.str() +
                    ", so -D " + q.definedBy + " needs a value " +
                    (want.dimensionless() ? std::string("without a unit")
                                          : "in a unit of that kind") +
                    ", got " +
                    (q.unit.dimensionless() ? std::string("a dimensionless one")
                                            : "one in " + q.unit.str()));
    return false;
  }
  if (!q.init->shape.isScalar() && !(q.init->shape == q.shape)) {
    diag_.error(q.init->range, "cannot initialise " + std::string(kind) + " " + quote(q.name) +
                                   " of shape " + q.shape.str() + " with a value of shape " +
                                   q.init->shape.str());
    noteShapeOrigin(*q.init);
  }
  return true; // a shape error leaves the unit known
}

bool Checker::checkRandomInit(QuantityDecl &q, CallExpr &call) {
  const char *fn = builtinName(call.callee);
  if (q.qkind != QuantityKind::State && q.qkind != QuantityKind::Weight) {
    diag_.error(call.range, std::string(fn) + "(...) draws initial values of states and weights only, not of " +
                                quantityKindName(q.qkind) + " " + quote(q.name));
    return false;
  }
  if (call.args.size() != 2) {
    diag_.error(call.range, std::string(fn) + " takes 2 arguments, got " + std::to_string(call.args.size()));
    return false;
  }
  bool ok = true;
  for (auto &a : call.args) {
    if (!check(*a)) {
      ok = false;
      continue;
    }
    if (!a->shape.isScalar()) {
      diag_.error(a->range, std::string("the arguments of ") + fn + " must be scalars, got shape " +
                                a->shape.str());
      noteShapeOrigin(*a);
      ok = false;
    }
  }
  if (!ok)
    return false;
  Unit first = call.args[0]->unit, second = call.args[1]->unit;
  if (call.callee == Builtin::Uniform && !(first == second)) {
    diag_.error(call.range, "units do not agree in uniform(lo, hi): " + first.str() + " vs " + second.str());
    return false;
  }
  if (call.callee == Builtin::Normal && second.seconds != 2 * first.seconds) {
    diag_.error(call.args[1]->range, "the variance of normal(mean, variance) must have the unit of the mean "
                                     "squared: mean is " + first.str() + ", variance is " + second.str());
    return false;
  }
  call.shape = q.shape;
  call.unit = first;
  q.unit = first;
  return true;
}

// `noise kick[N] = bernoulli(0.003)`: the runtime draws every element at
// every step from the distribution, whose arguments must be constants (the
// descriptor carries their values; a param could change at run time).
bool Checker::checkNoiseDistribution(QuantityDecl &q) {
  auto *call = dyn<CallExpr>(q.init.get());
  bool dist = call && (call->callee == Builtin::Normal || call->callee == Builtin::Uniform ||
                       call->callee == Builtin::Bernoulli);
  if (!dist) {
    diag_.error(q.init->range, "noise " + quote(q.name) + " is drawn by the runtime at every step: "
                               "its value is a distribution, normal(mean, variance), uniform(lo, "
                               "hi) or bernoulli(p)");
    return true;
  }
  const char *fn = builtinName(call->callee);
  int arity = builtinArity(call->callee);
  if (static_cast<int>(call->args.size()) != arity) {
    diag_.error(call->range, std::string("'") + fn + "' takes " + std::to_string(arity) +
                                 " argument" + (arity == 1 ? "" : "s") + ", got " +
                                 std::to_string(call->args.size()));
    return true;
  }
  where_ = Where::Init;
  initOf_ = &q;
  initOrder_ = order_.count(q.symbol) ? order_[q.symbol] : 0;
  double v[2] = {0, 0}; // bernoulli(p) has no second parameter: 0
  for (size_t k = 0; k < call->args.size(); ++k) {
    Expr &a = *call->args[k];
    if (!check(a))
      return true;
    std::optional<double> c = constantValue(a);
    if (!c || !a.unit.dimensionless()) {
      diag_.error(a.range, std::string("the arguments of ") + fn + " must be dimensionless " +
                               "constants (numbers and dims), so the runtime can draw the noise");
      return true;
    }
    v[k] = *c;
  }
  std::string bad;
  bool finite = std::isfinite(v[0]) && std::isfinite(v[1]);
  if (!finite || (call->callee == Builtin::Uniform && !std::isfinite(v[1] - v[0]))) {
    diag_.error(call->range, std::string("the arguments of ") + fn + " must be finite" +
                                 (call->callee == Builtin::Uniform ? ", and so must hi - lo" : "") +
                                 " (the runtime could not draw from it)");
    return true;
  }
  if (call->callee == Builtin::Bernoulli && !(v[0] >= 0 && v[0] <= 1))
    bad = "the probability of bernoulli(p) must be in [0, 1], got ";
  else if (call->callee == Builtin::Uniform && !(v[0] <= v[1]))
    bad = "uniform(lo, hi) needs lo <= hi, got lo = ";
  else if (call->callee == Builtin::Normal && !(v[1] >= 0))
    bad = "the variance of normal(mean, variance) must be >= 0, got ";
  if (!bad.empty()) {
    std::ostringstream s;
    s << bad << (call->callee == Builtin::Normal ? v[1] : v[0]);
    if (call->callee == Builtin::Uniform)
      s << " and hi = " << v[1];
    diag_.error(call->range, s.str());
    return true;
  }
  q.noiseParams[0] = v[0];
  q.noiseParams[1] = v[1];
  return true;
}

std::optional<double> Checker::constantValue(const Expr &e) {
  if (auto *n = dyn<NumberExpr>(&e))
    return n->siValue();
  if (auto *n = dyn<NameExpr>(&e)) {
    if (n->symbol && n->symbol->kind == SymbolKind::Dim)
      return static_cast<double>(n->symbol->value);
    return std::nullopt;
  }
  if (auto *u = dyn<UnaryExpr>(&e)) {
    auto v = constantValue(*u->operand);
    return v ? std::optional<double>(-*v) : std::nullopt;
  }
  auto *b = dyn<BinaryExpr>(&e);
  if (!b)
    return std::nullopt;
  auto l = constantValue(*b->lhs), r = constantValue(*b->rhs);
  if (!l || !r)
    return std::nullopt;
  switch (b->op) {
  case BinaryOp::Add: return *l + *r;
  case BinaryOp::Sub: return *l - *r;
  case BinaryOp::Mul: return *l * *r;
  case BinaryOp::Div: return *l / *r;
  case BinaryOp::Pow: return std::pow(*l, *r);
  default: return std::nullopt;
  }
}

//===----------------------------------------------------------------------===//
// Phase 3: the reward and the blocks
//===----------------------------------------------------------------------===//

void Checker::checkReward(RewardDecl &r) {
  where_ = Where::Reward;
  if (r.broken) {
    if (r.symbol)
      poisoned_.insert(const_cast<Symbol *>(r.symbol));
    return;
  }
  if (!check(*r.value)) {
    if (r.symbol) // its unit is unknown
      poisoned_.insert(const_cast<Symbol *>(r.symbol));
    return;
  }
  if (!r.value->shape.isScalar()) {
    diag_.error(r.value->range, "the reward " + quote(r.name) + " must be a scalar, got shape " +
                                    r.value->shape.str() + " (reduce it with sum, mean or count)");
    noteShapeOrigin(*r.value);
  }
  if (r.symbol) {
    Symbol *s = const_cast<Symbol *>(r.symbol);
    s->unit = r.value->unit;
  }
}

bool Checker::checkShadowing(const std::string &name, SourceRange range, const char *what) {
  const Symbol *other = nullptr;
  if (auto it = globals_.find(name); it != globals_.end())
    other = it->second;
  else if (auto it = locals_.find(name); it != locals_.end())
    other = it->second;
  else
    for (const Symbol *s : stmtIndices_)
      if (s->name == name)
        other = s;
  if (!other)
    for (const Symbol *s : sumIndices_)
      if (s->name == name)
        other = s;
  if (!other)
    return true;
  diag_.error(range, std::string(what) + " " + quote(name) + " reuses the name of " + describe(*other) +
                         "; choose another index name");
  diag_.note(other->range, quote(name) + " defined here");
  return false;
}

void Checker::checkBlock(BlockDecl &b) {
  where_ = b.kind == DeclKind::Step ? Where::Step : Where::Event;
  block_ = &b;
  locals_.clear();
  written_.clear();
  elementWrites_.clear();
  reportedLocals_.clear();
  if (&b == eventWithoutReward_)
    reportEventWithoutReward(b);
  SourceRange unused;
  if (&b == namelessRewardEvent_)
    if (std::string name = guessRewardName(b, unused); !name.empty())
      reportedNames_.insert(name);
  // Names assigned in this block that are not globals: the block's locals,
  // by their (first) defining statement, to report uses before definition.
  // Only `name = ...` defines a local (`+=` and indexed targets are errors).
  std::unordered_map<std::string, const AssignStmt *> later;
  for (auto &s : b.stmts)
    if (!globals_.count(s->target) && s->op == AssignOp::Set && s->indices.empty())
      later.emplace(s->target, s.get());
  later_ = &later;
  for (auto &s : b.stmts) {
    if (diag_.atLimit())
      break;
    checkStmt(*s);
  }
  later_ = nullptr;
  if (b.kind == DeclKind::Step)
    for (auto &[name, local] : locals_)
      stepLocals_.emplace(name, local->local);
  locals_.clear();
}

bool Checker::quietTarget(const AssignStmt &s) const {
  if (auto it = globals_.find(s.target); it != globals_.end())
    return poisoned_.count(it->second) != 0;
  if (locals_.count(s.target))
    return false;
  // Not declared: `name = ...` defines a local; other forms are errors,
  // unless the name was reported already or a broken declaration had it.
  bool definesLocal = s.op == AssignOp::Set && s.indices.empty();
  return !definesLocal && (skippedNames_.count(s.target) || reportedNames_.count(s.target));
}

bool Checker::checkWritable(const AssignStmt &s, const Symbol &target) {
  if (target.kind == SymbolKind::Dim || target.kind == SymbolKind::Reward) {
    diag_.error(s.targetRange, "cannot assign to " + describe(target) +
                                   (target.kind == SymbolKind::Dim
                                        ? ": dims are constants"
                                        : ": it is defined by its 'reward' declaration"));
    diag_.note(target.range, quote(target.name) + " declared here");
    return false;
  }
  const QuantityDecl &q = *target.quantity;
  bool step = where_ == Where::Step;
  std::string why;
  switch (q.qkind) {
  case QuantityKind::Meta: why = "meta parameters are learned by the outer loop, never written by the model"; break;
  case QuantityKind::Param: why = "params are constants"; break;
  case QuantityKind::Input: why = "inputs are supplied by the task"; break;
  case QuantityKind::Noise: why = "noise is drawn by the runtime"; break;
  case QuantityKind::Weight:
    if (!q.plastic)
      why = "it is not plastic (add 'plastic' to its declaration to let the model change it)";
    break;
  case QuantityKind::Baseline: // persists across trials; may change in the step and the event
    break;
  case QuantityKind::State:
  case QuantityKind::Trace:
  case QuantityKind::Output:
    if (!step)
      why = "'on reward' writes only plastic weights, baselines and locals";
    break;
  }
  if (why.empty())
    return true;
  diag_.error(s.targetRange, "cannot write " + describe(target) + " in '" +
                                 (step ? "step" : "on reward") + "': " + why);
  diag_.note(target.range, quote(target.name) + " declared here as " + kindWithArticle(q.qkind));
  return false;
}

bool Checker::checkTargetRank(const AssignStmt &s, const Symbol &target) {
  if (target.kind != SymbolKind::Local && target.shape.rank == s.indices.size())
    return true;
  std::string need = target.shape.rank == 0 ? "no indices" : "";
  if (s.isElementWrite() && target.shape.rank > 0)
    need = target.shape.rank == 1 ? "one index, as in " + target.name + "[0]"
                                  : "two indices, as in " + target.name + "[0, 1]";
  else if (target.shape.rank > 0)
    need = target.shape.rank == 1 ? "one index, as in x[i]" : "two indices, as in e[i, j]";
  diag_.error(SourceRange{s.targetRange.begin, s.indices.back().range.end},
              describe(target) + " has shape " + target.shape.str() + ", so its target takes " + need);
  diag_.note(target.range, quote(target.name) + " declared here");
  return false;
}

namespace {

/// `x[3]`, `W[2, 5]`: an element write's target as written.
std::string elementSpelling(const AssignStmt &s) {
  std::string out = s.target + "[";
  for (size_t k = 0; k < s.indices.size(); ++k)
    out += (k ? ", " : "") + std::to_string(s.indices[k].literal);
  return out + "]";
}

} // namespace

bool Checker::checkElementTarget(AssignStmt &s, const Symbol &target) {
  if (!checkTargetRank(s, target))
    return false;
  int64_t flat = 0;
  for (size_t k = 0; k < s.indices.size(); ++k) {
    const TargetIndex &ti = s.indices[k];
    if (ti.literal >= target.shape.dims[k]) {
      diag_.error(ti.range, "index " + std::to_string(ti.literal) + " is out of range for axis " +
                                std::to_string(k) + " of " + quote(target.name) + " (shape " +
                                target.shape.str() + ")");
      diag_.note(target.range, quote(target.name) + " declared here");
      return false;
    }
    flat = flat * target.shape.dims[k] + ti.literal;
  }
  auto &elements = elementWrites_[&target];
  for (auto &[at, first] : elements)
    if (at == flat) {
      diag_.error(s.targetRange, "element " + quote(elementSpelling(s)) + " of " + describe(target) +
                                     " is written twice in '" +
                                     (where_ == Where::Step ? "step" : "on reward") +
                                     "'; each element is written at most once per block (later "
                                     "statements see the new value)");
      diag_.note(first->targetRange, "first written here");
      return false;
    }
  elements.push_back({flat, &s});
  return true;
}

bool Checker::bindTargetIndices(AssignStmt &s, const Symbol &target) {
  if (!checkTargetRank(s, target))
    return false;
  if (s.indices.size() == 2 && s.indices[0].name == s.indices[1].name) {
    diag_.error(s.indices[1].range, "the two indices of " + quote(s.target) +
                                        " must differ (the diagonal cannot be written alone)");
    return false;
  }
  for (size_t k = 0; k < s.indices.size(); ++k) {
    TargetIndex &ti = s.indices[k];
    if (!checkShadowing(ti.name, ti.range, "index"))
      return false;
    Symbol *idx = newSymbol(SymbolKind::StmtIndex, ti.name, ti.range);
    idx->axis = static_cast<int>(k);
    idx->extent = target.shape.dims[k];
    ti.symbol = idx;
    stmtIndices_.push_back(idx);
  }
  return true;
}

bool Checker::checkTarget(AssignStmt &s) {
  if (auto it = globals_.find(s.target); it != globals_.end()) {
    const Symbol &target = *it->second;
    s.symbol = &target;
    if (!checkWritable(s, target))
      return false;
    if (s.isElementWrite())
      return checkElementTarget(s, target);
    if (auto w = written_.find(&target); w != written_.end()) {
      diag_.error(s.targetRange, describe(target) + " is written twice in '" +
                                     (where_ == Where::Step ? "step" : "on reward") +
                                     "'; each quantity is written whole at most once per block "
                                     "(later statements see the new value)");
      diag_.note(w->second->targetRange, "first written here");
      return false;
    }
    if (auto e = elementWrites_.find(&target); e != elementWrites_.end() && !e->second.empty()) {
      const AssignStmt &element = *e->second.front().second;
      diag_.error(s.targetRange, "writing " + describe(target) + " whole would overwrite the element " +
                                     quote(elementSpelling(element)) + " written at line " +
                                     std::to_string(element.targetRange.begin.line) +
                                     "; write the element after the whole quantity");
      diag_.note(element.targetRange, "the element is written here");
      return false;
    }
    written_[&target] = &s;
    return s.indices.empty() || bindTargetIndices(s, target);
  }
  if (auto it = locals_.find(s.target); it != locals_.end()) {
    diag_.error(s.targetRange, "redefinition of local " + quote(s.target) +
                                   "; a local is assigned once (declare a state or trace to accumulate)");
    diag_.note(it->second->range, quote(s.target) + " first defined here");
    return false;
  }
  if (s.op != AssignOp::Set) {
    reportUnknown(s.target, s.opRange,
                  std::string("cannot use '") + assignOpSpelling(s.op) + "' on " + quote(s.target) +
                      ": it is neither declared nor defined earlier in this block",
                  NameCategory::Target);
    return false;
  }
  if (!s.indices.empty()) {
    // Either a local meant per element or a quantity whose declaration is
    // missing (or misspelt): the message covers both.
    reportUnknown(s.target, s.targetRange,
                  "cannot index " + quote(s.target) + ": it is not declared, and a local is defined "
                  "whole (write '" + s.target + " = ...' without indices, or declare " +
                      quote(s.target) + ")",
                  NameCategory::Target);
    return false;
  }
  s.definesLocal = true;
  return true;
}

void Checker::checkStmt(AssignStmt &s) {
  stmtIndices_.clear();
  indexed_ = false;
  if (quietTarget(s)) {
    // An unindexed value can still hold independent errors; an indexed one
    // needs the target's axes.
    if (!s.isIndexed())
      check(*s.value);
    return;
  }
  if (!checkTarget(s)) {
    stmtIndices_.clear();
    return;
  }
  indexed_ = s.isIndexed();
  bool ok = check(*s.value);
  indexed_ = false;
  stmtIndices_.clear();
  if (s.definesLocal) {
    // Defined even after an error in its value, so that later uses do not
    // cascade into "undeclared" errors.
    Symbol *local = newSymbol(SymbolKind::Local, s.target, s.targetRange);
    local->local = &s;
    if (ok) {
      local->shape = s.value->shape;
      local->unit = s.value->unit;
    } else {
      poisoned_.insert(local);
    }
    s.symbol = local;
    locals_[s.target] = local;
    return;
  }
  if (!ok)
    return;
  const Symbol &target = *s.symbol;
  std::string op = assignOpSpelling(s.op);
  if (s.isElementWrite() && !s.value->shape.isScalar()) {
    diag_.error(s.value->range, "an element write takes a scalar value, got shape " +
                                    s.value->shape.str());
    noteShapeOrigin(*s.value);
    return;
  }
  if (s.indices.empty() && !(s.value->shape.isScalar() || s.value->shape == target.shape)) {
    diag_.error(s.value->range, "cannot assign a value of shape " + s.value->shape.str() + " to " +
                                    describe(target) + " of shape " + target.shape.str());
    noteShapeOrigin(*s.value);
    diag_.note(target.range, quote(target.name) + " declared here with shape " + target.shape.str());
    return;
  }
  // x *= v and x /= v keep x's unit only with a dimensionless v.
  bool scales = s.op == AssignOp::MulBy || s.op == AssignOp::DivBy;
  if (scales && !s.value->unit.dimensionless()) {
    diag_.error(s.value->range, "the factor of '" + op + "' to " + describe(target) +
                                    " must be dimensionless (it keeps the unit of " +
                                    quote(target.name) + "), got " + s.value->unit.str());
  } else if (!scales && !(s.value->unit == target.unit)) {
    diag_.error(s.value->range, "units do not agree in '" + op + "' to " + describe(target) + ": " +
                                    target.unit.str() + " vs " + s.value->unit.str());
    diag_.note(target.range, quote(target.name) + " declared here with unit " + target.unit.str());
  }
}

bool Checker::run() {
  skippedNames_.insert(m_.skippedNames.begin(), m_.skippedNames.end());
  declareGlobals();
  importExterns();
  checkStructure();
  for (auto &d : m_.decls) {
    if (diag_.atLimit())
      return false;
    if (auto *dim = dyn<DimDecl>(d.get()); dim && dim->symbol)
      checkDim(*dim);
    else if (auto *q = dyn<QuantityDecl>(d.get()))
      checkQuantity(*q);
  }
  // The reward first: its unit is R's unit inside 'on reward', wherever the
  // two are in the file.
  for (auto &d : m_.decls)
    if (auto *r = dyn<RewardDecl>(d.get()); r && !diag_.atLimit())
      checkReward(*r);
  for (auto &d : m_.decls) {
    if (diag_.atLimit())
      return false;
    if (d->kind == DeclKind::Step || d->kind == DeclKind::Event)
      checkBlock(static_cast<BlockDecl &>(*d));
  }
  return !diag_.hasErrors();
}

} // namespace sema

bool checkModule(ast::Module &module, DiagnosticEngine &diag) {
  unsigned before = diag.errorCount();
  sema::Checker(module, diag).run();
  module.checked = diag.errorCount() == before && !diag.hasErrors();
  return module.checked;
}

} // namespace plasticc

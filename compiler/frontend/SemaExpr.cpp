//===- compiler/frontend/SemaExpr.cpp - shapes, units and index bindings --===//
//
// The expression half of Sema: resolves names (sum indices, statement
// indices, locals, globals, in that order), and computes for each node its
// shape (elementwise ops broadcast scalars; `@` is [N,M] @ [M] -> [N];
// reductions give scalars), its unit (exponent of seconds: + - min max clip
// select comparisons need equal units, * / add and subtract exponents, ^
// multiplies by an integer constant) and, inside indexed statements, the
// statement axes it varies along. Errors name both shapes or both units and
// add notes where the operands' quantities were declared. Recursion depth is
// bounded by the parser's kMaxExprHeight.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/SemaImpl.h"

#include "compiler/frontend/Spelling.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace plasticc::sema {

namespace {

constexpr int64_t kMaxUnitExponent = 1000;

/// What the initialiser of a `reader` quantity may read among quantities
/// (decision 3 of Sema.cpp); `allowed` says it in words.
bool initMayRead(QuantityKind reader, QuantityKind read, const char *&allowed) {
  switch (reader) {
  case QuantityKind::State:
  case QuantityKind::Weight:
    allowed = "numbers, dims, params and earlier states and weights";
    return read == QuantityKind::Param || read == QuantityKind::State || read == QuantityKind::Weight;
  case QuantityKind::Param:
    allowed = "numbers, dims and earlier params";
    return read == QuantityKind::Param;
  case QuantityKind::Noise: // the runtime draws it from the descriptor's numbers
    allowed = "numbers and dims (the runtime draws noise from fixed numbers)";
    return false;
  default: // meta, trace, baseline
    allowed = "numbers, dims and params";
    return read == QuantityKind::Param;
  }
}

bool suppliedPerStep(const Symbol &s) {
  return s.kind == SymbolKind::Quantity &&
         (s.quantity->qkind == QuantityKind::Input || s.quantity->qkind == QuantityKind::Noise);
}

} // namespace

bool Checker::readableHere(const Symbol &s) {
  switch (where_) {
  case Where::Init: {
    if (s.kind == SymbolKind::Reward || &s == initOf_->symbol)
      return false;
    if (auto it = order_.find(&s); it != order_.end() && it->second > initOrder_)
      return false;
    const char *allowed = "";
    return s.kind != SymbolKind::Quantity || initMayRead(initOf_->qkind, s.quantity->qkind, allowed);
  }
  case Where::Step:
    return s.kind != SymbolKind::Reward;
  case Where::Event:
    return !suppliedPerStep(s);
  case Where::Reward:
    return s.kind != SymbolKind::Reward && !suppliedPerStep(s);
  }
  return false;
}

bool Checker::writableHere(const Symbol &s) const {
  if (s.kind != SymbolKind::Quantity)
    return false;
  QuantityKind k = s.quantity->qkind;
  bool persistent = (k == QuantityKind::Weight && s.quantity->plastic) || k == QuantityKind::Baseline;
  if (where_ == Where::Step) // continuous plasticity: the step may change what persists
    return persistent || k == QuantityKind::State || k == QuantityKind::Trace ||
           k == QuantityKind::Output;
  return persistent;
}

void Checker::reportUnknown(const std::string &name, SourceRange at, const std::string &message,
                            NameCategory category) {
  // Indices are per statement: an unknown one is reported in every statement.
  if (category != NameCategory::Index && !reportedNames_.insert(name).second)
    return;
  ClosestName closest(name);
  switch (category) {
  case NameCategory::Dim:
    for (auto &[n, s] : globals_)
      if (s->kind == SymbolKind::Dim)
        closest.consider(n);
    break;
  case NameCategory::Index:
    for (const Symbol *s : stmtIndices_)
      closest.consider(s->name);
    for (const Symbol *s : sumIndices_)
      closest.consider(s->name);
    break;
  case NameCategory::Value:
    for (auto &[n, s] : globals_)
      if (readableHere(*s))
        closest.consider(n);
    for (auto &[n, s] : locals_)
      closest.consider(n);
    for (const Symbol *s : sumIndices_)
      closest.consider(s->name);
    break;
  case NameCategory::Target:
    for (auto &[n, s] : globals_)
      if (writableHere(*s))
        closest.consider(n);
    break;
  }
  const std::string &best = closest.best();
  if (best.empty()) {
    diag_.error(at, message);
    return;
  }
  diag_.error(at, message + "; did you mean " + quote(best) + "?");
  const Symbol *s = globals_.count(best) ? globals_[best] : locals_.count(best) ? locals_[best] : nullptr;
  if (s)
    diag_.note(s->range, quote(best) + (s->kind == SymbolKind::Local ? " defined here" : " declared here"));
}

bool Checker::mayReadInInit(const Symbol &s, SourceRange at) {
  const QuantityDecl &q = *initOf_;
  if (s.kind == SymbolKind::Reward) {
    diag_.error(at, "the reward " + quote(s.name) + " can be used only inside 'on reward'");
    diag_.note(s.range, quote(s.name) + " declared here");
    return false;
  }
  if (&s == q.symbol) {
    diag_.error(at, "the initial value of " + quote(q.name) + " cannot use " + quote(q.name) + " itself");
    return false;
  }
  auto it = order_.find(&s);
  if (it != order_.end() && it->second > initOrder_) {
    diag_.error(at, describe(s) + " is used before its declaration; an initial value can use only "
                                  "what is declared above it");
    diag_.note(s.range, quote(s.name) + " declared here");
    return false;
  }
  if (s.kind != SymbolKind::Quantity)
    return true;
  const char *allowed = "";
  if (initMayRead(q.qkind, s.quantity->qkind, allowed))
    return true;
  diag_.error(at, std::string("the initial value of ") + quantityKindName(q.qkind) + " " +
                      quote(q.name) + " cannot use " + describe(s) + "; it may use " + allowed);
  diag_.note(s.range, quote(s.name) + " declared here");
  return false;
}

const Symbol *Checker::lookup(const std::string &name, SourceRange range) {
  for (auto it = sumIndices_.rbegin(); it != sumIndices_.rend(); ++it)
    if ((*it)->name == name)
      return *it;
  for (const Symbol *s : stmtIndices_)
    if (s->name == name)
      return s;
  if (auto it = locals_.find(name); it != locals_.end())
    return poisoned_.count(it->second) ? nullptr : it->second;
  auto it = globals_.find(name);
  if (it == globals_.end()) {
    // Reported already (in an earlier block too, where it was undeclared):
    // its definition later in this block is no news.
    if (skippedNames_.count(name) || reportedNames_.count(name))
      return nullptr;
    if (later_) {
      if (auto at = later_->find(name); at != later_->end()) {
        if (reportedLocals_.insert(name).second) {
          diag_.error(range, "local " + quote(name) + " is used before its definition");
          diag_.note(at->second->targetRange, quote(name) + " is defined here");
        }
        return nullptr;
      }
    }
    if (auto local = stepLocals_.find(name); where_ == Where::Event && local != stepLocals_.end()) {
      reportedNames_.insert(name);
      diag_.error(range, quote(name) + " is a local of 'step', not visible in 'on reward'; to use its "
                         "value here, keep it in a trace (declare 'trace " + name + "' and write it in the step)");
      diag_.note(local->second->targetRange, quote(name) + " is defined here");
      return nullptr;
    }
    reportUnknown(name, range, "use of undeclared name " + quote(name), NameCategory::Value);
    return nullptr;
  }
  const Symbol &s = *it->second;
  if (ambiguous_.count(&s))
    return nullptr;
  // What may be read where depends only on the kind, which a poisoned
  // quantity still has; its shape or unit is what is unknown.
  if (where_ == Where::Init)
    return mayReadInInit(s, range) && !poisoned_.count(&s) ? &s : nullptr;
  if (s.kind == SymbolKind::Quantity && where_ != Where::Step &&
      (s.quantity->qkind == QuantityKind::Input || s.quantity->qkind == QuantityKind::Noise)) {
    diag_.error(range, describe(s) + " is supplied only to the step: it cannot be read in " +
                           (where_ == Where::Event ? "'on reward'" : "the reward expression") +
                           " (store what the reward needs in a trace during the step)");
    diag_.note(s.range, quote(name) + " declared here");
    return nullptr;
  }
  if (s.kind == SymbolKind::Reward && where_ != Where::Event) {
    diag_.error(range, "the reward " + quote(name) + " can be used only inside 'on reward' "
                       "(it is computed at the end of the trial)");
    diag_.note(s.range, quote(name) + " declared here");
    return nullptr;
  }
  return poisoned_.count(&s) ? nullptr : &s;
}

void Checker::noteShapeOrigin(const Expr &e) {
  // Depth-first search for the first name whose own shape is e's shape.
  const Symbol *found = nullptr;
  auto visit = [&](auto &self, const Expr &x) -> void {
    if (found)
      return;
    switch (x.kind) {
    case ExprKind::Name: {
      auto *s = static_cast<const NameExpr &>(x).symbol;
      if (s && s->shape == e.shape && (s->kind == SymbolKind::Quantity || s->kind == SymbolKind::Local))
        found = s;
      return;
    }
    case ExprKind::Unary:
      self(self, *static_cast<const UnaryExpr &>(x).operand);
      return;
    case ExprKind::Binary:
      self(self, *static_cast<const BinaryExpr &>(x).lhs);
      self(self, *static_cast<const BinaryExpr &>(x).rhs);
      return;
    case ExprKind::Call:
      for (auto &a : static_cast<const CallExpr &>(x).args)
        if (a->shape == e.shape)
          self(self, *a);
      return;
    case ExprKind::HelperCall:
      for (auto &a : static_cast<const HelperCallExpr &>(x).args)
        if (a->shape == e.shape)
          self(self, *a);
      return;
    case ExprKind::IndexSum:
      self(self, *static_cast<const IndexSumExpr &>(x).body);
      return;
    default:
      return;
    }
  };
  if (e.shape.isScalar())
    return;
  visit(visit, e);
  if (found)
    diag_.note(found->range, quote(found->name) + (found->kind == SymbolKind::Local ? " defined" : " declared") +
                                 " here with shape " + found->shape.str());
}

bool Checker::combineShapes(Expr &result, const std::vector<Expr *> &ops, SourceRange at,
                            const std::string &what) {
  Shape out = Shape::scalar();
  const Expr *first = nullptr;
  for (Expr *o : ops) {
    result.axes |= o->axes;
    if (o->shape.isScalar())
      continue;
    if (!first) {
      first = o;
      out = o->shape;
    } else if (!(o->shape == out)) {
      diag_.error(at, "shapes do not agree in " + what + ": " + out.str() + " vs " + o->shape.str());
      noteShapeOrigin(*first);
      noteShapeOrigin(*o);
      return false;
    }
  }
  result.shape = out;
  return true;
}

bool Checker::sameUnits(const std::vector<Expr *> &ops, SourceRange at, const std::string &what) {
  for (Expr *o : ops)
    if (!(o->unit == ops[0]->unit)) {
      diag_.error(at, "units do not agree in " + what + ": " + ops[0]->unit.str() + " vs " + o->unit.str());
      return false;
    }
  return true;
}

bool Checker::checkUnitExponent(Expr &e, int64_t seconds) {
  if (std::llabs(seconds) > kMaxUnitExponent) {
    diag_.error(e.range, "unit exponent out of range: s^" + std::to_string(seconds));
    return false;
  }
  e.unit.seconds = static_cast<int32_t>(seconds);
  return true;
}

bool Checker::integerConstant(const Expr &e, int64_t &n) {
  if (auto *num = dyn<NumberExpr>(&e)) {
    if (!num->isInteger || num->suffix != UnitSuffix::None || num->literal > 1e15)
      return false;
    n = static_cast<int64_t>(num->literal);
    return true;
  }
  if (auto *neg = dyn<UnaryExpr>(&e)) {
    if (!integerConstant(*neg->operand, n))
      return false;
    n = -n;
    return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Leaves
//===----------------------------------------------------------------------===//

bool Checker::checkArguments(std::vector<ExprPtr> &args, std::vector<Expr *> &out) {
  bool ok = true;
  for (auto &a : args) {
    ok = check(*a) && ok;
    out.push_back(a.get());
  }
  return ok;
}

bool Checker::checkName(NameExpr &e) {
  if (e.symbol && e.symbol->kind == SymbolKind::Helper) {
    // A parameter or local of a helper call's instance: bound when the
    // instance was made, and checked before this use.
    const Expr &bound = *e.symbol->bound;
    e.shape = bound.shape;
    e.unit = bound.unit;
    e.axes = bound.axes;
    return true;
  }
  const Symbol *s = lookup(e.name, e.range);
  if (!s)
    return false;
  e.symbol = s;
  switch (s->kind) {
  case SymbolKind::StmtIndex:
    diag_.error(e.range, "index " + quote(e.name) + " can be used only inside [ ], as in r[" + e.name +
                             "]; only index-sum indices are values");
    return false;
  case SymbolKind::Dim:
  case SymbolKind::SumIndex:
    e.shape = Shape::scalar();
    e.unit = Unit{};
    return true;
  default:
    break;
  }
  e.shape = s->shape;
  e.unit = s->unit;
  if (indexed_ && reductionDepth_ == 0 && !s->shape.isScalar()) {
    diag_.error(e.range, std::string(s->shape.rank == 2 ? "matrix " : "vector ") + quote(e.name) +
                             " of shape " + s->shape.str() +
                             " is used without indices in an indexed statement; write " + e.name +
                             (s->shape.rank == 2 ? "[i, j]" : "[i] or " + e.name + "[j]") +
                             " with the statement's indices");
    diag_.note(s->range, quote(e.name) + " declared here");
    return false;
  }
  return true;
}

bool Checker::checkIndexArg(IndexExpr &e, IndexArg &arg, int axis, const Symbol &array) {
  int64_t extent = array.shape.dims[axis];
  std::string where = "axis " + std::to_string(axis) + " of " + quote(array.name) + " (shape " +
                      array.shape.str() + ")";
  if (arg.isLiteral()) {
    if (arg.literal < extent)
      return true;
    diag_.error(arg.range, "index " + std::to_string(arg.literal) + " is out of range for " + where);
    diag_.note(array.range, quote(array.name) + " declared here");
    return false;
  }
  for (auto it = sumIndices_.rbegin(); it != sumIndices_.rend(); ++it) {
    Symbol *s = *it;
    if (s->name != arg.name)
      continue;
    arg.symbol = s;
    if (s->extent == 0) {
      s->extent = extent;
      sumIndexFirstUse_[s] = arg.range;
      return true;
    }
    if (s->extent == extent)
      return true;
    diag_.error(arg.range, "index " + quote(arg.name) + " ranges over " + std::to_string(s->extent) +
                               " values, but " + where + " has " + std::to_string(extent));
    diag_.note(sumIndexFirstUse_[s], quote(arg.name) + " takes its range from its first use here");
    return false;
  }
  for (Symbol *s : stmtIndices_) {
    if (s->name != arg.name)
      continue;
    arg.symbol = s;
    if (reductionDepth_ > 0) {
      diag_.error(arg.range, "the argument of sum, count or mean cannot use the statement index " +
                                 quote(arg.name) + "; the reduction is over the whole array");
      return false;
    }
    // checkMatrixIndices has rejected transposed, diagonal and mixed reads.
    PLASTICC_INTERNAL_ASSERT(array.shape.rank < 2 || s->axis == axis,
                             "matrix read with a statement index on the wrong axis");
    if (s->extent != extent) {
      diag_.error(arg.range, quote(array.name) + " has shape " + array.shape.str() + ", but index " +
                                 quote(arg.name) + " ranges over " + std::to_string(s->extent) +
                                 " (axis " + std::to_string(s->axis) + " of the target, shape " +
                                 (stmtIndices_.size() == 2 ? Shape::matrix(stmtIndices_[0]->extent, stmtIndices_[1]->extent)
                                                           : Shape::vector(stmtIndices_[0]->extent)).str() +
                                 ")");
      diag_.note(array.range, quote(array.name) + " declared here with shape " + array.shape.str());
      return false;
    }
    e.axes |= static_cast<uint8_t>(1u << s->axis);
    return true;
  }
  if (auto it = globals_.find(arg.name); it != globals_.end()) {
    diag_.error(arg.range, quote(arg.name) + " is " + describe(*it->second) +
                               ", not an index; indices are the statement's (as in e[i, j] = ...), "
                               "those of an enclosing sum(a, ...), or integers");
    return false;
  }
  ClosestName closest(arg.name);
  for (const Symbol *s : stmtIndices_)
    closest.consider(s->name);
  for (const Symbol *s : sumIndices_)
    closest.consider(s->name);
  if (!closest.best().empty())
    diag_.error(arg.range, "unknown index " + quote(arg.name) + "; did you mean " + quote(closest.best()) + "?");
  else if (stmtIndices_.empty() && sumIndices_.empty())
    diag_.error(arg.range, "unknown index " + quote(arg.name) + ": only an indexed statement (as in x[" +
                               arg.name + "] = ...) binds indices; elsewhere index with integers or the "
                               "indices of an enclosing sum(a, ...)");
  else
    diag_.error(arg.range, "unknown index " + quote(arg.name) +
                               "; indices are the statement's (as in e[i, j] = ...), those of an "
                               "enclosing sum(a, ...), or integers");
  return false;
}

// Runs after checkIndexArg has accepted the indices that are not statement
// indices, and before it checks those that are.
bool Checker::checkMatrixIndices(const IndexExpr &e) {
  // A reduction's argument may not use statement indices at all:
  // checkIndexArg says so.
  if (reductionDepth_ > 0)
    return true;
  auto stmtIndex = [&](const IndexArg &a) -> const Symbol * {
    for (const Symbol *s : stmtIndices_)
      if (!a.isLiteral() && s->name == a.name)
        return s;
    return nullptr;
  };
  auto sumIndex = [&](const IndexArg &a) {
    return std::any_of(sumIndices_.begin(), sumIndices_.end(),
                       [&](const Symbol *s) { return !a.isLiteral() && s->name == a.name; });
  };
  auto spell = [](const IndexArg &a) { return a.isLiteral() ? std::to_string(a.literal) : a.name; };
  const IndexArg &first = e.indices[0], &second = e.indices[1];
  const Symbol *s0 = stmtIndex(first), *s1 = stmtIndex(second);
  if (!s0 && !s1)
    return true;
  std::string written = quote(e.name + "[" + spell(first) + ", " + spell(second) + "]");
  bool twoIndices = stmtIndices_.size() == 2;
  std::string i = stmtIndices_[0]->name, j = twoIndices ? stmtIndices_[1]->name : "";
  // How a matrix may be read in this statement.
  std::string rule = twoIndices ? "index a matrix by both statement indices, as in " + e.name + "[" + i +
                                      ", " + j + "], or by none"
                                : "this statement has one index, " + quote(i) +
                                      ", so a matrix is indexed by integers and index-sum indices only";
  if (!s0 || !s1) {
    const IndexArg &other = s0 ? second : first; // checked: an integer or a sum index
    PLASTICC_INTERNAL_ASSERT(other.isLiteral() || sumIndex(other), "unchecked index " + other.name);
    diag_.error(e.range, std::string("cannot mix a statement index with ") +
                             (other.isLiteral() ? "a fixed index" : "an index-sum index") + " in " +
                             written + ": " + rule);
    return false;
  }
  if (s0 == s1) {
    diag_.error(e.range, written + " reads the diagonal of " + quote(e.name) + ", which is not supported; " +
                             (twoIndices ? "in this statement a matrix is read as " + e.name + "[" + i + ", " +
                                               j + "] (" + quote(i) + " indexes axis 0 (post), " + quote(j) +
                                               " axis 1 (pre))"
                                         : rule));
    return false;
  }
  if (s0->axis == 1) {
    diag_.error(e.range, written + " is transposed: in this statement " + quote(i) +
                             " indexes axis 0 (post) and " + quote(j) + " axis 1 (pre); write " + e.name +
                             "[" + i + ", " + j + "]");
    return false;
  }
  return true;
}

bool Checker::checkIndex(IndexExpr &e) {
  const Symbol *s = lookup(e.name, e.nameRange);
  if (!s)
    return false;
  e.symbol = s;
  if (s->kind != SymbolKind::Quantity && s->kind != SymbolKind::Local) {
    diag_.error(e.nameRange, describe(*s) + " cannot be indexed; only quantities and locals can");
    return false;
  }
  if (s->shape.rank != e.indices.size()) {
    std::string need = s->shape.rank == 0 ? "it is a scalar and takes no index"
                       : s->shape.rank == 1 ? "it is a vector and takes one index"
                                            : "it is a matrix and takes two indices";
    diag_.error(e.range, quote(e.name) + " has shape " + s->shape.str() + ": " + need + ", found " +
                             std::to_string(e.indices.size()));
    diag_.note(s->range, quote(e.name) + " declared here");
    return false;
  }
  e.axes = 0;
  // Integers, sum indices and unknown names first, so that the matrix
  // pattern (transposed, diagonal, mixed) is judged on known indices.
  auto isStmtIndex = [&](const IndexArg &a) {
    return std::any_of(stmtIndices_.begin(), stmtIndices_.end(),
                       [&](const Symbol *x) { return !a.isLiteral() && x->name == a.name; });
  };
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1 && e.indices.size() == 2 && !checkMatrixIndices(e))
      return false;
    for (size_t k = 0; k < e.indices.size(); ++k)
      if (isStmtIndex(e.indices[k]) == (pass == 1) &&
          !checkIndexArg(e, e.indices[k], static_cast<int>(k), *s))
        return false;
  }
  e.shape = Shape::scalar();
  e.unit = s->unit;
  return true;
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

bool Checker::checkUnary(UnaryExpr &e) {
  if (!check(*e.operand))
    return false;
  e.shape = e.operand->shape;
  e.unit = e.operand->unit;
  e.axes = e.operand->axes;
  return true;
}

bool Checker::checkPower(BinaryExpr &e) {
  Expr &base = *e.lhs, &exponent = *e.rhs;
  if (!combineShapes(e, {&base, &exponent}, e.opRange, "'^'"))
    return false;
  if (!exponent.unit.dimensionless()) {
    diag_.error(exponent.range, "an exponent must be dimensionless, got " + exponent.unit.str());
    return false;
  }
  if (base.unit.dimensionless()) {
    e.unit = Unit{};
    return true;
  }
  int64_t n = 0;
  if (!integerConstant(exponent, n)) {
    diag_.error(exponent.range, "a value with a unit (" + base.unit.str() +
                                    ") can be raised only to an integer constant power");
    return false;
  }
  if (std::llabs(n) > kMaxUnitExponent)
    return checkUnitExponent(e, kMaxUnitExponent + 1);
  return checkUnitExponent(e, n * base.unit.seconds);
}

bool Checker::checkMatVec(BinaryExpr &e) {
  const Shape &a = e.lhs->shape, &v = e.rhs->shape;
  if (a.rank != 2 || v.rank != 1 || a.dims[1] != v.dims[0]) {
    diag_.error(e.opRange, "'@' needs a matrix [N,M] and a vector [M], got " + a.str() + " @ " + v.str());
    noteShapeOrigin(*e.lhs);
    noteShapeOrigin(*e.rhs);
    return false;
  }
  e.shape = Shape::vector(a.dims[0]);
  e.axes = e.lhs->axes | e.rhs->axes;
  return checkUnitExponent(e, int64_t(e.lhs->unit.seconds) + e.rhs->unit.seconds);
}

bool Checker::checkBinary(BinaryExpr &e) {
  bool okL = check(*e.lhs);
  bool okR = check(*e.rhs);
  if (!okL || !okR)
    return false;
  std::string what = std::string("'") + binaryOpSpelling(e.op) + "'";
  switch (e.op) {
  case BinaryOp::Pow:
    return checkPower(e);
  case BinaryOp::MatVec:
    return checkMatVec(e);
  case BinaryOp::Mul:
  case BinaryOp::Div:
    if (!combineShapes(e, {e.lhs.get(), e.rhs.get()}, e.opRange, what))
      return false;
    return checkUnitExponent(e, int64_t(e.lhs->unit.seconds) +
                                    (e.op == BinaryOp::Mul ? 1 : -1) * int64_t(e.rhs->unit.seconds));
  default: // + - and comparisons
    if (!combineShapes(e, {e.lhs.get(), e.rhs.get()}, e.opRange, what) ||
        !sameUnits({e.lhs.get(), e.rhs.get()}, e.opRange, what))
      return false;
    e.unit = isComparison(e.op) ? Unit{} : e.lhs->unit;
    return true;
  }
}

//===----------------------------------------------------------------------===//
// Calls and index sums
//===----------------------------------------------------------------------===//

bool Checker::checkReduction(CallExpr &e) {
  ++reductionDepth_;
  bool ok = check(*e.args[0]);
  --reductionDepth_;
  if (!ok)
    return false;
  e.shape = Shape::scalar();
  e.axes = 0;
  e.unit = e.callee == Builtin::Count ? Unit{} : e.args[0]->unit;
  return true;
}

bool Checker::checkCall(CallExpr &e) {
  const char *fn = builtinName(e.callee);
  if (e.callee == Builtin::Bernoulli) {
    diag_.error(e.range, "bernoulli(...) is a noise distribution: it can only be the whole "
                         "declaration of a noise, as in 'noise kick[N] = bernoulli(0.003)'");
    return false;
  }
  if (e.callee == Builtin::Normal || e.callee == Builtin::Uniform) {
    diag_.error(e.range, std::string(fn) + "(...) draws initial values: it can only be the whole "
                                           "initial value of a state or weight");
    return false;
  }
  int arity = builtinArity(e.callee);
  if (static_cast<int>(e.args.size()) != arity) {
    diag_.error(e.range, std::string("'") + fn + "' takes " + std::to_string(arity) + " argument" +
                             (arity == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
    std::string form = std::string(fn) + "(";
    for (int k = 0; k < arity; ++k)
      form += std::string(k ? ", " : "") + static_cast<char>('a' + k);
    form += ")";
    if (static_cast<int>(e.args.size()) > arity)
      diag_.note(e.args[static_cast<size_t>(arity)]->range, "the first argument too many; the call is " + form);
    else
      diag_.note(e.nameRange, "the call is " + form);
    return false;
  }
  if (e.callee == Builtin::Sum || e.callee == Builtin::Count || e.callee == Builtin::Mean)
    return checkReduction(e);
  std::vector<Expr *> args;
  if (!checkArguments(e.args, args))
    return false;
  std::string what = std::string(fn) + "(...)";
  if (!combineShapes(e, args, e.nameRange, what))
    return false;
  if (builtinUnits(e.callee) != BuiltinUnits::Special)
    return checkFunctionUnits(e, args);
  switch (e.callee) {
  case Builtin::Pow: {
    Expr &base = *args[0], &exponent = *args[1];
    if (!exponent.unit.dimensionless()) {
      diag_.error(exponent.range, "an exponent must be dimensionless, got " + exponent.unit.str());
      return false;
    }
    int64_t n = 0;
    if (base.unit.dimensionless()) {
      e.unit = Unit{};
      return true;
    }
    if (!integerConstant(exponent, n)) {
      diag_.error(exponent.range, "a value with a unit (" + base.unit.str() +
                                      ") can be raised only to an integer constant power");
      return false;
    }
    return checkUnitExponent(e, std::llabs(n) > kMaxUnitExponent ? kMaxUnitExponent + 1
                                                                  : n * base.unit.seconds);
  }
  case Builtin::Select:
    if (!sameUnits({args[1], args[2]}, e.nameRange, what))
      return false;
    e.unit = args[1]->unit;
    return true;
  default:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("unhandled builtin ") + fn);
}

// The unit rules of the FUNCTION table (dialect/Ops.def): sin(1 s) or
// floor(1 ms) would depend on the unit the value is written in.
bool Checker::checkFunctionUnits(CallExpr &e, const std::vector<Expr *> &args) {
  const char *fn = builtinName(e.callee);
  Expr &x = *args[0];
  switch (builtinUnits(e.callee)) {
  case BuiltinUnits::Dimensionless:
    if (!x.unit.dimensionless()) {
      diag_.error(x.range, std::string("the argument of ") + fn + " must be dimensionless, got " + x.unit.str());
      return false;
    }
    e.unit = Unit{};
    return true;
  case BuiltinUnits::Root:
    if (x.unit.seconds % 2 != 0) {
      diag_.error(x.range, "the square root of a value in " + x.unit.str() + " has no unit; sqrt needs "
                           "an even power of s");
      return false;
    }
    e.unit = Unit{x.unit.seconds / 2};
    return true;
  case BuiltinUnits::Keep:
    e.unit = x.unit;
    return true;
  case BuiltinUnits::Drop:
    e.unit = Unit{};
    return true;
  case BuiltinUnits::Same:
  case BuiltinUnits::Ratio:
    if (!sameUnits(args, e.nameRange, std::string(fn) + "(...)"))
      return false;
    e.unit = builtinUnits(e.callee) == BuiltinUnits::Same ? x.unit : Unit{};
    return true;
  case BuiltinUnits::Special:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("no unit rule for builtin ") + fn);
}

bool Checker::checkIndexSum(IndexSumExpr &e) {
  size_t mark = sumIndices_.size();
  bool ok = true;
  for (IndexVar &v : e.vars) {
    if (!checkShadowing(v.name, v.range, "index")) {
      ok = false;
      break;
    }
    Symbol *s = newSymbol(SymbolKind::SumIndex, v.name, v.range);
    v.symbol = s;
    sumIndices_.push_back(s);
  }
  ok = ok && check(*e.body);
  sumIndices_.resize(mark);
  if (!ok)
    return false;
  int64_t terms = 1;
  for (IndexVar &v : e.vars) {
    int64_t extent = v.symbol->extent;
    if (extent == 0) {
      diag_.error(v.range, "index " + quote(v.name) + " of the sum indexes no array, so its range is "
                           "unknown; use it as an index, as in theta[" + v.name + "]");
      return false;
    }
    terms = std::min<int64_t>(terms * extent, kMaxIndexSumTerms + 1);
  }
  if (terms > kMaxIndexSumTerms) {
    diag_.error(e.range, "this index sum has more than " + std::to_string(kMaxIndexSumTerms) +
                             " terms; it is unrolled at compile time, so keep its ranges small");
    return false;
  }
  e.shape = e.body->shape;
  e.unit = e.body->unit;
  e.axes = e.body->axes;
  return true;
}

bool Checker::check(Expr &e) {
  e.axes = 0;
  switch (e.kind) {
  case ExprKind::Number: {
    auto &n = static_cast<NumberExpr &>(e);
    e.shape = Shape::scalar();
    e.unit = unitOfSuffix(n.suffix);
    return true;
  }
  case ExprKind::Name:
    return checkName(static_cast<NameExpr &>(e));
  case ExprKind::Index:
    return checkIndex(static_cast<IndexExpr &>(e));
  case ExprKind::Unary:
    return checkUnary(static_cast<UnaryExpr &>(e));
  case ExprKind::Binary:
    return checkBinary(static_cast<BinaryExpr &>(e));
  case ExprKind::Call:
    return checkCall(static_cast<CallExpr &>(e));
  case ExprKind::IndexSum:
    return checkIndexSum(static_cast<IndexSumExpr &>(e));
  case ExprKind::HelperCall:
    return checkHelperCall(static_cast<HelperCallExpr &>(e));
  }
  return false;
}

} // namespace plasticc::sema

//===- compiler/lowering/LowerToDialect.cpp - checked AST to dialect IR ---===//
//
// A Lowerer walks the checked tree once per region (LowerToDialect.h lists
// what goes where). Two maps carry the state of a region: the current value
// of every quantity (its first read creates `read @q`, a write replaces it)
// and the SSA value of every local. Expressions are lowered through a memo
// keyed by (node, values of the index-sum indices it uses), so that an index
// sum unrolled over (a, b) computes r^a once per a and post^b once per b.
//
// Indexed statements. Sema recorded, for every node, the statement axes its
// value varies along (Expr::axes: bit 0 = i/post, bit 1 = j/pre). A node with
// axes {} is a scalar, {i} a vector over i's extent, {j} a vector over j's,
// {i, j} a matrix. An operand is broadcast to its parent's axes only when the
// parent needs it (bcast axis 0 for an i-vector, axis 1 for a j-vector), and
// the product of an i-vector and a j-vector is `outer`, so per-neuron work
// stays per neuron.
//
// A call of a C++ helper (HelperCallExpr) is inlined: Sema gave it its own
// instance of the helper's body, whose names stand for the call's arguments
// and the body's locals (Symbol::bound), so it lowers through the same memo
// as any expression.
//
//===----------------------------------------------------------------------===//
#include "compiler/lowering/LowerToDialect.h"

#include "dialect/Builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace plasticc {

using namespace ast;

namespace {

ir::QuantityKind irKind(ast::QuantityKind k) {
  switch (k) {
  case ast::QuantityKind::Meta: return ir::QuantityKind::Meta;
  case ast::QuantityKind::Param: return ir::QuantityKind::Param;
  case ast::QuantityKind::Input: return ir::QuantityKind::Input;
  case ast::QuantityKind::Noise: return ir::QuantityKind::Noise;
  case ast::QuantityKind::State: return ir::QuantityKind::State;
  case ast::QuantityKind::Weight: return ir::QuantityKind::Weight;
  case ast::QuantityKind::Trace: return ir::QuantityKind::Trace;
  case ast::QuantityKind::Baseline: return ir::QuantityKind::Baseline;
  case ast::QuantityKind::Output: return ir::QuantityKind::Output;
  }
  PLASTICC_INTERNAL_ASSERT(false, "unknown quantity kind");
}

/// The op of a compound assignment: x op= v is x = x op v.
ir::OpKind compoundKind(AssignOp op) {
  switch (op) {
  case AssignOp::AddTo: return ir::OpKind::Add;
  case AssignOp::SubFrom: return ir::OpKind::Sub;
  case AssignOp::MulBy: return ir::OpKind::Mul;
  case AssignOp::DivBy: return ir::OpKind::Div;
  case AssignOp::Set: break;
  }
  PLASTICC_INTERNAL_ASSERT(false, "not a compound assignment");
}

ir::Type irType(const Shape &s) {
  return s.rank == 0 ? ir::Type::scalar()
         : s.rank == 1 ? ir::Type::vector(s.dims[0])
                       : ir::Type::matrix(s.dims[0], s.dims[1]);
}

/// The dialect op of a builtin that is one elementwise op (the FUNCTION
/// table of dialect/Ops.def), or nothing.
std::optional<ir::OpKind> elementwiseOp(Builtin fn) {
  switch (fn) {
#define FUNCTION(Enum, Units)                                                                      \
  case Builtin::Enum: return ir::OpKind::Enum;
#include "dialect/Ops.def"
  default: return std::nullopt;
  }
}

ir::OpKind binaryKind(BinaryOp op) {
  switch (op) {
  case BinaryOp::Lt: return ir::OpKind::Lt;
  case BinaryOp::Le: return ir::OpKind::Le;
  case BinaryOp::Gt: return ir::OpKind::Gt;
  case BinaryOp::Ge: return ir::OpKind::Ge;
  case BinaryOp::Eq: return ir::OpKind::Eq;
  case BinaryOp::Ne: return ir::OpKind::Ne;
  case BinaryOp::Add: return ir::OpKind::Add;
  case BinaryOp::Sub: return ir::OpKind::Sub;
  case BinaryOp::Mul: return ir::OpKind::Mul;
  case BinaryOp::Div: return ir::OpKind::Div;
  case BinaryOp::Pow: return ir::OpKind::Pow;
  case BinaryOp::MatVec: return ir::OpKind::MatVec;
  }
  PLASTICC_INTERNAL_ASSERT(false, "unknown binary operator");
}

class Lowerer {
public:
  explicit Lowerer(const Module &ast)
      : ast_(ast), m_(std::make_unique<ir::Module>()), b_(*m_, m_->init) {}

  std::unique_ptr<ir::Module> run();

private:
  // --- module and regions ---
  void declare();
  void writeInitialValue(const QuantityDecl &q);
  void lowerInit();
  void lowerTrial();
  void lowerStep();
  void lowerReward();
  void beginRegion(ir::Region &r);
  void lowerBlock(const BlockDecl &block);
  void lowerStmt(const AssignStmt &s);
  void declareQuantity(const QuantityDecl &q);
  void lowerElementWrite(const AssignStmt &s);

  // --- values ---
  ir::Op *current(const Symbol &q, Loc at);
  ir::Op *lower(const Expr &e);
  ir::Op *lowerUncached(const Expr &e);
  ir::Op *lowerIndex(const IndexExpr &e);
  ir::Op *lowerBinary(const BinaryExpr &e);
  ir::Op *lowerCall(const CallExpr &e);
  ir::Op *lowerIndexSum(const IndexSumExpr &e);
  ir::Op *lowerHelperCall(const HelperCallExpr &e);
  ir::Op *fitToCall(ir::Op *v, uint8_t axes, const HelperCallExpr &e);
  ir::Op *power(ir::Op *base, const Expr &exponent);
  ir::Op *promote(ir::Op *v, uint8_t from, uint8_t to);
  ir::Op *toType(ir::Op *v, uint8_t axes, const ir::Type &type);
  const std::vector<const Symbol *> &freeSumIndices(const Expr &e);
  void at(const Expr &e) { b_.setLoc(e.range.begin); }

  const Module &ast_;
  std::unique_ptr<ir::Module> m_;
  ir::Builder b_;
  std::unordered_map<const Symbol *, ir::Quantity *> quantities_;

  // per region
  std::unordered_map<const ir::Quantity *, ir::Op *> current_;
  std::unordered_map<const Symbol *, ir::Op *> locals_;
  ir::Op *reward_ = nullptr;

  // per statement
  std::array<int64_t, 2> extents_{1, 1}; // of the statement indices' axes
  std::unordered_map<const Symbol *, int64_t> sumValues_;
  std::map<std::pair<const Expr *, std::vector<int64_t>>, ir::Op *> memo_;
  std::unordered_map<const Expr *, std::vector<const Symbol *>> freeCache_;
};

//===----------------------------------------------------------------------===//
// Regions
//===----------------------------------------------------------------------===//

void Lowerer::declare() {
  m_->name = ast_.name;
  for (auto &d : ast_.decls) {
    if (auto *dim = dyn<DimDecl>(d.get()))
      m_->dims.push_back({dim->name, dim->value});
    else if (auto *q = dyn<QuantityDecl>(d.get()))
      declareQuantity(*q);
  }
}

void Lowerer::declareQuantity(const QuantityDecl &q) {
  ir::Quantity *iq =
      m_->addQuantity(q.name, irKind(q.qkind), irType(q.shape), q.nameRange.begin, q.plastic);
  quantities_[q.symbol] = iq;
  auto *call = dyn<CallExpr>(q.init.get());
  if (q.qkind != ast::QuantityKind::Noise || !call)
    return;
  iq->noise.kind = call->callee == Builtin::Uniform     ? ir::NoiseDist::Uniform
                   : call->callee == Builtin::Bernoulli ? ir::NoiseDist::Bernoulli
                                                        : ir::NoiseDist::Normal;
  iq->noise.a = q.noiseParams[0];
  iq->noise.b = q.noiseParams[1];
}

void Lowerer::beginRegion(ir::Region &r) {
  b_.setRegion(r);
  current_.clear();
  locals_.clear();
  memo_.clear();
  sumValues_.clear();
}

ir::Op *Lowerer::current(const Symbol &s, Loc loc) {
  ir::Quantity *q = quantities_.at(&s);
  auto it = current_.find(q);
  if (it != current_.end())
    return it->second;
  b_.setLoc(loc);
  return current_[q] = b_.read(q);
}

ir::Op *Lowerer::toType(ir::Op *v, uint8_t axes, const ir::Type &type) {
  if (v->type == type)
    return v;
  if (axes == 1 || axes == 2)
    return b_.bcast(v, type, axes == 1 ? 0 : 1);
  return b_.bcast(v, type);
}

// Writes the declared initial value of q in the current region: a random
// draw (normal/uniform, init region only; Sema allows them nowhere else), an
// expression, or 0 where none is given.
void Lowerer::writeInitialValue(const QuantityDecl &q) {
  ir::Quantity *iq = quantities_.at(q.symbol);
  ir::Op *value = nullptr;
  auto *call = dyn<CallExpr>(q.init.get());
  if (call && (call->callee == Builtin::Normal || call->callee == Builtin::Uniform)) {
    ir::Op *a = lower(*call->args[0]);
    ir::Op *bArg = lower(*call->args[1]);
    at(*call);
    int64_t stream = 0;
    while (m_->quantities[stream].get() != iq)
      ++stream;
    value = b_.random(call->callee == Builtin::Normal ? ir::OpKind::RandNormal : ir::OpKind::RandUniform,
                      a, bArg, iq->type, stream, iq->name);
  } else if (q.init) {
    value = lower(*q.init);
  } else {
    b_.setLoc(q.nameRange.begin);
    value = b_.constant(0.0, ir::Type::scalar());
  }
  b_.setLoc(q.nameRange.begin);
  value = toType(value, 0, iq->type);
  b_.write(iq, value);
  current_[iq] = value;
  // A later initialiser reads a state or weight back (`read @x`), so that
  // the IR says which states are derived from which (state xbar[N] = x;
  // dialect/TrialStart.h): plasticc_set_trial_start computes them again.
  if (&b_.region() == &m_->init &&
      (iq->kind == ir::QuantityKind::State || iq->kind == ir::QuantityKind::Weight))
    current_.erase(iq);
  memo_.clear();
}

// Per MODEL.md the init region sets, in declaration order, every meta
// default, param value and initial value of the persistent quantities.
void Lowerer::lowerInit() {
  beginRegion(m_->init);
  for (auto &d : ast_.decls) {
    auto *q = dyn<QuantityDecl>(d.get());
    if (!q)
      continue;
    ast::QuantityKind k = q->qkind;
    if (k == ast::QuantityKind::Input || k == ast::QuantityKind::Noise ||
        k == ast::QuantityKind::Output || k == ast::QuantityKind::Trace)
      continue;
    writeInitialValue(*q);
  }
}

// The trial region resets every trace to its initial value (MODEL.md "One
// trial k"); states are restored by the runtime from their init copies.
void Lowerer::lowerTrial() {
  beginRegion(m_->trial);
  for (auto &d : ast_.decls) {
    auto *q = dyn<QuantityDecl>(d.get());
    if (q && q->qkind == ast::QuantityKind::Trace)
      writeInitialValue(*q);
  }
}

void Lowerer::lowerBlock(const BlockDecl &block) {
  for (auto &s : block.stmts)
    lowerStmt(*s);
}

void Lowerer::lowerStep() {
  beginRegion(m_->step);
  if (const BlockDecl *step = ast_.step())
    lowerBlock(*step);
}

// R first (it reads the trial's final values), then the event, then ret R.
void Lowerer::lowerReward() {
  beginRegion(m_->reward);
  Loc retLoc = ast_.nameRange.begin.valid() ? ast_.nameRange.begin : Loc{1, 1};
  if (const RewardDecl *r = ast_.reward()) {
    reward_ = lower(*r->value);
    if (reward_->name.empty())
      reward_->name = r->name;
    retLoc = r->range.begin;
  } else {
    b_.setLoc(retLoc);
    reward_ = b_.constant(0.0, ir::Type::scalar(), "R");
  }
  memo_.clear();
  if (const BlockDecl *event = ast_.event()) {
    lowerBlock(*event);
    retLoc = event->range.begin;
  }
  b_.setLoc(retLoc);
  b_.ret({reward_});
}

void Lowerer::lowerStmt(const AssignStmt &s) {
  memo_.clear();
  sumValues_.clear();
  const Symbol &target = *s.symbol;
  if (s.definesLocal) {
    ir::Op *v = lower(*s.value);
    if (v->name.empty())
      v->name = s.target;
    locals_[&target] = v;
    return;
  }
  if (s.isElementWrite()) {
    lowerElementWrite(s);
    return;
  }
  ir::Quantity *q = quantities_.at(&target);
  uint8_t full = 0;
  extents_ = {1, 1};
  for (auto &ti : s.indices) {
    full |= static_cast<uint8_t>(1u << ti.symbol->axis);
    extents_[ti.symbol->axis] = ti.symbol->extent;
  }
  ir::Op *v = lower(*s.value);
  b_.setLoc(s.range.begin);
  // A value that varies along fewer axes than the target is broadcast.
  v = toType(v, s.value->axes == full ? 0 : s.value->axes, q->type);
  if (s.op != AssignOp::Set) {
    ir::Op *old = current(target, s.targetRange.begin);
    b_.setLoc(s.opRange.begin);
    v = b_.binary(compoundKind(s.op), old, v);
  }
  if (v->name.empty())
    v->name = q->name;
  b_.setLoc(s.targetRange.begin);
  b_.write(q, v);
  current_[q] = v;
}

// x[k] = v is x' = select(onehot@k, v, x): the new value of the whole
// quantity, equal to x except at element k (v, a scalar, broadcasts). For
// `x[k] += v` the value is x[k] + v. The tangent follows the select: dv at
// k, dx elsewhere. The region keeps one `write @x` (the verifier's rule):
// the write of the whole x or of an earlier element, if any, is replaced
// by the write of x' here (a write has no users, and later statements have
// read x through current_, never through a `read @x`).
void Lowerer::lowerElementWrite(const AssignStmt &s) {
  const Symbol &target = *s.symbol;
  ir::Quantity *q = quantities_.at(&target);
  extents_ = {1, 1};
  ir::Op *v = lower(*s.value);
  ir::Op *old = current(target, s.targetRange.begin);
  std::vector<int64_t> indices;
  int64_t flat = 0;
  for (size_t k = 0; k < s.indices.size(); ++k) {
    indices.push_back(s.indices[k].literal);
    flat = flat * q->type.dims[k] + s.indices[k].literal;
  }
  if (s.op != AssignOp::Set) {
    b_.setLoc(s.targetRange.begin);
    ir::Op *element = b_.extract(old, indices);
    b_.setLoc(s.opRange.begin);
    v = b_.binary(compoundKind(s.op), element, v);
  }
  b_.setLoc(s.targetRange.begin);
  ir::Op *at = b_.oneHot(q->type, flat);
  ir::Op *clamped = b_.select(at, v, old, q->name);
  auto &ops = b_.region().ops;
  auto earlier = std::find_if(ops.rbegin(), ops.rend(), [&](const std::unique_ptr<ir::Op> &op) {
    return op->kind == ir::OpKind::Write && op->quantity == q;
  });
  if (earlier != ops.rend())
    ops.erase(std::next(earlier).base());
  b_.write(q, clamped);
  current_[q] = clamped;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

const std::vector<const Symbol *> &Lowerer::freeSumIndices(const Expr &e) {
  if (auto it = freeCache_.find(&e); it != freeCache_.end())
    return it->second;
  std::vector<const Symbol *> out;
  auto add = [&](const Symbol *s) {
    if (s && s->kind == SymbolKind::SumIndex && std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(s);
  };
  auto addAll = [&](const Expr &child) {
    for (const Symbol *s : freeSumIndices(child))
      add(s);
  };
  switch (e.kind) {
  case ExprKind::Number:
    break;
  case ExprKind::Name: {
    const Symbol *s = static_cast<const NameExpr &>(e).symbol;
    if (s->kind == SymbolKind::Helper)
      addAll(*s->bound); // an argument (or local) of a helper call stands for its value
    else
      add(s);
    break;
  }
  case ExprKind::Index:
    for (auto &a : static_cast<const IndexExpr &>(e).indices)
      add(a.symbol);
    break;
  case ExprKind::Unary:
    addAll(*static_cast<const UnaryExpr &>(e).operand);
    break;
  case ExprKind::Binary:
    addAll(*static_cast<const BinaryExpr &>(e).lhs);
    addAll(*static_cast<const BinaryExpr &>(e).rhs);
    break;
  case ExprKind::Call:
    for (auto &a : static_cast<const CallExpr &>(e).args)
      addAll(*a);
    break;
  case ExprKind::HelperCall:
    for (auto &a : static_cast<const HelperCallExpr &>(e).args)
      addAll(*a);
    break;
  case ExprKind::IndexSum: {
    auto &sum = static_cast<const IndexSumExpr &>(e);
    for (const Symbol *s : freeSumIndices(*sum.body)) {
      bool bound = false;
      for (auto &v : sum.vars)
        bound |= v.symbol == s;
      if (!bound)
        add(s);
    }
    break;
  }
  }
  return freeCache_[&e] = std::move(out);
}

ir::Op *Lowerer::lower(const Expr &e) {
  std::vector<int64_t> key;
  for (const Symbol *s : freeSumIndices(e))
    key.push_back(sumValues_.at(s));
  auto memoKey = std::make_pair(&e, std::move(key));
  if (auto it = memo_.find(memoKey); it != memo_.end())
    return it->second;
  ir::Op *op = lowerUncached(e);
  memo_[memoKey] = op;
  return op;
}

// An operand with axes `from` used where its parent varies along `to`:
// scalars broadcast inside elementwise ops; a vector meets the other index
// through bcast along its own axis.
ir::Op *Lowerer::promote(ir::Op *v, uint8_t from, uint8_t to) {
  if (from == to || from == 0 || to != 3)
    return v;
  return b_.bcast(v, ir::Type::matrix(extents_[0], extents_[1]), from == 1 ? 0 : 1);
}

ir::Op *Lowerer::lowerUncached(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Number:
    at(e);
    return b_.constant(static_cast<const NumberExpr &>(e).siValue(), ir::Type::scalar());
  case ExprKind::Name: {
    const Symbol &s = *static_cast<const NameExpr &>(e).symbol;
    switch (s.kind) {
    case SymbolKind::Dim:
      at(e);
      return b_.constant(static_cast<double>(s.value), ir::Type::scalar());
    case SymbolKind::SumIndex:
      at(e);
      return b_.constant(static_cast<double>(sumValues_.at(&s)), ir::Type::scalar());
    case SymbolKind::Quantity:
      return current(s, e.range.begin);
    case SymbolKind::Local:
      return locals_.at(&s);
    case SymbolKind::Reward:
      PLASTICC_INTERNAL_ASSERT(reward_ != nullptr, "R used outside the reward region");
      return reward_;
    case SymbolKind::Helper:
      return lower(*s.bound);
    case SymbolKind::StmtIndex:
      break;
    }
    PLASTICC_INTERNAL_ASSERT(false, "statement index used as a value: " + s.name);
  }
  case ExprKind::Index:
    return lowerIndex(static_cast<const IndexExpr &>(e));
  case ExprKind::Unary: {
    ir::Op *x = lower(*static_cast<const UnaryExpr &>(e).operand);
    at(e);
    return b_.unary(ir::OpKind::Neg, x);
  }
  case ExprKind::Binary:
    return lowerBinary(static_cast<const BinaryExpr &>(e));
  case ExprKind::Call:
    return lowerCall(static_cast<const CallExpr &>(e));
  case ExprKind::IndexSum:
    return lowerIndexSum(static_cast<const IndexSumExpr &>(e));
  case ExprKind::HelperCall:
    return lowerHelperCall(static_cast<const HelperCallExpr &>(e));
  }
  PLASTICC_INTERNAL_ASSERT(false, "unknown expression kind");
}

// r[j], e[i, j]: the whole array (its axes say which statement index it
// varies along). theta[a, b], u[0]: one element, extracted.
ir::Op *Lowerer::lowerIndex(const IndexExpr &e) {
  const Symbol &array = *e.symbol;
  ir::Op *value = array.kind == SymbolKind::Local ? locals_.at(&array) : current(array, e.nameRange.begin);
  if (e.axes != 0)
    return value;
  std::vector<int64_t> indices;
  for (auto &a : e.indices)
    indices.push_back(a.isLiteral() ? a.literal : sumValues_.at(a.symbol));
  at(e);
  return b_.extract(value, std::move(indices));
}

// x^n with a non-negative integer constant n (a literal or an unrolled
// index-sum index) is powi; any other exponent is pow. The op takes the
// builder's current location (the caller's '^' or pow call).
ir::Op *Lowerer::power(ir::Op *base, const Expr &exponent) {
  int64_t n = -1;
  if (auto *num = dyn<NumberExpr>(&exponent);
      num && num->isInteger && num->suffix == UnitSuffix::None && num->literal <= 1e9)
    n = static_cast<int64_t>(num->literal);
  else if (auto *name = dyn<NameExpr>(&exponent); name && name->symbol->kind == SymbolKind::SumIndex)
    n = sumValues_.at(name->symbol);
  if (n >= 0)
    return b_.powi(base, n);
  Loc loc = b_.loc();
  ir::Op *y = lower(exponent);
  b_.setLoc(loc);
  return b_.binary(ir::OpKind::Pow, base, y);
}

ir::Op *Lowerer::lowerBinary(const BinaryExpr &e) {
  ir::Op *x = lower(*e.lhs);
  if (e.op == BinaryOp::Pow && e.rhs->axes == 0) {
    // The base varies along all of e's axes: no broadcast needed.
    b_.setLoc(e.opRange.begin);
    return power(x, *e.rhs);
  }
  ir::Op *y = lower(*e.rhs);
  uint8_t ax = e.lhs->axes, ay = e.rhs->axes;
  b_.setLoc(e.opRange.begin);
  if (e.op == BinaryOp::MatVec)
    return b_.matvec(x, y);
  if (e.op == BinaryOp::Mul && ((ax == 1 && ay == 2) || (ax == 2 && ay == 1)))
    return ax == 1 ? b_.outer(x, y) : b_.outer(y, x);
  x = promote(x, ax, e.axes);
  y = promote(y, ay, e.axes);
  b_.setLoc(e.opRange.begin);
  return b_.binary(binaryKind(e.op), x, y);
}

ir::Op *Lowerer::lowerCall(const CallExpr &e) {
  if (e.callee == Builtin::Pow && e.args[1]->axes == 0) {
    ir::Op *base = lower(*e.args[0]);
    at(e);
    return power(base, *e.args[1]);
  }
  std::vector<ir::Op *> args;
  for (auto &a : e.args)
    args.push_back(lower(*a));
  at(e);
  if (e.callee != Builtin::Sum && e.callee != Builtin::Count && e.callee != Builtin::Mean)
    for (size_t k = 0; k < args.size(); ++k)
      args[k] = promote(args[k], e.args[k]->axes, e.axes);
  if (auto kind = elementwiseOp(e.callee))
    return b_.create(*kind, args);
  switch (e.callee) {
  case Builtin::Sum:
    return b_.reduce(ir::OpKind::Sum, args[0]);
  case Builtin::Count:
    return b_.reduce(ir::OpKind::Count, args[0]);
  case Builtin::Mean: {
    ir::Op *sum = b_.reduce(ir::OpKind::Sum, args[0]);
    ir::Op *n = b_.constant(static_cast<double>(args[0]->type.numElements()), ir::Type::scalar());
    return b_.binary(ir::OpKind::Div, sum, n);
  }
  case Builtin::Pow:
    return b_.binary(ir::OpKind::Pow, args[0], args[1]);
  case Builtin::Clip:
    return b_.clip(args[0], args[1], args[2]);
  case Builtin::Select:
    return b_.select(args[0], args[1], args[2]);
  case Builtin::Normal:
  case Builtin::Uniform:
  case Builtin::Bernoulli:
    PLASTICC_INTERNAL_ASSERT(false, "random draw outside an initialiser");
  default:
    break;
  }
  PLASTICC_INTERNAL_ASSERT(false, std::string("no lowering of builtin ") + builtinName(e.callee));
}

// Unrolled: one term per combination of index values, added left to right.
ir::Op *Lowerer::lowerIndexSum(const IndexSumExpr &e) {
  std::vector<int64_t> values(e.vars.size(), 0);
  ir::Op *acc = nullptr;
  for (;;) {
    for (size_t k = 0; k < e.vars.size(); ++k)
      sumValues_[e.vars[k].symbol] = values[k];
    ir::Op *term = lower(*e.body);
    if (acc) {
      at(e);
      acc = b_.binary(ir::OpKind::Add, acc, term);
    } else {
      acc = term;
    }
    size_t k = e.vars.size();
    while (k > 0) {
      --k;
      if (++values[k] < e.vars[k].symbol->extent)
        break;
      values[k] = 0;
      if (k == 0) {
        for (auto &v : e.vars)
          sumValues_.erase(v.symbol);
        return acc;
      }
    }
  }
}

// Inlined: the locals in order (each once, through the memo, so a chain of
// unrolled loop trips never recurses deeply), then the result. A local's
// op is named after the helper and the C++ variable (%rate.t), so the
// lifted helper can be read in --emit=ir.
ir::Op *Lowerer::lowerHelperCall(const HelperCallExpr &e) {
  for (const HelperLet &let : e.lets) {
    ir::Op *v = lower(*let.value);
    if (v->name.empty() && let.value->kind != ExprKind::Name)
      v->name = e.name + "." + let.name;
  }
  return fitToCall(lower(*e.result), e.result->axes, e);
}

// A helper's result that does not depend on every argument (return 0, or a
// function of a scalar argument only) is still the call's value at every
// element: broadcast it to the call's shape, as a built-in's would be.
ir::Op *Lowerer::fitToCall(ir::Op *v, uint8_t axes, const HelperCallExpr &e) {
  if (axes != e.axes) {
    at(e);
    if (axes == 0) {
      ir::Type type = e.axes == 3   ? ir::Type::matrix(extents_[0], extents_[1])
                      : e.axes == 1 ? ir::Type::vector(extents_[0])
                                    : ir::Type::vector(extents_[1]);
      return b_.bcast(v, type);
    }
    return promote(v, axes, e.axes);
  }
  if (e.axes == 0 && !(v->type == irType(e.shape))) {
    at(e);
    return b_.bcast(v, irType(e.shape));
  }
  return v;
}

std::unique_ptr<ir::Module> Lowerer::run() {
  PLASTICC_INTERNAL_ASSERT(ast_.checked, "lowerToDialect needs a module that passed Sema");
  declare();
  lowerInit();
  lowerTrial();
  lowerStep();
  lowerReward();
  return std::move(m_);
}

} // namespace

std::unique_ptr<ir::Module> lowerToDialect(const ast::Module &module) { return Lowerer(module).run(); }

} // namespace plasticc

//===- compiler/codegen/Factorize.cpp - factoring separable synapse sums --===//
#include "compiler/codegen/Factorize.h"

#include "dialect/Builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace plasticc::codegen {

namespace {

using ir::Op;
using ir::OpKind;
using ir::Type;

/// How a factor of a synapse term is indexed: by nothing, the row (post i),
/// the column (pre j) or both.
enum class Role { Scalar, Row, Col, Full };

struct Factor {
  const Op *op;
  Role role;
};

/// coef * product of factors.
struct Term {
  double coef = 1.0;
  std::vector<Factor> factors;
};
using Sum = std::vector<Term>;

/// More terms than this: the expansion is not worth it (or blows up).
constexpr size_t kMaxTerms = 512;
/// Deepest operand chain an expansion follows.
constexpr int kMaxExpandDepth = 128;

class Factorizer {
public:
  Factorizer(const ir::Module &m, const ir::Region &r) : in_(r) {
    scratch_.lanes = m.lanes;
    out_.name = r.name;
  }

  ir::Region run() {
    std::set<const Op *> roots;
    for (auto &op : in_.ops)
      if ((op->kind == OpKind::Write || op->kind == OpKind::WriteTangent) &&
          op->operands[0]->type.rank == 2)
        roots.insert(op->operands[0]);
    versions();
    number();
    ir::Builder b(scratch_, out_);
    b_ = &b;
    for (auto &op : in_.ops) {
      b.setLoc(op->loc);
      Op *made = nullptr;
      if (roots.count(op.get()))
        made = factor(op.get());
      map_[op.get()] = made ? made : clone(op.get());
    }
    return std::move(out_);
  }

private:
  // ---- copying ----------------------------------------------------------

  Op *clone(const Op *op) {
    std::vector<Op *> operands;
    for (const Op *o : op->operands)
      operands.push_back(map_.at(o));
    std::optional<Type> declared;
    if (op->hasResult())
      declared = op->type;
    return b_->create(op->kind, operands, op->attrs, declared, op->quantity, op->name);
  }

  /// Reads of the same quantity between the same writes read the same value.
  void versions() {
    std::map<std::pair<const ir::Quantity *, bool>, int> count;
    for (auto &op : in_.ops) {
      bool tangent = op->kind == OpKind::ReadTangent || op->kind == OpKind::WriteTangent;
      if (op->kind == OpKind::Read || op->kind == OpKind::ReadTangent)
        version_[op.get()] = count[{op->quantity, tangent}];
      else if (op->kind == OpKind::Write || op->kind == OpKind::WriteTangent)
        ++count[{op->quantity, tangent}];
    }
  }

  /// Structural value numbers as keys: equal keys compute equal values
  /// (duplicated ops of the lowering, e.g. one powi per term, compare
  /// equal). Operands come before their uses in a region, so one forward
  /// pass numbers every op from its operands' numbers: keys of constant
  /// size and no recursion, however long a chain of ops (an unrolled C++
  /// helper loop made the former recursive string keys quadratic and deep
  /// enough to overflow the stack).
  void number() {
    std::map<std::string, size_t> ids;
    for (auto &op : in_.ops) {
      std::string k = std::string(ir::mnemonic(op->kind)) + ":" + op->type.str();
      if (op->quantity)
        k += "@" + op->quantity->name + "#" + std::to_string(version_[op.get()]);
      if (op->kind == OpKind::Const)
        k += "=" + std::to_string(op->attrs.value) + "/" +
             std::to_string(std::hash<double>()(op->attrs.value));
      for (int64_t v : op->attrs.ints)
        k += "," + std::to_string(v);
      k += "(";
      for (const Op *o : op->operands)
        k += key(o) + ";";
      k += ")";
      auto [it, fresh] = ids.emplace(std::move(k), ids.size());
      keys_[op.get()] = "v" + std::to_string(it->second);
    }
  }

  /// The key of `op` (number()); an op from outside the region is its own.
  const std::string &key(const Op *op) {
    auto it = keys_.find(op);
    if (it != keys_.end())
      return it->second;
    return keys_[op] = "p" + std::to_string(reinterpret_cast<uintptr_t>(op));
  }

  // ---- expansion into sums of products -----------------------------------

  static Sum constant(double v) { return v == 0.0 ? Sum{} : Sum{Term{v, {}}}; }
  static Sum atom(const Op *op, Role role) { return {Term{1.0, {{op, role}}}}; }

  static Sum negate(Sum s) {
    for (Term &t : s)
      t.coef = -t.coef;
    return s;
  }

  static std::optional<Sum> concat(std::optional<Sum> a, std::optional<Sum> b) {
    if (!a || !b || a->size() + b->size() > kMaxTerms)
      return std::nullopt;
    a->insert(a->end(), b->begin(), b->end());
    return a;
  }

  static std::optional<Sum> product(std::optional<Sum> a, std::optional<Sum> b) {
    if (!a || !b || a->size() * b->size() > kMaxTerms)
      return std::nullopt;
    Sum out;
    for (const Term &x : *a)
      for (const Term &y : *b) {
        Term t{x.coef * y.coef, x.factors};
        t.factors.insert(t.factors.end(), y.factors.begin(), y.factors.end());
        out.push_back(std::move(t));
      }
    return out;
  }

  /// Expands `op` used in the role `role` (its rank: 0 Scalar, 1 Row or
  /// Col, 2 Full). Sums and products of the same rank are expanded; an
  /// outer product or broadcast splits a matrix into row and column factors.
  std::optional<Sum> expand(const Op *op, Role role, int depth = 0) {
    if (op->type.rank == 0 && op->kind != OpKind::Const)
      return atom(op, Role::Scalar);
    // Deeper than this, the op is kept whole (always valid): a long chain
    // of vector ops (an unrolled helper loop) must not overflow the stack.
    if (depth > kMaxExpandDepth)
      return atom(op, role);
    auto operand = [&](size_t k) {
      const Op *o = op->operands[k];
      return expand(o, o->type.rank == 0 ? Role::Scalar : role, depth + 1);
    };
    switch (op->kind) {
    case OpKind::Const:
      return constant(op->attrs.value);
    case OpKind::Add:
      return concat(operand(0), operand(1));
    case OpKind::Sub: {
      std::optional<Sum> b = operand(1);
      return concat(operand(0), b ? std::optional<Sum>(negate(*b)) : std::nullopt);
    }
    case OpKind::Neg: {
      std::optional<Sum> a = operand(0);
      return a ? std::optional<Sum>(negate(*a)) : std::nullopt;
    }
    case OpKind::Mul:
      return product(operand(0), operand(1));
    case OpKind::Powi:
      if (op->attrs.ints[0] == 0)
        return constant(1.0); // x^0 = 1 for every x (runtime/Elementwise.h)
      break;
    case OpKind::Outer:
      if (role == Role::Full)
        return product(expand(op->operands[0], Role::Row, depth + 1),
                       expand(op->operands[1], Role::Col, depth + 1));
      break;
    case OpKind::Bcast: {
      const Op *x = op->operands[0];
      if (x->type.rank == 0)
        return expand(x, Role::Scalar, depth + 1);
      if (role == Role::Full && x->type.rank == 1)
        return expand(x, op->attrs.ints[0] == 0 ? Role::Row : Role::Col, depth + 1);
      break;
    }
    default:
      break;
    }
    return atom(op, role);
  }

  // ---- grouping and rebuilding -----------------------------------------

  static bool rowSide(Role r) { return r == Role::Scalar || r == Role::Row; }

  /// The key of a term's column/synapse part (sorted factor keys).
  std::string colKey(const Term &t) {
    std::vector<std::string> ks;
    for (const Factor &f : t.factors)
      if (!rowSide(f.role))
        ks.push_back((f.role == Role::Col ? "C" : "F") + key(f.op));
    std::sort(ks.begin(), ks.end());
    std::string k;
    for (auto &s : ks)
      k += s + "|";
    return k;
  }

  Op *mul(Op *a, Op *b) { return a ? (b ? b_->binary(OpKind::Mul, a, b) : a) : b; }
  Op *add(Op *a, Op *b) { return a ? (b ? b_->binary(OpKind::Add, a, b) : a) : b; }

  /// coef * the row/scalar factors of `t` (a scalar or [N] vector, maybe
  /// with lanes), or just the coefficient as a constant.
  Op *rowPart(const Term &t) {
    Op *v = nullptr;
    for (const Factor &f : t.factors)
      if (rowSide(f.role))
        v = mul(v, map_.at(f.op));
    if (t.coef != 1.0 || !v)
      v = mul(b_->constant(t.coef, Type::scalar()), v);
    return v;
  }

  /// The product of the column factors ([M]) and of the synapse factors
  /// ([N,M]) of a term, either may be null; `skip` leaves one factor out.
  std::pair<Op *, Op *> colPart(const Term &t, const Op *skip = nullptr) {
    Op *col = nullptr, *full = nullptr;
    bool skipped = false;
    for (const Factor &f : t.factors) {
      if (rowSide(f.role))
        continue;
      if (f.op == skip && !skipped) {
        skipped = true;
        continue;
      }
      if (f.role == Role::Col)
        col = mul(col, map_.at(f.op));
      else
        full = mul(full, map_.at(f.op));
    }
    return {col, full};
  }

  /// c (scalar or [N]) times col ([M]) times full ([N,M]) as an [N,M] value.
  Op *synapseTerm(Op *c, Op *col, Op *full, const Type &shape) {
    Op *m = nullptr;
    if (col)
      m = c->type.rank == 1 ? b_->outer(c, col) : mul(c, b_->bcast(col, shape, 1));
    if (full)
      m = m ? mul(m, full) : mul(c->type.rank == 1 ? b_->bcast(c, shape, 0) : c, full);
    if (!m)
      m = b_->bcast(c, shape, c->type.rank == 1 ? 0 : -1);
    return m;
  }

  struct Group {
    std::vector<const Term *> terms;
  };

  /// The lane-carrying column/synapse factor of a group, if it is the only
  /// lane-carrying factor of all its terms (second-level grouping).
  const Op *soleTangent(const Group &g) {
    const Op *t = nullptr;
    for (const Term *term : g.terms)
      for (const Factor &f : term->factors) {
        if (f.op->type.lanes == 0)
          continue;
        if (rowSide(f.role))
          return nullptr;
        if (t && key(t) != key(f.op))
          return nullptr;
        if (!t)
          t = f.op;
      }
    return t;
  }

  Op *factor(const Op *root) {
    std::optional<Sum> sum = expand(root, Role::Full);
    if (!sum || sum->empty())
      return nullptr;
    for (const Term &t : *sum) {
      int lanes = 0;
      for (const Factor &f : t.factors)
        lanes += f.op->type.lanes > 0;
      if (lanes > 1)
        return nullptr; // not linear in the tangents: leave as written
    }
    std::map<std::string, Group> groups;
    std::vector<std::string> order;
    for (const Term &t : *sum) {
      std::string k = colKey(t);
      if (!groups.count(k))
        order.push_back(k);
      groups[k].terms.push_back(&t);
    }
    if (groups.size() >= sum->size())
      return nullptr; // nothing merges
    Type shape = root->type.withLanes(0);
    // Second level: groups sharing their only tangent T are summed as a
    // primal matrix H and multiplied by T once.
    std::map<std::string, std::vector<const Group *>> byTangent;
    for (const std::string &k : order) {
      const Op *t = soleTangent(groups[k]);
      if (t)
        byTangent[key(t)].push_back(&groups[k]);
    }
    Op *result = nullptr;
    std::set<const Group *> done;
    for (const std::string &k : order) {
      const Group &g = groups[k];
      if (done.count(&g))
        continue;
      const Op *t = soleTangent(g);
      if (t && byTangent[key(t)].size() > 1) {
        Op *h = nullptr;
        for (const Group *other : byTangent[key(t)]) {
          done.insert(other);
          Op *c = nullptr;
          for (const Term *term : other->terms)
            c = add(c, rowPart(*term));
          // The tangent factor of each term of `other` (equal by key).
          const Op *mine = nullptr;
          for (const Factor &f : other->terms[0]->factors)
            if (f.op->type.lanes > 0)
              mine = f.op;
          auto [col, full] = colPart(*other->terms[0], mine);
          h = add(h, synapseTerm(c, col, full, shape));
        }
        Op *tv = map_.at(t);
        Role role = Role::Full;
        for (const Factor &f : g.terms[0]->factors)
          if (f.op->type.lanes > 0)
            role = f.role;
        if (role == Role::Col)
          tv = b_->bcast(tv, shape, 1);
        result = add(result, mul(h, tv));
        continue;
      }
      done.insert(&g);
      Op *c = nullptr;
      for (const Term *term : g.terms)
        c = add(c, rowPart(*term));
      auto [col, full] = colPart(*g.terms[0]);
      result = add(result, synapseTerm(c, col, full, shape));
    }
    if (result->type != root->type) // a lane-free sum written as a tangent
      result = b_->binary(OpKind::Add, result, b_->constant(0.0, root->type));
    return result;
  }

  const ir::Region &in_;
  ir::Module scratch_;
  ir::Region out_;
  ir::Builder *b_ = nullptr;
  std::map<const Op *, Op *> map_;
  std::map<const Op *, int> version_;
  std::map<const Op *, std::string> keys_;
};

} // namespace

ir::Region factorizeSeparableSums(const ir::Module &module, const ir::Region &region) {
  return Factorizer(module, region).run();
}

} // namespace plasticc::codegen

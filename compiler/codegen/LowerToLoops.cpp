//===- compiler/codegen/LowerToLoops.cpp - grouping, fusion, loop nests ---===//
//
// One RegionLowering per (region, mode): it forwards reads that follow a
// write, drops dead (and, for step_primal, tangent) ops, places every
// computing op into a fused group, decides which values need storage, and
// emits each group as one loop nest (see LowerToLoops.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/codegen/LowerToLoops.h"

#include "compiler/codegen/Factorize.h"
#include "dialect/Layout.h"
#include "dialect/TrialStart.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace plasticc::loops {

namespace {

using ir::Op;
using ir::OpFamily;
using ir::OpKind;
using ir::Quantity;
using ir::QuantityKind;

/// Buffers of one quantity in the program.
struct QuantityBuffers {
  int value = -1;   // state slot, or the input/noise vector slice
  int init = -1;    // states' trial-start copy
  int tangent = -1; // tangent lanes
};

/// Program-wide context: the buffers of every quantity and the arguments.
struct Context {
  const ir::Module &module;
  Program &program;
  int64_t lanes;
  std::unordered_map<const Quantity *, QuantityBuffers> quantities;
  int metaArg = -1, drArg = -1;
};

bool isInline(OpKind k) {
  return k == OpKind::Const || k == OpKind::OneHot || k == OpKind::Read ||
         k == OpKind::ReadTangent || k == OpKind::Bcast || k == OpKind::Extract;
}

bool isReduction(OpKind k) { return k == OpKind::MatVec || k == OpKind::Sum || k == OpKind::Count; }

bool isWrite(OpKind k) { return k == OpKind::Write || k == OpKind::WriteTangent; }

ir::Type shapeOnly(ir::Type t) {
  t.lanes = 0;
  t.elem = ir::ElemType::F64;
  return t;
}

/// Row-major linear index of `idx` in a value of type t.
Index linear(const ir::Type &t, const std::vector<Index> &idx) {
  if (t.rank == 0)
    return Index::constant(0);
  if (t.rank == 1)
    return idx[0];
  return idx[0].times(t.dims[1]).plus(idx[1]);
}

/// A point of an iteration domain: lane (tangent sections) and indices.
struct Point {
  std::optional<Index> lane;
  std::vector<Index> idx;
  Index rowOffset = Index::constant(0); ///< row buffers: row-in-tile * M (rank 2)
};

/// A fused group: one loop nest over `shape`, primal then tangent section.
struct Group {
  ir::Type shape;
  std::vector<const Op *> ops[2]; // [0] primal, [1] tangent
};

/// Where a computed value is stored for consumers outside its section.
struct Storage {
  int buffer = -1;
  bool row = false;    // row buffer of a rank-2 group: indexed by j only
  bool lanes = false;  // tangent storage: lane * numel + linear
};

/// One use of a value: consumer op (nullptr for the region's ret) and
/// whether it reads the value at its own iteration point.
struct Use {
  const Op *consumer;
  bool direct;
};

class RegionLowering {
public:
  RegionLowering(Context &ctx, const ir::Region &region, bool primalOnly, bool isInit)
      : ctx_(ctx), p_(ctx.program), region_(region), primalOnly_(primalOnly), isInit_(isInit) {}

  /// Lowers only the ops marked in `only` (indexed like region.ops): the
  /// others are neither run nor forwarded from, so a read whose write is
  /// left out reads the quantity's current value.
  RegionLowering &restrictTo(std::vector<bool> only) {
    only_ = std::move(only);
    return *this;
  }

  std::vector<Stmt> run() {
    forwardReads();
    markLive();
    collectUses();
    place();
    sink();
    checkHazards();
    decideStorage();
    std::vector<Stmt> out;
    for (size_t g = 0; g < groups_.size(); ++g)
      emitGroup(g, out);
    for (auto &[w, temp] : hazardTemps_)
      emitCopyBack(w, temp, out);
    if (ret_)
      emitRet(out);
    return out;
  }

private:
  // ---- analysis ---------------------------------------------------------

  bool excluded(const Op *op) const { return !only_.empty() && !only_[order_.at(op)]; }

  bool dropped(const Op *op) const {
    if (!only_.empty() && excluded(op))
      return true;
    if (!primalOnly_)
      return false;
    if (op->kind == OpKind::ReadTangent || op->kind == OpKind::WriteTangent)
      return true;
    return op->hasResult() && op->type.lanes > 0;
  }

  const Op *resolve(const Op *op) const {
    auto it = forward_.find(op);
    return it == forward_.end() ? op : it->second;
  }

  /// A read after a write of the same quantity is the written value.
  void forwardReads() {
    std::map<const Quantity *, const Op *> written, writtenTangent;
    for (size_t k = 0; k < region_.ops.size(); ++k) {
      const Op *op = region_.ops[k].get();
      order_[op] = static_cast<int>(k);
      if (excluded(op))
        continue;
      if (op->kind == OpKind::Write)
        written[op->quantity] = op->operands[0];
      else if (op->kind == OpKind::WriteTangent)
        writtenTangent[op->quantity] = op->operands[0];
      else if (op->kind == OpKind::Read && written.count(op->quantity)) {
        forward_[op] = resolve(written[op->quantity]);
        if (isInit_ && op->quantity->kind == QuantityKind::Meta)
          metaRead_.insert(op); // the caller's meta, if given, not the default
      }
      else if (op->kind == OpKind::ReadTangent && writtenTangent.count(op->quantity))
        forward_[op] = resolve(writtenTangent[op->quantity]);
    }
  }

  std::vector<const Op *> operandsOf(const Op *op) const {
    std::vector<const Op *> out;
    size_t n = op->operands.size();
    if (op->kind == OpKind::Ret && primalOnly_)
      n = std::min<size_t>(n, 1);
    for (size_t k = 0; k < n; ++k)
      out.push_back(resolve(op->operands[k]));
    return out;
  }

  void markLive() {
    std::vector<const Op *> work;
    for (auto &op : region_.ops)
      if ((isWrite(op->kind) || op->kind == OpKind::Ret) && !dropped(op.get())) {
        live_.insert(op.get());
        work.push_back(op.get());
        if (op->kind == OpKind::Ret)
          ret_ = op.get();
      }
    while (!work.empty()) {
      const Op *op = work.back();
      work.pop_back();
      for (const Op *o : operandsOf(op)) {
        PLASTICC_INTERNAL_ASSERT(!dropped(o), "primal op uses a tangent value");
        if (live_.insert(o).second)
          work.push_back(o);
      }
    }
  }

  /// The iteration domain of a computing op.
  ir::Type domain(const Op *op) const {
    if (op->kind == OpKind::MatVec || op->kind == OpKind::Sum || op->kind == OpKind::Count)
      return shapeOnly(op->operands[0]->type);
    if (isWrite(op->kind))
      return shapeOnly(op->operands[0]->type);
    return shapeOnly(op->type);
  }

  int section(const Op *op) const {
    if (op->kind == OpKind::WriteTangent)
      return 1;
    if (op->kind == OpKind::Write)
      return 0;
    return op->type.lanes > 0 ? 1 : 0;
  }

  /// Records the uses of everything `consumer` reads, looking through
  /// inline ops (which make a use indirect).
  void addUses(const Op *consumer, const Op *operand, bool direct) {
    if (operand->kind == OpKind::Bcast || operand->kind == OpKind::Extract) {
      for (const Op *o : operandsOf(operand))
        addUses(consumer, o, false);
      return;
    }
    uses_[operand].push_back({consumer, direct});
  }

  void collectUses() {
    for (auto &opp : region_.ops) {
      const Op *op = opp.get();
      if (!live_.count(op) || isInline(op->kind))
        continue;
      ir::Type dom = op->kind == OpKind::Ret ? ir::Type::scalar() : domain(op);
      for (const Op *o : operandsOf(op)) {
        bool direct = op->kind != OpKind::Ret && shapeOnly(o->type) == dom;
        addUses(op == ret_ ? nullptr : op, o, direct);
      }
    }
  }

  /// Lowest group index `op` may join, from what it reads.
  int lowestGroup(const Op *op) const {
    int lowest = 0;
    ir::Type dom = domain(op);
    std::vector<std::pair<const Op *, bool>> work;
    for (const Op *o : operandsOf(op))
      work.push_back({o, shapeOnly(o->type) == dom});
    while (!work.empty()) {
      auto [o, direct] = work.back();
      work.pop_back();
      if (o->kind == OpKind::Bcast || o->kind == OpKind::Extract) {
        for (const Op *x : operandsOf(o))
          work.push_back({x, false});
        continue;
      }
      auto it = groupOf_.find(o);
      if (it == groupOf_.end())
        continue; // a leaf
      bool same = direct && !isReduction(o->kind);
      lowest = std::max(lowest, it->second + (same ? 0 : 1));
    }
    // A write waits for the consumers (already placed) of earlier reads.
    if (isWrite(op->kind))
      for (const Op *r : earlierReads(op))
        for (const Use &u : usesOf(r))
          if (u.consumer && groupOf_.count(u.consumer)) {
            bool same = u.direct && section(u.consumer) == section(op);
            lowest = std::max(lowest, groupOf_.at(u.consumer) + (same ? 0 : 1));
          }
    return lowest;
  }

  const std::vector<Use> &usesOf(const Op *op) const {
    static const std::vector<Use> none;
    auto it = uses_.find(op);
    return it == uses_.end() ? none : it->second;
  }

  /// Live reads of the written quantity that come before write `w`.
  std::vector<const Op *> earlierReads(const Op *w) const {
    std::vector<const Op *> out;
    OpKind readKind = w->kind == OpKind::Write ? OpKind::Read : OpKind::ReadTangent;
    for (auto &op : region_.ops) {
      if (op.get() == w)
        break;
      if (op->kind == readKind && op->quantity == w->quantity && !forward_.count(op.get()))
        out.push_back(op.get());
    }
    return out;
  }

  void place() {
    for (auto &opp : region_.ops) {
      const Op *op = opp.get();
      if (!live_.count(op) || isInline(op->kind) || op->kind == OpKind::Ret)
        continue;
      ir::Type dom = domain(op);
      int lowest = lowestGroup(op);
      int chosen = -1;
      for (int g = lowest; g < static_cast<int>(groups_.size()); ++g)
        if (groups_[g].shape == dom) {
          chosen = g;
          break;
        }
      if (chosen < 0) {
        // A new neuron or scalar group goes right after what it needs, so
        // that the synapse nests after it can still take later ops (e.g.
        // coefficient vectors of a factored sum); a new synapse nest goes
        // last, where everything it may fuse with can still join it.
        chosen = dom.rank == 2 ? static_cast<int>(groups_.size())
                               : std::min(lowest, static_cast<int>(groups_.size()));
        groups_.insert(groups_.begin() + chosen, Group{dom, {}});
        for (auto &[o, g] : groupOf_)
          if (g >= chosen)
            ++g;
      }
      groupOf_[op] = chosen;
      groups_[chosen].ops[section(op)].push_back(op);
    }
  }

  /// The quantities `op` reads through its inline operands (not through
  /// other computing ops, which keep their place).
  /// `direct`: read at op's own iteration point.
  void inlineReads(const Op *op, std::vector<std::pair<const Op *, bool>> &reads, bool top = true) {
    for (const Op *o : operandsOf(op)) {
      if (o->kind == OpKind::Read || o->kind == OpKind::ReadTangent)
        reads.push_back({o, top && shapeOnly(o->type) == domain(op)});
      else if (o->kind == OpKind::Bcast || o->kind == OpKind::Extract)
        inlineReads(o, reads, false);
    }
  }

  /// An elementwise op placed early (first fit) whose every use is at the
  /// same point in one later group moves into that group: its value then
  /// never needs a temporary (e.g. `0.9 * e` of a trace update that must
  /// wait for a matvec's result). Not past a write of what it reads.
  void sink() {
    for (auto it = region_.ops.rbegin(); it != region_.ops.rend(); ++it) {
      const Op *op = it->get();
      auto at = groupOf_.find(op);
      if (at == groupOf_.end() || isReduction(op->kind) || isWrite(op->kind))
        continue;
      int target = -1;
      bool ok = !usesOf(op).empty();
      for (const Use &u : usesOf(op)) {
        if (!u.consumer || !u.direct) {
          ok = false;
          break;
        }
        int g = groupOf_.at(u.consumer);
        if (target >= 0 && g != target)
          ok = false;
        target = g;
      }
      if (!ok || target <= at->second)
        continue;
      // A write of what op reads may not come first, unless it is the
      // same point of the same section (stores come after all loads there).
      std::vector<std::pair<const Op *, bool>> reads;
      inlineReads(op, reads);
      for (auto [r, direct] : reads)
        for (auto &[w, g] : groupOf_) {
          bool writesIt = isWrite(w->kind) && w->quantity == r->quantity &&
                          (w->kind == OpKind::Write) == (r->kind == OpKind::Read);
          bool samePoint = g == target && direct && section(w) == section(op);
          if (writesIt && g <= target && !samePoint)
            ok = false;
        }
      if (!ok)
        continue;
      auto &from = groups_[at->second].ops[section(op)];
      from.erase(std::find(from.begin(), from.end(), op));
      auto &to = groups_[target].ops[section(op)];
      to.push_back(op);
      std::sort(to.begin(), to.end(), [&](const Op *a, const Op *b) { return order_.at(a) < order_.at(b); });
      at->second = target;
    }
  }

  /// A write is hazardous when a value it overwrites is still read later
  /// (another section, another point, or a later group); it then goes to a
  /// temporary that is copied back at the end.
  void checkHazards() {
    for (auto &[op, g] : groupOf_) {
      if (!isWrite(op->kind))
        continue;
      for (const Op *r : earlierReads(op))
        for (const Use &u : usesOf(r)) {
          int cg = u.consumer ? groupOf_.at(u.consumer) : static_cast<int>(groups_.size());
          bool ok = cg < g || (cg == g && u.direct && section(u.consumer) == section(op));
          if (!ok)
            hazard_.insert(op);
        }
    }
  }

  int tempFor(const Op *op, const std::string &hint) {
    int64_t n = op->type.numElements() * std::max<int64_t>(1, op->type.lanes);
    std::string name = "t" + std::to_string(p_.buffers.size());
    if (!hint.empty())
      name += "." + hint;
    return p_.addBuffer({name, BufferKind::Temp, 0, n});
  }

  int quantityBuffer(const Op *write) const {
    const QuantityBuffers &qb = ctx_.quantities.at(write->quantity);
    return write->kind == OpKind::Write ? qb.value : qb.tangent;
  }

  void decideStorage() {
    for (auto &[op, g] : groupOf_) {
      if (isWrite(op->kind)) {
        if (hazard_.count(op)) {
          int t = p_.addBuffer({"t" + std::to_string(p_.buffers.size()) + ".new." + op->quantity->name,
                                BufferKind::Temp, 0,
                                op->operands[0]->type.numElements() *
                                    std::max<int64_t>(1, op->operands[0]->type.lanes)});
          hazardTemps_.push_back({op, t});
        }
        continue;
      }
      if (isReduction(op->kind)) {
        storage_[op] = {tempFor(op, op->name), false, op->type.lanes > 0};
        continue;
      }
      bool outside = false, crossSection = false;
      for (const Use &u : usesOf(op)) {
        if (!u.consumer) {
          outside = true;
          continue;
        }
        int cg = groupOf_.at(u.consumer);
        if (cg != g || !u.direct)
          outside = true;
        else if (section(u.consumer) != section(op))
          crossSection = true;
      }
      if (!outside && !crossSection)
        continue;
      bool lanes = op->type.lanes > 0;
      if (!outside && groups_[g].shape.rank == 2) {
        int64_t m = groups_[g].shape.dims[1] * tileRows(groups_[g].shape.dims[0]);
        storage_[op] = {p_.addBuffer({"row" + std::to_string(p_.buffers.size()) +
                                          (op->name.empty() ? "" : "." + op->name),
                                      BufferKind::Temp, 0, m}),
                        true, false};
        continue;
      }
      // Straight into the quantity it is written to, when that is safe.
      int direct = -1;
      for (const Use &u : usesOf(op))
        if (u.consumer && isWrite(u.consumer->kind) && u.direct && !hazard_.count(u.consumer) &&
            groupOf_.at(u.consumer) == g && section(u.consumer) == section(op) &&
            !(isInit_ && u.consumer->quantity->kind == QuantityKind::Meta))
          direct = quantityBuffer(u.consumer);
      storage_[op] = {direct >= 0 ? direct : tempFor(op, op->name), false, lanes};
    }
  }

  // ---- emission ---------------------------------------------------------

  /// The value of `op` at point `pt` (pt.idx has op's rank). `direct`: the
  /// consumer reads at its own iteration point in the current section.
  ExprPtr value(const Op *op, Point pt, bool direct) {
    if (metaRead_.count(op)) {
      Index k = linear(op->type, pt.idx).plus(Index::constant(ctx_.module.metaOffset(op->quantity)));
      return Expr::metaOr(ctx_.metaArg, k, value(resolve(op), pt, direct));
    }
    op = resolve(op);
    if (op->type.lanes == 0)
      pt.lane.reset();
    switch (op->kind) {
    case OpKind::Const:
      return Expr::constant(op->attrs.value);
    case OpKind::OneHot: // 1.0 at one constant element (an element write)
      return Expr::oneHot(linear(op->type, pt.idx), op->attrs.ints[0]);
    case OpKind::Read: {
      const QuantityBuffers &qb = ctx_.quantities.at(op->quantity);
      return Expr::load(qb.value, linear(op->type, pt.idx));
    }
    case OpKind::ReadTangent: {
      PLASTICC_INTERNAL_ASSERT(pt.lane.has_value(), "tangent read outside a lane loop");
      if (op->quantity->kind == QuantityKind::Meta) {
        // lane p is 1 at element (p - metaOffset): p - k == metaOffset.
        Index d = pt.lane->plus(linear(op->type, pt.idx).times(-1));
        return Expr::oneHot(d, ctx_.module.metaOffset(op->quantity));
      }
      const QuantityBuffers &qb = ctx_.quantities.at(op->quantity);
      PLASTICC_INTERNAL_ASSERT(qb.tangent >= 0, "tangent read of @" + op->quantity->name +
                                                    " which has no tangent storage");
      Index ix = pt.lane->times(op->type.numElements()).plus(linear(op->type, pt.idx));
      return Expr::load(qb.tangent, ix);
    }
    case OpKind::Bcast: {
      const Op *x = op->operands[0];
      Point q{pt.lane, {}, pt.rowOffset};
      if (!x->type.isScalar())
        q.idx = {pt.idx[op->attrs.ints[0]]};
      return value(x, q, false);
    }
    case OpKind::Extract: {
      Point q{pt.lane, {}, pt.rowOffset};
      for (int64_t k : op->attrs.ints)
        q.idx.push_back(Index::constant(k));
      return value(op->operands[0], q, false);
    }
    default:
      break;
    }
    if (direct) {
      auto it = regs_.find(op);
      if (it != regs_.end())
        return Expr::ref(it->second);
    }
    auto st = storage_.find(op);
    PLASTICC_INTERNAL_ASSERT(st != storage_.end(),
                             std::string("value of ") + ir::mnemonic(op->kind) + " not available");
    if (st->second.row)
      return Expr::load(st->second.buffer, pt.rowOffset.plus(pt.idx[1]));
    Index ix = linear(op->type, pt.idx);
    if (st->second.lanes)
      ix = pt.lane->times(op->type.numElements()).plus(ix);
    return Expr::load(st->second.buffer, ix);
  }

  /// Operand `k` of `op`, evaluated at `op`'s iteration point `pt`.
  ExprPtr operand(const Op *op, size_t k, const Point &pt) {
    const Op *o = op->operands[k]; // value() resolves forwarded reads
    ir::Type dom = domain(op);
    Point q{pt.lane, {}, pt.rowOffset};
    bool direct = false;
    if (o->type.rank == 0) {
      direct = dom.rank == 0;
    } else if (op->kind == OpKind::MatVec && k == 1) {
      q.idx = {pt.idx[1]};
    } else if (op->kind == OpKind::Outer) {
      q.idx = {pt.idx[k]};
    } else {
      q.idx = pt.idx;
      direct = true;
    }
    return value(o, q, direct);
  }

  /// Index into a value of `t` (lanes-major when t has lanes) at `pt`.
  Index storeIndex(const ir::Type &t, const Point &pt) {
    Index ix = linear(t, pt.idx);
    if (t.lanes > 0)
      ix = pt.lane->times(t.numElements()).plus(ix);
    return ix;
  }

  /// Emits the ops of one section at point `pt`: lets and reductions in
  /// program order, then every store (so all loads see the old values).
  std::vector<Stmt> sectionBody(const std::vector<const Op *> &ops, const Point &pt) {
    regs_.clear();
    std::vector<Stmt> body, stores;
    for (const Op *op : ops)
      emitOp(op, pt, body, stores);
    body.insert(body.end(), stores.begin(), stores.end());
    return body;
  }

  void emitOp(const Op *op, const Point &pt, std::vector<Stmt> &body, std::vector<Stmt> &stores) {
    if (isWrite(op->kind)) {
      emitWrite(op, pt, stores);
      return;
    }
    if (isReduction(op->kind)) {
      const Storage &st = storage_.at(op);
      ExprPtr term;
      Index ix = Index::constant(0);
      if (op->kind == OpKind::MatVec) {
        term = Expr::make(OpKind::Mul, {operand(op, 0, pt), operand(op, 1, pt)});
        ix = pt.idx[0];
      } else if (op->kind == OpKind::Sum) {
        term = operand(op, 0, pt);
      } else {
        term = Expr::make(OpKind::Ne, {operand(op, 0, pt), Expr::constant(0.0)});
      }
      if (op->type.lanes > 0)
        ix = pt.lane->times(op->type.numElements()).plus(ix);
      body.push_back(Stmt::reduce(st.buffer, ix, term));
      return;
    }
    ExprPtr e;
    if (op->kind == OpKind::RandNormal || op->kind == OpKind::RandUniform) {
      e = Expr::random(op->kind, op->attrs.ints[0], linear(op->type, pt.idx),
                       operand(op, 0, pt), operand(op, 1, pt));
    } else if (op->kind == OpKind::Outer) {
      e = Expr::make(OpKind::Mul, {operand(op, 0, pt), operand(op, 1, pt)});
    } else {
      std::vector<ExprPtr> args;
      for (size_t k = 0; k < op->operands.size(); ++k)
        args.push_back(operand(op, k, pt));
      int64_t n = op->kind == OpKind::Powi ? op->attrs.ints[0] : 0;
      e = Expr::make(op->kind, std::move(args), n);
    }
    int id = p_.newLet();
    body.push_back(Stmt::let(id, e));
    regs_[op] = id;
    auto st = storage_.find(op);
    if (st != storage_.end()) {
      Index ix = st->second.row ? pt.rowOffset.plus(pt.idx[1]) : storeIndex(op->type, pt);
      stores.push_back(Stmt::store(st->second.buffer, ix, Expr::ref(id)));
    }
  }

  void emitWrite(const Op *w, const Point &pt, std::vector<Stmt> &stores) {
    const Op *v = resolve(w->operands[0]);
    int target = quantityBuffer(w);
    for (auto &[hw, temp] : hazardTemps_)
      if (hw == w)
        target = temp;
    auto st = storage_.find(v);
    if (st != storage_.end() && st->second.buffer == target && regs_.count(v))
      return; // the value's own store already writes the quantity
    Index ix = storeIndex(w->operands[0]->type, pt);
    ExprPtr e = value(v, pt, true);
    if (isInit_ && w->kind == OpKind::Write && w->quantity->kind == QuantityKind::Meta) {
      // init: the caller's meta vector, when given, was copied in first and
      // replaces the declared default.
      stores.push_back(Stmt::ifPresent(ctx_.metaArg, {}, {Stmt::store(target, ix, e)}));
      return;
    }
    stores.push_back(Stmt::store(target, ix, e));
  }

  std::vector<Index> vars(const ir::Type &shape, int i, int j) {
    std::vector<Index> idx;
    if (shape.rank >= 1)
      idx.push_back(Index::var(i));
    if (shape.rank == 2)
      idx.push_back(Index::var(j));
    return idx;
  }

  std::string describe(const Group &g) {
    std::string s;
    for (int sec = 0; sec < 2; ++sec)
      for (const Op *op : g.ops[sec]) {
        std::string what = isWrite(op->kind) ? (sec ? "d." : "") + op->quantity->name
                           : isReduction(op->kind) ? ir::mnemonic(op->kind)
                                                    : std::string();
        if (!what.empty() && s.find(what) == std::string::npos)
          s += (s.empty() ? "" : " ") + what;
      }
    return s;
  }

  /// Zeroes the accumulators of the reductions of a group.
  void zeroReductions(const Group &g, std::vector<Stmt> &out) {
    for (int sec = 0; sec < 2; ++sec)
      for (const Op *op : g.ops[sec])
        if (isReduction(op->kind)) {
          const Buffer &b = p_.buffers[storage_.at(op).buffer];
          int k = p_.addVar("k");
          out.push_back(Stmt::loop(k, b.size,
                                   {Stmt::store(storage_.at(op).buffer, Index::var(k),
                                                Expr::constant(0.0))}));
        }
  }

  /// Lanes per block in a synapse nest (the remainder of P, if any, is one
  /// shorter block after the loop over full blocks). Measured on the
  /// reference model with FMA contraction, paired compiled / hand-written
  /// step ratio: see docs/codegen.md, Fusion.
  static constexpr int64_t kLaneBlock = 4;

  /// Rows per tile of a synapse nest with a tangent section: the largest
  /// divisor of N up to kTileRows. Each block of lanes runs over all rows of
  /// a tile, so every lane stream advances R contiguous rows at a time
  /// instead of one (longer sequential streams for the prefetchers), while
  /// the row buffers (R rows of M) stay in L1/L2.
  static constexpr int64_t kTileRows = 8;
  static int64_t tileRows(int64_t rows) {
    for (int64_t r = kTileRows; r > 1; --r)
      if (rows % r == 0)
        return r;
    return 1;
  }

  /// The point (row `tile`*R + `ii`, column `j`) of a tiled synapse nest;
  /// without a row-in-tile variable (R = 1) the row is the tile.
  Point tilePoint(std::optional<Index> lane, int tile, int ii, int64_t rows, int64_t m, int j) {
    if (ii < 0)
      return {lane, {Index::var(tile), Index::var(j)}, Index::constant(0)};
    return {lane, {Index::var(tile, rows).plus(Index::var(ii)), Index::var(j)}, Index::var(ii, m)};
  }

  /// `for ii in 0..R {body}` over the rows of a tile, or `body` if R = 1.
  static std::vector<Stmt> overTile(int ii, int64_t rows, std::vector<Stmt> body) {
    if (ii < 0)
      return body;
    return {Stmt::loop(ii, rows, std::move(body))};
  }

  /// The statements of lanes `base` .. `base + count - 1` at the point of
  /// `at(lane)`, one section body after the other (lane = base + b, or
  /// blockVar*B + b).
  template <typename PointOf>
  std::vector<Stmt> laneBlockBody(const Group &g, PointOf at, std::optional<int> blockVar, int64_t base,
                                  int64_t count) {
    std::vector<Stmt> lanes;
    for (int64_t b = 0; b < count; ++b) {
      Index lane = blockVar ? Index::var(*blockVar, kLaneBlock).plus(Index::constant(b))
                            : Index::constant(base + b);
      std::vector<Stmt> body = sectionBody(g.ops[1], at(lane));
      lanes.insert(lanes.end(), body.begin(), body.end());
    }
    return lanes;
  }

  /// A synapse nest: `for it { for ii { for j {primal} }; for pb { for ii {
  /// for j {4 lanes} } }; for ii { for j {last lanes} } }` (rows in tiles of
  /// R = tileRows(N), lanes in blocks of kLaneBlock).
  void emitSynapseGroup(const Group &g, const std::string &comment, std::vector<Stmt> &out) {
    int64_t n = g.shape.dims[0], m = g.shape.dims[1];
    int64_t rows = g.ops[1].empty() ? 1 : tileRows(n);
    int tile = p_.addVar("i");
    std::vector<Stmt> nest;
    auto rowVar = [&] { return rows > 1 ? p_.addVar("ii") : -1; };
    if (!g.ops[0].empty()) {
      int ii = rowVar(), j = p_.addVar("j");
      nest = overTile(ii, rows, {Stmt::loop(j, m, sectionBody(g.ops[0], tilePoint(std::nullopt, tile, ii, rows, m, j)))});
    }
    if (!g.ops[1].empty()) {
      // Lanes in blocks of B per pass over the row (unroll-and-jam): the
      // row's shared factors (W, r, row buffers) are loaded once per
      // block and B lanes' streams are in flight at once; the P mod B
      // last lanes form one shorter block.
      int64_t full = ctx_.lanes / kLaneBlock, rest = ctx_.lanes % kLaneBlock;
      if (full > 0) {
        int p = p_.addVar("pb"), ii = rowVar(), j = p_.addVar("j");
        auto at = [&](Index lane) { return tilePoint(lane, tile, ii, rows, m, j); };
        nest.push_back(Stmt::loop(p, full, overTile(ii, rows, {Stmt::loop(j, m, laneBlockBody(g, at, p, 0, kLaneBlock))}),
                                  "lanes " + std::to_string(kLaneBlock) + "*pb .. +" +
                                      std::to_string(kLaneBlock - 1)));
      }
      if (rest > 0) {
        int ii = rowVar(), j = p_.addVar("j");
        int64_t base = full * kLaneBlock;
        auto at = [&](Index lane) { return tilePoint(lane, tile, ii, rows, m, j); };
        std::vector<Stmt> body = overTile(ii, rows, {Stmt::loop(j, m, laneBlockBody(g, at, std::nullopt, base, rest))});
        body.front().comment = rest == 1 ? "lane " + std::to_string(base)
                                         : "lanes " + std::to_string(base) + " .. " + std::to_string(ctx_.lanes - 1);
        nest.insert(nest.end(), body.begin(), body.end());
      }
    }
    out.push_back(Stmt::loop(tile, n / rows, std::move(nest),
                             comment + (rows > 1 ? " (tiles of " + std::to_string(rows) + " rows)" : "")));
  }

  void emitGroup(size_t gi, std::vector<Stmt> &out) {
    const Group &g = groups_[gi];
    zeroReductions(g, out);
    std::string what = describe(g);
    std::string shape = g.shape.shapeStr();
    if (g.shape.rank == 2) {
      emitSynapseGroup(g, "synapses " + shape + (what.empty() ? "" : ": " + what), out);
      return;
    }
    for (int sec = 0; sec < 2; ++sec) {
      if (g.ops[sec].empty())
        continue;
      std::vector<Stmt> body;
      int i = -1;
      if (g.shape.rank == 1)
        i = p_.addVar("i");
      std::optional<Index> lane;
      int p = -1;
      if (sec == 1) {
        p = p_.addVar("p");
        lane = Index::var(p);
      }
      body = sectionBody(g.ops[sec], {lane, vars(g.shape, i, -1)});
      if (g.shape.rank == 1)
        body = {Stmt::loop(i, g.shape.dims[0], std::move(body),
                           (sec ? "tangent lanes of " : "") + std::string("neurons ") + shape +
                               (what.empty() ? "" : ": " + what))};
      if (sec == 1)
        body = {Stmt::loop(p, ctx_.lanes, std::move(body), g.shape.rank == 0 ? "scalar tangents" : "")};
      out.insert(out.end(), body.begin(), body.end());
    }
  }

  void emitCopyBack(const Op *w, int temp, std::vector<Stmt> &out) {
    int k = p_.addVar("k");
    int target = quantityBuffer(w);
    out.push_back(Stmt::loop(k, p_.buffers[temp].size,
                             {Stmt::store(target, Index::var(k), Expr::load(temp, Index::var(k)))},
                             "copy back @" + p_.buffers[target].name));
  }

  void emitRet(std::vector<Stmt> &out) {
    std::vector<const Op *> vals = operandsOf(ret_);
    if (vals.empty())
      return;
    regs_.clear();
    int r = p_.newLet();
    out.push_back(Stmt::let(r, value(vals[0], {std::nullopt, {}}, false)));
    if (ctx_.drArg >= 0) {
      // dR/dmeta: the tangent of R, or zeros for a module without tangents.
      int p = p_.addVar("p");
      bool tangent = vals.size() > 1 && ctx_.lanes > 0;
      ExprPtr d = tangent ? value(vals[1], {Index::var(p), {}}, false) : Expr::constant(0.0);
      int64_t n = p_.buffers[ctx_.drArg].size;
      out.push_back(Stmt::ifPresent(
          ctx_.drArg, {Stmt::loop(p, tangent ? ctx_.lanes : n, {Stmt::store(ctx_.drArg, Index::var(p), d)})}, {}));
    }
    out.push_back(Stmt::ret(Expr::ref(r)));
  }

  Context &ctx_;
  Program &p_;
  const ir::Region &region_;
  bool primalOnly_, isInit_;
  std::vector<bool> only_; // restrictTo; empty: every op
  const Op *ret_ = nullptr;
  std::unordered_map<const Op *, int> order_;
  std::unordered_map<const Op *, const Op *> forward_;
  std::set<const Op *> metaRead_;
  std::set<const Op *> live_;
  std::unordered_map<const Op *, std::vector<Use>> uses_;
  std::vector<Group> groups_;
  std::map<const Op *, int> groupOf_;
  std::set<const Op *> hazard_;
  std::vector<std::pair<const Op *, int>> hazardTemps_;
  std::unordered_map<const Op *, Storage> storage_;
  std::unordered_map<const Op *, int> regs_;
};

void copyLoop(Program &p, int dst, int src, std::vector<Stmt> &out, const std::string &what) {
  int k = p.addVar("k");
  out.push_back(Stmt::loop(k, p.buffers[dst].size,
                           {Stmt::store(dst, Index::var(k), Expr::load(src, Index::var(k)))}, what));
}

void zeroLoop(Program &p, int dst, std::vector<Stmt> &out, const std::string &what) {
  int k = p.addVar("k");
  out.push_back(Stmt::loop(k, p.buffers[dst].size,
                           {Stmt::store(dst, Index::var(k), Expr::constant(0.0))}, what));
}

/// Copies every state's value to its trial-start copy.
void saveTrialStarts(Context &ctx, std::vector<Stmt> &out) {
  for (const auto &q : ctx.module.quantities)
    if (q->kind == QuantityKind::State)
      copyLoop(ctx.program, ctx.quantities[q.get()].init, ctx.quantities[q.get()].value, out,
               "save @" + q->name + " for trial starts");
}

/// One buffer per stored slot of each quantity, in declaration order.
void addQuantityBuffers(Context &ctx, const ir::Layout &layout) {
  Program &p = ctx.program;
  for (const auto &q : ctx.module.quantities) {
    const ir::Slot &s = layout.of(q.get());
    QuantityBuffers qb;
    int64_t n = q->type.numElements();
    if (q->kind == QuantityKind::Input || q->kind == QuantityKind::Noise)
      qb.value = p.addBuffer({q->name, q->kind == QuantityKind::Input ? BufferKind::Input
                                                                       : BufferKind::Noise,
                              s.input, n});
    else
      qb.value = p.addBuffer({q->name, BufferKind::State, s.value, n});
    if (s.init >= 0)
      qb.init = p.addBuffer({q->name + ".init", BufferKind::State, s.init, n});
    if (s.tangent >= 0)
      qb.tangent = p.addBuffer({"d." + q->name, BufferKind::State, s.tangent, n * ctx.lanes});
    ctx.quantities[q.get()] = qb;
  }
}

} // namespace

Program lowerToLoops(const ir::Module &module, const LowerOptions &options) {
  Program p;
  p.modelName = module.name;
  p.elem = options.elem;
  int64_t elemBytes = options.elem == ir::ElemType::F64 ? 8 : 4;
  ir::Layout layout = ir::computeLayout(module, elemBytes);
  p.stateBytes = layout.stateBytes;
  Context ctx{module, p, module.lanes, {}};
  ctx.metaArg = p.addBuffer({"meta", BufferKind::Meta, 0, module.numMetaScalars()});
  if (module.numMetaScalars() > 0)
    ctx.drArg = p.addBuffer({"dR", BufferKind::DR, 0, module.numMetaScalars()});
  addQuantityBuffers(ctx, layout);

  Function init{"plasticc_init", {}, false};
  init.zeroStateFirst = true;
  for (const auto &q : module.quantities)
    if (q->kind == QuantityKind::Meta) {
      int k = p.addVar("k"), dst = ctx.quantities[q.get()].value;
      Index src = Index::var(k).plus(Index::constant(module.metaOffset(q.get())));
      init.body.push_back(Stmt::ifPresent(
          ctx.metaArg,
          {Stmt::loop(k, q->type.numElements(), {Stmt::store(dst, Index::var(k), Expr::load(ctx.metaArg, src))},
                      "the caller's @" + q->name)},
          {}));
    }
  std::vector<Stmt> body = RegionLowering(ctx, module.init, false, true).run();
  init.body.insert(init.body.end(), body.begin(), body.end());
  saveTrialStarts(ctx, init.body);

  Function restart{"plasticc_set_trial_start", {}, false};
  std::vector<const Op *> derived = ir::derivedStateWrites(module.init);
  if (!derived.empty())
    restart.body = RegionLowering(ctx, module.init, true, false)
                       .restrictTo(ir::opsOfWrites(module.init, derived))
                       .run();
  saveTrialStarts(ctx, restart.body);

  Function begin{"plasticc_begin_trial", {}, false};
  for (const auto &q : module.quantities) {
    const QuantityBuffers &qb = ctx.quantities[q.get()];
    if (q->kind == QuantityKind::State)
      copyLoop(p, qb.value, qb.init, begin.body, "restore @" + q->name);
    bool reset = q->kind == QuantityKind::State || q->kind == QuantityKind::Trace ||
                 q->kind == QuantityKind::Output;
    if (reset && qb.tangent >= 0)
      zeroLoop(p, qb.tangent, begin.body, "zero d." + q->name);
  }
  body = RegionLowering(ctx, module.trial, false, false).run();
  begin.body.insert(begin.body.end(), body.begin(), body.end());

  ir::Region stepRegion, rewardRegion;
  if (options.factorize) {
    stepRegion = codegen::factorizeSeparableSums(module, module.step);
    rewardRegion = codegen::factorizeSeparableSums(module, module.reward);
  }
  const ir::Region &stepR = options.factorize ? stepRegion : module.step;
  const ir::Region &rewardR = options.factorize ? rewardRegion : module.reward;
  Function step{"plasticc_step", RegionLowering(ctx, stepR, false, false).run(), false};
  Function stepPrimal{"plasticc_step_primal", RegionLowering(ctx, stepR, true, false).run(), false};
  Function end{"plasticc_end_trial", RegionLowering(ctx, rewardR, false, false).run(), true};
  bool returns = false;
  for (const Stmt &s : end.body)
    returns = returns || s.kind == Stmt::Return;
  if (!returns)
    end.body.push_back(Stmt::ret(Expr::constant(0.0)));
  p.functions = {std::move(init), std::move(restart), std::move(begin), std::move(step),
                 std::move(stepPrimal), std::move(end)};
  return p;
}

} // namespace plasticc::loops

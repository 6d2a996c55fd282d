//===- compiler/transforms/Simplify.cpp - folding, CSE and DCE of a module ===//
//
// One forward walk per region folds (Fold.h) and merges identical ops, then
// one backward walk removes unused pure ops (Simplify.h). Operands are
// remapped as the walk goes, so a fold can enable the next one
// (powi(x, 1) * 1 -> x). Ops that leave the region are kept alive until the
// region is done, so that no new op can reuse the address of a dropped one
// while the remap table still names it.
//
//===----------------------------------------------------------------------===//
#include "compiler/transforms/Simplify.h"

#include "compiler/transforms/Fold.h"
#include "dialect/Builder.h"

#include <bit>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace plasticc::transforms {

using ir::Op;
using ir::OpKind;

namespace {

bool isEffect(const Op &op) { return !op.hasResult(); }

bool isCommutative(OpKind k) {
  return k == OpKind::Add || k == OpKind::Mul || k == OpKind::Eq || k == OpKind::Ne;
}

/// What makes two pure ops compute the same value (CSE). For reads, `epoch`
/// counts the writes to the quantity before the read in this region.
using CseKey = std::tuple<int, int, int, int64_t, int64_t, int64_t, std::vector<int64_t>,
                          uint64_t, uintptr_t, int, std::vector<uintptr_t>>;

class RegionSimplifier {
public:
  RegionSimplifier(ir::Module &m, ir::Region &r) : module_(m), region_(r) {}

  SimplifyStats run() {
    std::vector<std::unique_ptr<Op>> ops = std::move(region_.ops);
    region_.ops.clear();
    for (auto &op : ops)
      visit(std::move(op));
    removeDead();
    region_.ops = std::move(kept_);
    return stats_;
  }

private:
  Op *remap(Op *v) const {
    auto it = replaced_.find(v);
    return it == replaced_.end() ? v : it->second;
  }

  CseKey keyOf(const Op &op) const {
    std::vector<uintptr_t> operands;
    for (const Op *v : op.operands)
      operands.push_back(reinterpret_cast<uintptr_t>(v));
    if (isCommutative(op.kind) && operands.size() == 2 && operands[1] < operands[0])
      std::swap(operands[0], operands[1]);
    int epoch = 0;
    if (op.kind == OpKind::Read || op.kind == OpKind::ReadTangent) {
      auto &epochs = op.kind == OpKind::Read ? writes_ : tangentWrites_;
      auto it = epochs.find(op.quantity);
      epoch = it == epochs.end() ? 0 : it->second;
    }
    return {static_cast<int>(op.kind), static_cast<int>(op.type.elem), op.type.rank,
            op.type.dims[0], op.type.dims[1], op.type.lanes, op.attrs.ints,
            std::bit_cast<uint64_t>(op.attrs.value), reinterpret_cast<uintptr_t>(op.quantity),
            epoch, std::move(operands)};
  }

  /// Keeps `op` unless an identical op came before; returns the value to use.
  Op *keepOrMerge(std::unique_ptr<Op> op) {
    auto [it, fresh] = seen_.emplace(keyOf(*op), op.get());
    if (!fresh) {
      // An op made by a fold that matches an earlier one is part of the
      // fold, not a merge of the input's ops.
      stats_.merged += !made_.count(op.get());
      dropped_.push_back(std::move(op));
      return it->second;
    }
    kept_.push_back(std::move(op));
    return kept_.back().get();
  }

  /// A constant of `like`'s type, name and location, made by the builder.
  std::unique_ptr<Op> makeConstant(const Op &like, double value) {
    ir::Region scratch;
    ir::Builder b(module_, scratch);
    b.setLoc(like.loc);
    b.constant(value, like.type, like.name);
    made_.insert(scratch.ops.back().get());
    return std::move(scratch.ops.back());
  }

  /// `bcast value` to `like`'s type, name and location, made by the builder.
  std::unique_ptr<Op> makeBroadcast(const Op &like, Op *value, int64_t axis) {
    ir::Region scratch;
    ir::Builder b(module_, scratch);
    b.setLoc(like.loc);
    b.bcast(value, like.type, axis, like.name);
    made_.insert(scratch.ops.back().get());
    return std::move(scratch.ops.back());
  }

  /// Folds, merges or keeps `op`; returns the value that stands for it. An
  /// op made by a fold is visited in turn (it may fold again: the bcast of
  /// outer(1, bcast s) is a bcast of s).
  Op *visit(std::unique_ptr<Op> op) {
    for (Op *&v : op->operands)
      v = remap(v);
    Op *self = op.get();
    if (isEffect(*op)) {
      if (op->kind == OpKind::Write)
        ++writes_[op->quantity];
      if (op->kind == OpKind::WriteTangent)
        ++tangentWrites_[op->quantity];
      kept_.push_back(std::move(op));
      return self;
    }
    Folded f = fold(*op);
    Op *value = nullptr;
    if (f.value)
      value = f.value;
    else if (f.constant)
      value = visit(makeConstant(*op, *f.constant));
    else if (f.broadcast)
      value = visit(makeBroadcast(*op, f.broadcast, f.axis));
    if (value) {
      ++stats_.folded;
      dropped_.push_back(std::move(op));
    } else {
      value = keepOrMerge(std::move(op));
    }
    if (value != self)
      replaced_[self] = value;
    return value;
  }

  /// DCE: walks backwards; a pure op is live if a live op uses it.
  void removeDead() {
    std::unordered_map<const Op *, int> uses;
    for (const auto &op : kept_)
      for (const Op *v : op->operands)
        ++uses[v];
    std::vector<std::unique_ptr<Op>> live;
    for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
      Op &op = **it;
      if (!isEffect(op) && uses[&op] == 0) {
        for (const Op *v : op.operands)
          --uses[v];
        ++stats_.removed;
        dropped_.push_back(std::move(*it));
        continue;
      }
      live.push_back(std::move(*it));
    }
    kept_.assign(std::make_move_iterator(live.rbegin()), std::make_move_iterator(live.rend()));
  }

  ir::Module &module_;
  ir::Region &region_;
  SimplifyStats stats_;
  std::vector<std::unique_ptr<Op>> kept_, dropped_;
  std::unordered_map<const Op *, Op *> replaced_;
  std::map<CseKey, Op *> seen_;
  std::unordered_set<const Op *> made_; // ops created by folds
  std::unordered_map<const ir::Quantity *, int> writes_, tangentWrites_;
};

} // namespace

SimplifyStats simplifyRegion(ir::Module &module, ir::Region &region) {
  return RegionSimplifier(module, region).run();
}

SimplifyStats simplify(ir::Module &module) {
  SimplifyStats total;
  for (ir::Region *r : module.regions()) {
    SimplifyStats s = simplifyRegion(module, *r);
    total.folded += s.folded;
    total.merged += s.merged;
    total.removed += s.removed;
  }
  return total;
}

} // namespace plasticc::transforms

//===- compiler/codegen/WholeTrial.cpp - the whole-trial entry points -----===//
#include "compiler/codegen/WholeTrial.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

namespace plasticc::loops {

namespace {

// ---- walking and rewriting loop IR ----------------------------------------

void visitExpr(const ExprPtr &e, const std::function<void(const Expr &)> &f) {
  f(*e);
  for (const ExprPtr &a : e->args)
    visitExpr(a, f);
}

void visitStmts(const std::vector<Stmt> &body, const std::function<void(const Stmt &)> &f) {
  for (const Stmt &s : body) {
    f(s);
    visitStmts(s.body, f);
    visitStmts(s.orElse, f);
  }
}

/// Buffers stored or reduced into anywhere in `body`.
std::set<int> storedIn(const std::vector<Stmt> &body) {
  std::set<int> out;
  visitStmts(body, [&](const Stmt &s) {
    if (s.kind == Stmt::Store || s.kind == Stmt::Reduce)
      out.insert(s.buffer);
  });
  return out;
}

/// Buffers loaded anywhere in `body`.
std::set<int> loadedIn(const std::vector<Stmt> &body) {
  std::set<int> out;
  visitStmts(body, [&](const Stmt &s) {
    if (s.value)
      visitExpr(s.value, [&](const Expr &e) {
        if (e.kind == Expr::Load)
          out.insert(e.buffer);
      });
  });
  return out;
}

void addRefs(const ExprPtr &e, std::set<int> &ids) {
  visitExpr(e, [&](const Expr &x) {
    if (x.kind == Expr::Ref)
      ids.insert(x.id);
  });
}

/// `e` with every node passed through `f` bottom-up (f returns null to keep one).
ExprPtr rewrite(const ExprPtr &e, const std::function<ExprPtr(const Expr &)> &f) {
  std::vector<ExprPtr> args;
  bool changed = false;
  for (const ExprPtr &a : e->args) {
    args.push_back(rewrite(a, f));
    changed = changed || args.back() != a;
  }
  ExprPtr node = e;
  if (changed) {
    auto copy = std::make_shared<Expr>(*e);
    copy->args = std::move(args);
    node = copy;
  }
  ExprPtr replaced = f(*node);
  return replaced ? replaced : node;
}

void rewriteAll(std::vector<Stmt> &body, const std::function<ExprPtr(const Expr &)> &f) {
  for (Stmt &s : body) {
    if (s.value)
      s.value = rewrite(s.value, f);
    rewriteAll(s.body, f);
    rewriteAll(s.orElse, f);
  }
}

/// `body` keeping only the stores and reductions `keep` accepts, the lets
/// they use and the loops left non-empty (backwards, so a let is kept when
/// anything after it that is kept refers to it).
std::vector<Stmt> prune(const std::vector<Stmt> &body, const std::function<bool(const Stmt &)> &keep,
                        std::set<int> &usedLets) {
  std::vector<Stmt> out;
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    const Stmt &s = *it;
    switch (s.kind) {
    case Stmt::Store:
    case Stmt::Reduce:
      if (keep(s)) {
        addRefs(s.value, usedLets);
        out.push_back(s);
      }
      break;
    case Stmt::Let:
      if (usedLets.count(s.id)) {
        addRefs(s.value, usedLets);
        out.push_back(s);
      }
      break;
    default: {
      Stmt copy = s;
      copy.body = prune(s.body, keep, usedLets);
      copy.orElse = prune(s.orElse, keep, usedLets);
      if (!copy.body.empty() || !copy.orElse.empty() || s.kind == Stmt::Return)
        out.push_back(std::move(copy));
    }
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Stmt> prune(const std::vector<Stmt> &body, const std::function<bool(const Stmt &)> &keep) {
  std::set<int> used;
  return prune(body, keep, used);
}

bool sameIndex(const Index &a, const Index &b) {
  auto norm = [](const Index &x) {
    std::map<int, int64_t> m;
    for (auto [v, k] : x.terms)
      if (k != 0)
        m[v] += k;
    return std::make_pair(m, x.c);
  };
  return norm(a) == norm(b);
}

const Function &functionNamed(const Program &p, const std::string &name) {
  for (const Function &f : p.functions)
    if (f.name == name)
      return f;
  throw std::logic_error("no function " + name);
}

bool containsLoop(const std::vector<Stmt> &body) {
  for (const Stmt &s : body)
    if (s.kind == Stmt::For)
      return true;
  return false;
}

/// Puts the time loop `wrap` around each innermost block of `nest` (the
/// body of the loops just outside the innermost ones), so that what one
/// innermost loop touches stays in cache over the segment's steps.
void wrapInnermost(std::vector<Stmt> &block, const std::function<Stmt(std::vector<Stmt>)> &wrap) {
  bool leafHere = false;
  for (const Stmt &s : block)
    leafHere = leafHere || (s.kind == Stmt::For && !containsLoop(s.body));
  if (leafHere || !containsLoop(block)) {
    block = {wrap(std::move(block))};
    return;
  }
  for (Stmt &s : block)
    if (s.kind == Stmt::For)
      wrapInnermost(s.body, wrap);
}

/// Whether, in one iteration, a load of `load` may read what a store to
/// `store` of the same buffer wrote: unless both are the same affine
/// function of the loop variables with different constants (the lanes of
/// one block: p * numel apart).
bool mayAlias(const Index &load, const Index &store) {
  Index delta = load.plus(store.times(-1));
  for (auto [v, k] : delta.terms)
    if (k != 0)
      return true;
  return delta.c == 0;
}

/// Moves the lets of each innermost block ahead of its stores where no
/// store before them may write what they read: the loads of a lane block
/// then all come before its stores. A load behind a store whose address
/// differs by a multiple of 4 KiB (the lanes of a trace are numel * 8
/// bytes apart) waits for it on x86 (4K aliasing).
void loadsFirst(std::vector<Stmt> &body) {
  if (containsLoop(body)) {
    for (Stmt &s : body)
      loadsFirst(s.body);
    return;
  }
  std::vector<Stmt> front, rest;
  std::set<int> staying;
  for (Stmt &s : body) {
    bool move = s.kind == Stmt::Let;
    if (move)
      visitExpr(s.value, [&](const Expr &e) {
        if (e.kind == Expr::Ref && staying.count(e.id))
          move = false;
        if (e.kind == Expr::Load)
          for (const Stmt &w : rest)
            if ((w.kind == Stmt::Store || w.kind == Stmt::Reduce) && w.buffer == e.buffer &&
                mayAlias(e.index, w.index))
              move = false;
      });
    if (s.kind == Stmt::Let && !move)
      staying.insert(s.id);
    (move ? front : rest).push_back(std::move(s));
  }
  front.insert(front.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  body = std::move(front);
}

// ---- one whole-trial function ---------------------------------------------

/// Builds run_trial around one step body (see WholeTrial.h). The parts:
/// pass A (optional) runs the segment's primal steps, so that the products
/// of trial-constant tangents (dW) with primal values (r_t) can run after
/// it for the whole segment, dW in cache; pass B runs the segment's steps
/// with tangents, those products read from their per-step results and the
/// deferred traces' updates replaced by stores of what they read; then the
/// traces' nests run over the segment.
class TrialBuilder {
public:
  TrialBuilder(Program &p, const WholeTrialOptions &o, const std::string &stepName)
      : p_(p), o_(o), step_(functionNamed(p, stepName).body), stepName_(stepName) {
    hoist_ = o.hoistConstantTangents;
    written_ = storedIn(step_);
    for (size_t b = 0; b < p.buffers.size(); ++b) {
      const Buffer &buf = p.buffers[b];
      if (buf.kind != BufferKind::State)
        continue;
      auto has = [&](const std::vector<int64_t> &v) { return std::count(v.begin(), v.end(), buf.offset) > 0; };
      if (written_.count(static_cast<int>(b)) && has(o.deferrable))
        traces_.insert(static_cast<int>(b));
      if (has(o.deferrable))
        deferrable_.insert(static_cast<int>(b));
      if (has(o.tangentOffsets))
        tangents_.insert(static_cast<int>(b));
    }
    taint();
    t0_ = p.addVar("t0");
    t_ = p.addVar("t");
  }

  /// The function; `line` says which schedule it got.
  Function build(const std::string &name, std::string &line);

private:
  bool changes(int b) const {
    BufferKind k = p_.buffers[b].kind;
    return k == BufferKind::Temp || k == BufferKind::Input || k == BufferKind::Noise || written_.count(b);
  }

  /// Buffers and lets of the step that carry tangents: the tangent blocks
  /// and whatever is computed from them or from a one-hot seed.
  void taint() {
    tainted_ = tangents_;
    auto carries = [&](const ExprPtr &e) {
      bool t = false;
      visitExpr(e, [&](const Expr &x) {
        t = t || x.kind == Expr::OneHot || (x.kind == Expr::Load && tainted_.count(x.buffer)) ||
            (x.kind == Expr::Ref && taintedLets_.count(x.id));
      });
      return t;
    };
    for (bool grew = true; grew;) {
      grew = false;
      visitStmts(step_, [&](const Stmt &s) {
        if (!s.value || !carries(s.value))
          return;
        if (s.kind == Stmt::Let)
          grew = taintedLets_.insert(s.id).second || grew;
        else if (s.kind == Stmt::Store || s.kind == Stmt::Reduce)
          grew = tainted_.insert(s.buffer).second || grew;
      });
    }
  }

  /// A reduction sum_j dW[p, i, j] * r[j]: it reads a tangent constant over
  /// the trial and otherwise only primal values, so it can run after the
  /// segment's primal steps.
  bool hoistable(const Stmt &s) const {
    if (s.kind != Stmt::Reduce || p_.buffers[s.buffer].kind != BufferKind::Temp)
      return false;
    bool constantTangent = false, primal = true;
    visitExpr(s.value, [&](const Expr &x) {
      if (x.kind == Expr::OneHot || (x.kind == Expr::Ref && taintedLets_.count(x.id)))
        primal = false;
      if (x.kind != Expr::Load)
        return;
      if (tangents_.count(x.buffer) && !changes(x.buffer))
        constantTangent = true;
      else if (tainted_.count(x.buffer))
        primal = false;
    });
    return constantTangent && primal;
  }

  /// What `part` reads that changes within the trial goes through a
  /// trajectory buffer indexed by the step in the segment: the stores into
  /// it are appended to `capture` (to run where `part` stood in the step).
  void captureInto(std::vector<Stmt> &part, std::vector<Stmt> &capture) {
    std::set<int> storedHere = storedIn(part);
    std::map<int, int> trajOf;
    for (int b : loadedIn(part)) {
      if (storedHere.count(b) || !changes(b))
        continue;
      const Buffer buf = p_.buffers[b];
      int traj = perStep("traj." + buf.name, buf.size);
      trajOf[b] = traj;
      int k = p_.addVar("k");
      capture.push_back(Stmt::loop(
          k, buf.size,
          {Stmt::store(traj, Index::var(t_, buf.size).plus(Index::var(k)), Expr::load(b, Index::var(k)))},
          "trajectory of @" + buf.name));
    }
    std::set<int> defined, used;
    visitStmts(part, [&](const Stmt &s) {
      if (s.kind == Stmt::Let)
        defined.insert(s.id);
      if (s.value)
        addRefs(s.value, used);
    });
    std::map<int, int> trajOfLet;
    for (int id : used)
      if (!defined.count(id)) {
        trajOfLet[id] = perStep("traj.%" + std::to_string(id), 1);
        capture.push_back(Stmt::store(trajOfLet[id], Index::var(t_), Expr::ref(id)));
      }
    rewriteAll(part, [&](const Expr &e) -> ExprPtr {
      if (e.kind == Expr::Load && trajOf.count(e.buffer))
        return Expr::load(trajOf[e.buffer], Index::var(t_, p_.buffers[e.buffer].size).plus(e.index));
      if (e.kind == Expr::Ref && trajOfLet.count(e.id))
        return Expr::load(trajOfLet[e.id], Index::var(t_));
      return nullptr;
    });
  }

  /// Gives buffers of `part` a step dimension: every access of b becomes one
  /// of a new buffer at index t * size + index. Returns b -> the new buffer.
  std::map<int, int> timeIndexed(std::vector<Stmt> &part, const std::set<int> &buffers,
                                 const std::string &prefix) {
    std::map<int, int> to;
    for (int b : buffers)
      to[b] = perStep(prefix + p_.buffers[b].name, p_.buffers[b].size);
    auto at = [&](int b, const Index &ix) { return Index::var(t_, p_.buffers[b].size).plus(ix); };
    rewriteAll(part, [&](const Expr &e) -> ExprPtr {
      if (e.kind == Expr::Load && to.count(e.buffer))
        return Expr::load(to[e.buffer], at(e.buffer, e.index));
      return nullptr;
    });
    std::function<void(std::vector<Stmt> &)> stores = [&](std::vector<Stmt> &body) {
      for (Stmt &s : body) {
        if ((s.kind == Stmt::Store || s.kind == Stmt::Reduce) && to.count(s.buffer)) {
          s.index = at(s.buffer, s.index);
          s.buffer = to[s.buffer];
        }
        stores(s.body);
        stores(s.orElse);
      }
    };
    stores(part);
    return to;
  }

  /// A temporary of `elements` per step of the segment (sized later).
  int perStep(const std::string &name, int64_t elements) {
    int b = p_.addBuffer({name, BufferKind::Temp, 0, elements});
    perStep_.push_back({b, elements});
    return b;
  }

  /// Pass A without what only pass B needs: the stores into states and
  /// into the trajectory, and what they read, transitively.
  std::vector<Stmt> liveOnly(const std::vector<Stmt> &body) const {
    std::set<int> needed;
    for (int b : storedIn(body))
      if (p_.buffers[b].kind == BufferKind::State)
        needed.insert(b);
    for (auto [b, n] : perStep_)
      needed.insert(b);
    for (;;) {
      std::vector<Stmt> kept = prune(body, [&](const Stmt &s) { return needed.count(s.buffer) > 0; });
      size_t before = needed.size();
      for (int b : loadedIn(kept))
        needed.insert(b);
      if (needed.size() == before)
        return kept;
    }
  }

  Stmt steps(std::vector<Stmt> body, const std::string &comment) {
    return Stmt::segmentSteps(t_, t0_, 0, std::move(body), comment); // extent set in build
  }

  std::string checkTraces() const;
  /// Bytes of the deferred traces and of the constant tangents of the
  /// hoistable products: what the schedule keeps in cache.
  int64_t cachedBytes() const {
    std::set<int> kept = traces_;
    if (hoist_)
      visitStmts(step_, [&](const Stmt &s) {
        if (hoistable(s))
          visitExpr(s.value, [&](const Expr &x) {
            if (x.kind == Expr::Load && tangents_.count(x.buffer) && !changes(x.buffer))
              kept.insert(x.buffer);
          });
      });
    int64_t n = 0;
    for (int b : kept)
      n += p_.buffers[b].size * o_.elemBytes;
    return n;
  }
  std::set<int> moved(const Stmt &nest) const;
  void deferTraces(const Stmt &nest, std::vector<Stmt> &kept);
  void hoist(const Stmt &original, const std::vector<Stmt> &kept, std::vector<Stmt> &passB);
  bool readsOnlyOwnElement(const std::vector<Stmt> &deferred, std::string &why) const;
  void offsetPerStep(std::vector<Stmt> &body, bool segments) const;
  Stmt copyOutputs(bool segments);

  Program &p_;
  const WholeTrialOptions &o_;
  std::vector<Stmt> step_;
  std::string stepName_;
  std::set<int> written_, traces_, tangents_, tainted_, taintedLets_, rows_;
  /// The traces the analysis found deferrable: read only by their own update,
  /// so pass A (the primal for the hoisted products) never needs them, even
  /// where they are not deferred.
  std::set<int> deferrable_;
  bool hoist_ = true; // o_.hoistConstantTangents, unless the schedule is not worth it
  int t0_ = -1, t_ = -1;
  std::vector<std::pair<int, int64_t>> perStep_; // (buffer, elements per step)
  std::vector<Stmt> passA_, hoisted_, deferred_; // see the class comment
};

/// The buffers a trace nest's deferred part writes: the deferred traces and
/// the temporaries of the nest their updates read (the row buffers).
std::set<int> TrialBuilder::moved(const Stmt &nest) const {
  std::vector<Stmt> one{nest};
  std::set<int> moved = traces_, stored = storedIn(one);
  for (bool grew = true; grew;) {
    grew = false;
    for (int b : loadedIn(prune(one, [&](const Stmt &s) { return moved.count(s.buffer) > 0; })))
      if (stored.count(b) && !moved.count(b) && p_.buffers[b].kind == BufferKind::Temp)
        grew = moved.insert(b).second || grew;
  }
  return moved;
}

/// Splits `nest`: the deferred traces' updates (with the row buffers they
/// need, given a step dimension) go to deferred_ with the time loop inside,
/// the rest into `kept`; what the updates read is captured into `kept`.
void TrialBuilder::deferTraces(const Stmt &nest, std::vector<Stmt> &kept) {
  std::vector<Stmt> one{nest};
  std::set<int> moved = this->moved(nest);
  std::vector<Stmt> deferred = prune(one, [&](const Stmt &s) { return moved.count(s.buffer) > 0; });
  // The kept part: everything else, and the moved temporaries it reads too.
  std::set<int> keptMoved;
  auto keep = [&](const Stmt &s) { return !moved.count(s.buffer) || keptMoved.count(s.buffer) > 0; };
  for (bool grew = true; grew;) {
    grew = false;
    for (int b : loadedIn(prune(one, keep)))
      if (moved.count(b) && !traces_.count(b))
        grew = keptMoved.insert(b).second || grew;
  }
  for (const Stmt &s : prune(one, keep))
    kept.push_back(s);
  for (Stmt &s : kept)
    s.comment += s.comment.empty() ? "traces deferred" : ", traces deferred";
  std::vector<Stmt> capture;
  captureInto(deferred, capture);
  kept.insert(kept.begin(), capture.begin(), capture.end());
  std::set<int> rows;
  for (int b : moved)
    if (!traces_.count(b)) {
      rows.insert(b);
      if (!keptMoved.count(b)) // only the deferred nest needs it: pass A skips it
        rows_.insert(b);
    }
  timeIndexed(deferred, rows, "steps.");
  for (Stmt &d : deferred) {
    loadsFirst(d.body);
    wrapInnermost(d.body, [&](std::vector<Stmt> b) { return steps(std::move(b), "the segment's steps"); });
    d.comment += d.comment.empty() ? "deferred" : ", deferred";
    deferred_.push_back(std::move(d));
  }
}

/// Moves the hoistable reductions of the kept nests into hoisted_ (their
/// operands captured in pass A, their results per step in U buffers that
/// pass B adds to the reduction's target after the nest).
void TrialBuilder::hoist(const Stmt &original, const std::vector<Stmt> &kept, std::vector<Stmt> &passB) {
  std::set<int> computedHere = storedIn({original});
  for (const Stmt &s : kept) {
    std::vector<Stmt> h = prune({s}, [&](const Stmt &x) { return hoistable(x); });
    bool ownValues = false; // operands computed in the nest itself cannot be captured before it
    for (int b : loadedIn(h))
      ownValues = ownValues || computedHere.count(b);
    if (!hoist_ || s.kind != Stmt::For || h.empty() || ownValues) {
      passB.push_back(s);
      continue;
    }
    for (const Stmt &rest : prune({s}, [&](const Stmt &x) { return !hoistable(x); }))
      passB.push_back(rest);
    captureInto(h, passA_);
    std::map<int, int> results = timeIndexed(h, storedIn(h), "per-step.");
    for (auto [target, u] : results) {
      int64_t n = p_.buffers[target].size;
      int k = p_.addVar("k");
      Index at = Index::var(t_, n).plus(Index::var(k));
      hoisted_.push_back(steps({Stmt::loop(k, n, {Stmt::store(u, at, Expr::constant(0))})}, "zero @" + p_.buffers[u].name));
      passB.push_back(Stmt::loop(k, n, {Stmt::reduce(target, Index::var(k), Expr::load(u, at))},
                                 "@" + p_.buffers[target].name + " += its products hoisted out of the steps"));
    }
    for (Stmt &n : h) {
      wrapInnermost(n.body, [&](std::vector<Stmt> b) { return steps(std::move(b), "the segment's steps"); });
      n.comment = original.comment + (original.comment.empty() ? "" : ", ") +
                  "hoisted: trial-constant tangents times primal values";
      hoisted_.push_back(std::move(n));
    }
  }
}

/// A deferred trace read at another element than the one stored (a
/// transpose) or in another nest would be read at the wrong time.
bool TrialBuilder::readsOnlyOwnElement(const std::vector<Stmt> &deferred, std::string &why) const {
  std::map<int, std::vector<Index>> stores;
  visitStmts(deferred, [&](const Stmt &s) {
    if (s.kind == Stmt::Store && traces_.count(s.buffer))
      stores[s.buffer].push_back(s.index);
  });
  bool ok = true;
  visitStmts(deferred, [&](const Stmt &s) {
    if (!s.value)
      return;
    visitExpr(s.value, [&](const Expr &e) {
      if (e.kind != Expr::Load || !traces_.count(e.buffer) || !ok)
        return;
      bool own = false;
      for (const Index &ix : stores[e.buffer])
        own = own || sameIndex(ix, e.index);
      if (!own) {
        why = "@" + p_.buffers[e.buffer].name +
              (stores[e.buffer].empty() ? " is read by a nest that does not update it"
                                        : " is read at another element than it is written");
        ok = false;
      }
    });
  });
  return ok;
}

/// Input and noise accesses read the entries of step t0 + t (t alone
/// without segments).
void TrialBuilder::offsetPerStep(std::vector<Stmt> &body, bool segments) const {
  rewriteAll(body, [&](const Expr &e) -> ExprPtr {
    if (e.kind != Expr::Load)
      return nullptr;
    BufferKind k = p_.buffers[e.buffer].kind;
    if (k != BufferKind::Input && k != BufferKind::Noise)
      return nullptr;
    int64_t len = k == BufferKind::Input ? o_.inputLength : o_.noiseLength;
    Index ix = e.index.plus(Index::var(t_, len));
    return Expr::load(e.buffer, segments ? ix.plus(Index::var(t0_, len)) : ix);
  });
}

int stateBuffer(Program &p, const std::string &name, int64_t offset, int64_t size) {
  for (size_t b = 0; b < p.buffers.size(); ++b)
    if (p.buffers[b].kind == BufferKind::State && p.buffers[b].offset == offset &&
        p.buffers[b].size == size)
      return static_cast<int>(b);
  return p.addBuffer({name, BufferKind::State, offset, size});
}

/// After each step: the outputs' values into the caller's outputs[t0 + t].
Stmt TrialBuilder::copyOutputs(bool segments) {
  int64_t length = 0;
  for (auto [offset, n] : o_.outputs)
    length += n;
  int out = -1;
  for (size_t b = 0; b < p_.buffers.size(); ++b)
    if (p_.buffers[b].kind == BufferKind::Output)
      out = static_cast<int>(b);
  if (out < 0)
    out = p_.addBuffer({"outputs", BufferKind::Output, 0, length});
  std::vector<Stmt> copies;
  int64_t at = 0;
  for (auto [offset, n] : o_.outputs) {
    int src = stateBuffer(p_, "output", offset, n), k = p_.addVar("k");
    Index dst = Index::var(t_, length).plus(Index::var(k)).plus(Index::constant(at));
    if (segments)
      dst = dst.plus(Index::var(t0_, length));
    copies.push_back(Stmt::loop(k, n, {Stmt::store(out, dst, Expr::load(src, Index::var(k)))},
                                "outputs of step t0 + t"));
    at += n;
  }
  return Stmt::ifPresent(out, std::move(copies), {});
}

/// Sets the segment length of every SegmentSteps in `body`.
void setSegmentLength(std::vector<Stmt> &body, int64_t S) {
  for (Stmt &s : body) {
    if (s.kind == Stmt::SegmentSteps && s.segment >= 0)
      s.extent = S;
    setSegmentLength(s.body, S);
    setSegmentLength(s.orElse, S);
  }
}

/// Whether the deferred traces' nests can be split (see deferTraces); if
/// not, why, and nothing is deferred.
std::string TrialBuilder::checkTraces() const {
  for (const Stmt &s : step_) {
    std::set<int> here = storedIn({s}), reads = loadedIn({s});
    bool updates = false, readsTrace = false;
    for (int b : traces_) {
      updates = updates || here.count(b);
      readsTrace = readsTrace || reads.count(b);
    }
    if (!updates && readsTrace)
      return "the step reads a deferred trace outside its update";
    if (!updates)
      continue;
    if (s.kind != Stmt::For)
      return "a deferred trace is updated outside a loop nest";
    std::set<int> movedHere = moved(s);
    std::vector<Stmt> deferred = prune({s}, [&](const Stmt &x) { return movedHere.count(x.buffer) > 0; });
    bool reduces = false;
    visitStmts(deferred, [&](const Stmt &x) { reduces = reduces || x.kind == Stmt::Reduce; });
    if (reduces)
      return "a deferred trace's update needs a reduction of its own nest";
    std::string why;
    if (!readsOnlyOwnElement(deferred, why))
      return why;
    // A temporary the deferred part computes that the step reads after the
    // nest (a state's new value copied back at the end of the step) would
    // have to be computed in both and kept per step: not deferred.
    std::set<int> after;
    for (const Stmt &other : step_)
      if (&other != &s)
        for (int b : loadedIn({other}))
          after.insert(b);
    for (int b : movedHere)
      if (!traces_.count(b) && after.count(b))
        return "@" + p_.buffers[b].name + ", computed in a deferred trace's nest, is read after it";
  }
  return "";
}

Function TrialBuilder::build(const std::string &name, std::string &line) {
  std::string why = traces_.empty() ? o_.notDeferred : checkTraces();
  if (!why.empty())
    traces_.clear();
  if (int64_t bytes = cachedBytes(); (!traces_.empty() || hoist_) && bytes < o_.minCachedBytes) {
    why = "the traces and tangents it would keep in cache take " + std::to_string(bytes / 1024) +
          " KiB, under " + std::to_string(o_.minCachedBytes / 1024) + " KiB: the cache holds them across steps";
    traces_.clear();
    hoist_ = false;
  }
  std::vector<Stmt> passB;
  for (const Stmt &s : step_) {
    std::vector<Stmt> kept{s};
    bool updates = false;
    for (int b : storedIn({s}))
      updates = updates || traces_.count(b);
    if (updates) {
      kept.clear();
      deferTraces(s, kept);
    }
    hoist(s, kept, passB);
    // Pass A: the primal of s (what later captures for hoisted nests read);
    // the step's own lets are kept whole (nests after s may use them).
    if (s.kind == Stmt::Let) {
      if (!taintedLets_.count(s.id))
        passA_.push_back(s);
      continue;
    }
    std::vector<Stmt> primal = prune({s}, [&](const Stmt &x) {
      return !tainted_.count(x.buffer) && !deferrable_.count(x.buffer) && !rows_.count(x.buffer);
    });
    passA_.insert(passA_.end(), primal.begin(), primal.end());
  }
  Function f{name, functionNamed(p_, "plasticc_begin_trial").body, true};
  const std::vector<Stmt> &end = functionNamed(p_, "plasticc_end_trial").body;
  if (traces_.empty() && hoisted_.empty()) { // a time loop calling the step
    // A call, not the step's body inlined: inside the time loop LLVM
    // compiled the body 1.25x slower (N = 128, d = 1).
    std::vector<Stmt> body{Stmt::callStep(stepName_, t_, o_.inputLength, o_.noiseLength)};
    if (!o_.outputs.empty())
      body.push_back(copyOutputs(false));
    f.body.push_back(Stmt::segmentSteps(t_, -1, 0, std::move(body), "the trial's steps"));
    f.body.insert(f.body.end(), end.begin(), end.end());
    line = "@" + name + ": step by step (" + why + ")";
    return f;
  }
  int64_t bytes = 0;
  for (auto [b, n] : perStep_)
    bytes += n * o_.elemBytes;
  int64_t S = o_.segmentSteps > 0
                  ? o_.segmentSteps
                  : std::clamp<int64_t>(kSegmentBudget / std::max<int64_t>(bytes, 1), kMinSegmentSteps,
                                        kMaxSegmentSteps);
  for (auto [b, n] : perStep_)
    p_.buffers[b].size = n * S;
  // Temporaries on the heap: allocated once per trial, and SROA cannot
  // split them (it split a reduction's target into pieces whose addresses
  // LLVM then could not tell apart, and the reduction stayed scalar, at d =
  // 2). The plain time loop keeps the step's stack temporaries: on the
  // heap it ran 1.2x slower at N = 128, d = 1.
  f.heapTemps = true;
  std::vector<Stmt> segment;
  if (!hoisted_.empty()) {
    // Pass A advances the primal states; pass B starts again from where
    // the segment started (saved here) and advances them with tangents.
    std::vector<Stmt> save, restore;
    for (int b : storedIn(passA_))
      if (p_.buffers[b].kind == BufferKind::State) {
        int64_t n = p_.buffers[b].size;
        int copy = p_.addBuffer({"start." + p_.buffers[b].name, BufferKind::Temp, 0, n});
        int k = p_.addVar("k");
        save.push_back(Stmt::loop(k, n, {Stmt::store(copy, Index::var(k), Expr::load(b, Index::var(k)))},
                                  "@" + p_.buffers[b].name + " at the segment's start"));
        restore.push_back(Stmt::loop(k, n, {Stmt::store(b, Index::var(k), Expr::load(copy, Index::var(k)))},
                                     "back to the segment's start"));
      }
    passA_ = liveOnly(passA_);
    offsetPerStep(passA_, true);
    segment = save;
    segment.push_back(steps(std::move(passA_), "pass A: the segment's primal steps"));
    segment.insert(segment.end(), hoisted_.begin(), hoisted_.end());
    segment.insert(segment.end(), restore.begin(), restore.end());
  }
  offsetPerStep(passB, true);
  if (!o_.outputs.empty())
    passB.push_back(copyOutputs(true));
  segment.push_back(steps(std::move(passB), hoisted_.empty() ? "the segment's steps"
                                                             : "pass B: the segment's steps with tangents"));
  segment.insert(segment.end(), deferred_.begin(), deferred_.end());
  f.body.push_back(Stmt::segments(t0_, S, std::move(segment), "segments of " + std::to_string(S) + " steps"));
  setSegmentLength(f.body, S);
  f.body.insert(f.body.end(), end.begin(), end.end());
  std::string names;
  for (int b : traces_)
    names += (names.empty() ? "" : ", ") + p_.buffers[b].name;
  line = "@" + name + ": whole trial in segments of " + std::to_string(S) + " steps (" +
         std::to_string((bytes * S + 1023) / 1024) + " KiB per segment); " +
         (names.empty() ? "no trace deferred (" + why + ")" : "traces " + names + " deferred") +
         (hoisted_.empty() ? "" : "; products of constant tangents hoisted out of the steps");
  return f;
}

} // namespace

std::vector<std::string> addWholeTrial(Program &program, const WholeTrialOptions &options) {
  std::vector<std::string> lines;
  for (auto [step, name] : {std::pair<const char *, const char *>{"plasticc_step", "plasticc_run_trial"},
                            {"plasticc_step_primal", "plasticc_run_trial_primal"}}) {
    TrialBuilder builder(program, options, step);
    std::string line;
    Function f = builder.build(name, line);
    program.functions.push_back(std::move(f));
    lines.push_back(line);
  }
  return lines;
}

} // namespace plasticc::loops

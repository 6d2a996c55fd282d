//===- compiler/codegen/WholeTrial.cpp - the whole-trial entry points -----===//
#include "compiler/codegen/WholeTrial.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

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

// ---- the deferral of one nest ---------------------------------------------

/// A top-level nest of the step split in two: `kept` runs in the step (may be
/// empty), `capture` stores what `deferred` reads into the trajectory, and
/// `deferred` runs after the segment with the time loop inside its outer loop.
struct SplitNest {
  std::vector<Stmt> kept, capture, deferred;
};

/// Splits the step's nests that update deferred traces (see file comment of
/// WholeTrial.h); on failure says why.
class Deferral {
public:
  Deferral(Program &p, const std::set<int> &traces, const std::set<int> &writtenInStep, int t)
      : p_(p), traces_(traces), written_(writtenInStep), t_(t) {}

  /// The split of `nest`, or false and `why`.
  bool split(const Stmt &nest, SplitNest &out, std::string &why) {
    std::vector<Stmt> one{nest};
    // Temporaries the deferred stores need that the nest itself computes
    // (the row buffers of a synapse tile): they move along.
    std::set<int> moved = traces_;
    for (bool grew = true; grew;) {
      grew = false;
      std::set<int> stored = storedIn(one);
      for (int b : loadedIn(prune(one, [&](const Stmt &s) { return moved.count(s.buffer) > 0; })))
        if (stored.count(b) && !moved.count(b) && p_.buffers[b].kind == BufferKind::Temp) {
          moved.insert(b);
          grew = true;
        }
    }
    out.deferred = prune(one, [&](const Stmt &s) { return moved.count(s.buffer) > 0; });
    bool reduces = false;
    visitStmts(out.deferred, [&](const Stmt &s) { reduces = reduces || s.kind == Stmt::Reduce; });
    if (reduces) {
      why = "a deferred trace's update needs a reduction of its own nest";
      return false;
    }
    // The kept part: everything else, and the moved temporaries it reads too.
    std::set<int> keptMoved;
    for (bool grew = true; grew;) {
      grew = false;
      auto keep = [&](const Stmt &s) {
        return !moved.count(s.buffer) || keptMoved.count(s.buffer) > 0;
      };
      for (int b : loadedIn(prune(one, keep)))
        if (moved.count(b) && !traces_.count(b) && keptMoved.insert(b).second)
          grew = true;
      out.kept = prune(one, keep);
    }
    if (!readsOnlyOwnElement(out.deferred, why))
      return false;
    captureTrajectory(out);
    return true;
  }

  /// Sets every trajectory buffer's size for segments of `steps` steps.
  void sizeTrajectories(int64_t steps) {
    for (auto &[buffer, perStep] : trajectories_)
      p_.buffers[buffer].size = perStep * steps;
  }
  int64_t trajectoryPerStep() const {
    int64_t n = 0;
    for (auto &[buffer, perStep] : trajectories_)
      n += perStep;
    return n;
  }

private:
  /// A deferred trace read at another element than the one stored (e.g. a
  /// transpose) would see other tiles at the wrong time.
  bool readsOnlyOwnElement(const std::vector<Stmt> &deferred, std::string &why) {
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
        if (e.kind != Expr::Load || !traces_.count(e.buffer))
          return;
        bool own = false;
        for (const Index &ix : stores[e.buffer])
          own = own || sameIndex(ix, e.index);
        if (!own && ok) {
          why = "@" + p_.buffers[e.buffer].name +
                (stores[e.buffer].empty() ? " is read by a nest that does not update it"
                                          : " is read at another element than it is written");
          ok = false;
        }
      });
    });
    return ok;
  }

  /// What the deferred part reads that changes within the trial goes
  /// through a trajectory buffer, indexed by the step in the segment.
  void captureTrajectory(SplitNest &out) {
    std::set<int> storedHere = storedIn(out.deferred);
    std::map<int, int> trajOf; // buffer -> trajectory buffer
    for (int b : loadedIn(out.deferred)) {
      const Buffer &buf = p_.buffers[b];
      bool changes = buf.kind == BufferKind::Temp || buf.kind == BufferKind::Input ||
                     buf.kind == BufferKind::Noise || written_.count(b);
      if (storedHere.count(b) || !changes)
        continue;
      int traj = p_.addBuffer({"traj." + buf.name, BufferKind::Temp, 0, buf.size});
      trajectories_.push_back({traj, buf.size});
      trajOf[b] = traj;
      int k = p_.addVar("k");
      out.capture.push_back(Stmt::loop(
          k, buf.size,
          {Stmt::store(traj, Index::var(t_, buf.size).plus(Index::var(k)), Expr::load(b, Index::var(k)))},
          "trajectory of @" + buf.name));
    }
    // Lets of the step used inside the nest: scalars per step.
    std::set<int> defined, used;
    visitStmts(out.deferred, [&](const Stmt &s) {
      if (s.kind == Stmt::Let)
        defined.insert(s.id);
      if (s.value)
        addRefs(s.value, used);
    });
    std::map<int, int> trajOfLet;
    for (int id : used)
      if (!defined.count(id)) {
        int traj = p_.addBuffer({"traj.%" + std::to_string(id), BufferKind::Temp, 0, 1});
        trajectories_.push_back({traj, 1});
        trajOfLet[id] = traj;
        out.capture.push_back(Stmt::store(traj, Index::var(t_), Expr::ref(id)));
      }
    rewriteAll(out.deferred, [&](const Expr &e) -> ExprPtr {
      if (e.kind == Expr::Load && trajOf.count(e.buffer))
        return Expr::load(trajOf[e.buffer], Index::var(t_, p_.buffers[e.buffer].size).plus(e.index));
      if (e.kind == Expr::Ref && trajOfLet.count(e.id))
        return Expr::load(trajOfLet[e.id], Index::var(t_));
      return nullptr;
    });
  }

  Program &p_;
  const std::set<int> &traces_;
  const std::set<int> &written_;
  int t_;
  std::vector<std::pair<int, int64_t>> trajectories_; // (buffer, elements per step)
};

// ---- the entry points -------------------------------------------------------

const Function &functionNamed(const Program &p, const std::string &name) {
  for (const Function &f : p.functions)
    if (f.name == name)
      return f;
  throw std::logic_error("no function " + name);
}

int stateBuffer(Program &p, const std::string &name, int64_t offset, int64_t size) {
  for (size_t b = 0; b < p.buffers.size(); ++b)
    if (p.buffers[b].kind == BufferKind::State && p.buffers[b].offset == offset &&
        p.buffers[b].size == size)
      return static_cast<int>(b);
  return p.addBuffer({name, BufferKind::State, offset, size});
}

/// Input and noise accesses of the step read the entries of step t0 + t.
void offsetPerStep(Program &p, std::vector<Stmt> &body, const WholeTrialOptions &o, int t0, int t) {
  rewriteAll(body, [&](const Expr &e) -> ExprPtr {
    if (e.kind != Expr::Load)
      return nullptr;
    BufferKind k = p.buffers[e.buffer].kind;
    if (k != BufferKind::Input && k != BufferKind::Noise)
      return nullptr;
    int64_t len = k == BufferKind::Input ? o.inputLength : o.noiseLength;
    Index ix = e.index.plus(Index::var(t, len));
    if (t0 >= 0)
      ix = ix.plus(Index::var(t0, len));
    return Expr::load(e.buffer, ix);
  });
}

/// After each step: the outputs' values into the caller's outputs[t0 + t].
Stmt copyOutputs(Program &p, const WholeTrialOptions &o, int t0, int t) {
  int64_t length = 0;
  for (auto [offset, n] : o.outputs)
    length += n;
  int out = -1;
  for (size_t b = 0; b < p.buffers.size(); ++b)
    if (p.buffers[b].kind == BufferKind::Output)
      out = static_cast<int>(b);
  if (out < 0)
    out = p.addBuffer({"outputs", BufferKind::Output, 0, length});
  std::vector<Stmt> copies;
  int64_t at = 0;
  for (auto [offset, n] : o.outputs) {
    int src = stateBuffer(p, "output", offset, n), k = p.addVar("k");
    Index dst = Index::var(t, length).plus(Index::var(k)).plus(Index::constant(at));
    if (t0 >= 0)
      dst = dst.plus(Index::var(t0, length));
    copies.push_back(Stmt::loop(k, n, {Stmt::store(out, dst, Expr::load(src, Index::var(k)))},
                                "outputs of step t0 + t"));
    at += n;
  }
  return Stmt::ifPresent(out, std::move(copies), {});
}

/// One whole-trial function around `stepName`'s body; returns its schedule line.
std::string buildRunTrial(Program &p, const WholeTrialOptions &o, const std::string &stepName,
                          const std::string &name) {
  const Function &begin = functionNamed(p, "plasticc_begin_trial");
  const Function &end = functionNamed(p, "plasticc_end_trial");
  std::vector<Stmt> stepBody = functionNamed(p, stepName).body;
  Function f{name, begin.body, true};

  // The deferred traces this step writes (run_trial_primal: values only).
  std::set<int> traces, written = storedIn(stepBody);
  for (size_t b = 0; b < p.buffers.size(); ++b)
    if (p.buffers[b].kind == BufferKind::State && written.count(static_cast<int>(b)) &&
        std::count(o.deferrable.begin(), o.deferrable.end(), p.buffers[b].offset))
      traces.insert(static_cast<int>(b));

  int t0 = p.addVar("t0"), t = p.addVar("t");
  std::string why;
  std::vector<Stmt> steps, after;
  Deferral deferral(p, traces, written, t);
  for (const Stmt &s : stepBody) {
    std::set<int> here = storedIn({s}), reads = loadedIn({s});
    bool updates = false, reads_ = false;
    for (int b : traces) {
      updates = updates || here.count(b);
      reads_ = reads_ || reads.count(b);
    }
    if (!updates) {
      if (reads_ && why.empty())
        why = "the step reads a deferred trace outside its update";
      steps.push_back(s);
      continue;
    }
    SplitNest split;
    if (s.kind != Stmt::For) {
      if (why.empty())
        why = "a deferred trace is updated outside a loop nest";
      continue;
    }
    if (!deferral.split(s, split, why))
      continue;
    steps.insert(steps.end(), split.capture.begin(), split.capture.end());
    for (Stmt &kept : split.kept)
      kept.comment += kept.comment.empty() ? "traces deferred" : ", traces deferred";
    steps.insert(steps.end(), split.kept.begin(), split.kept.end());
    after.insert(after.end(), split.deferred.begin(), split.deferred.end());
  }
  bool deferred = !traces.empty() && why.empty();
  if (!deferred) { // a plain time loop around the step
    steps = stepBody;
    offsetPerStep(p, steps, o, -1, t);
    if (!o.outputs.empty())
      steps.push_back(copyOutputs(p, o, -1, t));
    f.body.push_back(Stmt::segmentSteps(t, -1, 0, std::move(steps), "the trial's steps"));
    f.body.insert(f.body.end(), end.body.begin(), end.body.end());
    p.functions.push_back(std::move(f));
    if (traces.empty())
      return "@" + name + ": step by step (" + o.notDeferred + ")";
    return "@" + name + ": step by step (" + why + ")";
  }
  int64_t perStep = deferral.trajectoryPerStep() * o.elemBytes;
  int64_t S = o.segmentSteps > 0 ? o.segmentSteps
                                 : std::clamp<int64_t>(kTrajectoryBudget / std::max<int64_t>(perStep, 1),
                                                       1, kMaxSegmentSteps);
  deferral.sizeTrajectories(S);
  offsetPerStep(p, steps, o, t0, t);
  if (!o.outputs.empty())
    steps.push_back(copyOutputs(p, o, t0, t));
  std::vector<Stmt> segment{Stmt::segmentSteps(t, t0, S, std::move(steps), "the segment's steps")};
  // The deferred nests: the segment's time loop inside each one's outer loop.
  for (Stmt &nest : after) {
    std::vector<Stmt> body = std::move(nest.body);
    nest.body = {Stmt::segmentSteps(t, t0, S, std::move(body), "the segment's steps")};
    nest.comment += nest.comment.empty() ? "deferred" : ", deferred";
    segment.push_back(std::move(nest));
  }
  f.body.push_back(Stmt::segments(t0, S, std::move(segment), "segments of " + std::to_string(S) + " steps"));
  f.body.insert(f.body.end(), end.body.begin(), end.body.end());
  p.functions.push_back(std::move(f));
  std::string names;
  for (int b : traces)
    names += (names.empty() ? "" : ", ") + p.buffers[b].name;
  return "@" + name + ": whole trial, traces " + names + " deferred, segments of " + std::to_string(S) +
         " steps (trajectory " + std::to_string((perStep * S + 1023) / 1024) + " KiB)";
}

} // namespace

std::vector<std::string> addWholeTrial(Program &program, const WholeTrialOptions &options) {
  return {buildRunTrial(program, options, "plasticc_step", "plasticc_run_trial"),
          buildRunTrial(program, options, "plasticc_step_primal", "plasticc_run_trial_primal")};
}

} // namespace plasticc::loops

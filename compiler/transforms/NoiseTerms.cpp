//===- compiler/transforms/NoiseTerms.cpp - additive Gaussian noise terms -===//
#include "compiler/transforms/NoiseTerms.h"

#include <unordered_map>
#include <unordered_set>

namespace plasticc::transforms {

using ir::Op;
using ir::OpKind;
using ir::QuantityKind;

namespace {

bool isNoiseRead(const Op *op) {
  return op->kind == OpKind::Read && op->quantity->kind == QuantityKind::Noise;
}

/// The additive terms of `v` that depend on noise, with their signs: the
/// sum is split through add, sub and neg while a part depends on noise.
struct Addend {
  const Op *term;
  bool negated;
  const Op *consumer; // the add, sub, neg (or write) the term enters through
};
void noisyAddends(const Op *v, bool negated, const Op *consumer,
                  const std::unordered_set<const Op *> &noisy, std::vector<Addend> &out) {
  if (!noisy.count(v))
    return;
  switch (v->kind) {
  case OpKind::Add:
    noisyAddends(v->operands[0], negated, v, noisy, out);
    noisyAddends(v->operands[1], negated, v, noisy, out);
    return;
  case OpKind::Sub:
    noisyAddends(v->operands[0], negated, v, noisy, out);
    noisyAddends(v->operands[1], !negated, v, noisy, out);
    return;
  case OpKind::Neg:
    noisyAddends(v->operands[0], !negated, v, noisy, out);
    return;
  default:
    out.push_back({v, negated, consumer});
  }
}

/// Reads `term` as xi, s * xi, xi * s or xi / c with s, c free of noise.
bool matchTerm(const Op *term, bool negated, const std::unordered_set<const Op *> &noisy,
               NoiseTerm &out) {
  out.negated = negated;
  if (isNoiseRead(term)) {
    out.noise = term;
    return true;
  }
  if (term->kind != OpKind::Mul && term->kind != OpKind::Div)
    return false;
  const Op *a = term->operands[0], *b = term->operands[1];
  if (isNoiseRead(a) && !noisy.count(b)) {
    out.noise = a;
    out.scale = b;
    out.divided = term->kind == OpKind::Div;
    return true;
  }
  if (term->kind == OpKind::Mul && isNoiseRead(b) && !noisy.count(a)) {
    out.noise = b;
    out.scale = a;
    return true;
  }
  return false;
}

/// A draw that drives a sampled state is part of that sample: in the score
/// estimator's view it is (x_{t+1} - mu_t) / s, whose derivative is
/// -dmu/s, not 0. A second use of it (in a trace, an output, another
/// expression) would be differentiated as if it were independent data, and
/// the gradient would be biased; it is refused where it happens.
bool checkOtherUses(const ir::Module &m, const std::vector<NoiseTerm> &terms,
                    DiagnosticEngine &diag, const OpLocator &locate) {
  std::unordered_map<const ir::Quantity *, const NoiseTerm *> driving;
  for (const NoiseTerm &t : terms)
    driving[t.noise->quantity] = &t;
  bool ok = true;
  for (const auto &owned : m.step.ops) {
    const Op *op = owned.get();
    for (const Op *o : op->operands) {
      auto it = isNoiseRead(o) ? driving.find(o->quantity) : driving.end();
      if (it == driving.end())
        continue;
      const NoiseTerm &t = *it->second;
      if (o == t.noise && op == t.consumer) // the draw entering its state's sum
        continue;
      // At the using op: the draw is read once per step (one op shared by
      // every use), so its own location is that of its first use.
      diag.error(locate ? locate(*op) : op->loc,
                 "noise '" + o->quantity->name + "' drives state '" + t.write->quantity->name +
                     "', so its draw is part of that state's sample, and it is used here "
                     "too; the score estimator treats samples as data and would take this "
                     "use's derivative as 0 (a biased gradient): give this use a noise of its "
                     "own, or read the state instead");
      ok = false;
    }
  }
  return ok;
}

} // namespace

bool findNoiseTerms(const ir::Module &m, std::vector<NoiseTerm> &terms, DiagnosticEngine &diag,
                    const OpLocator &locate) {
  auto where = [&](const Op &op) { return locate ? locate(op) : op.loc; };
  // Values that depend on a noise draw other than through a sampled
  // state's new value (which is data, like every sampled state).
  std::unordered_set<const Op *> noisy, samples;
  std::unordered_map<const ir::Quantity *, const Op *> driven; // noise -> the write it drives
  bool ok = true;
  std::unordered_set<const ir::Quantity *> reported;
  for (const auto &owned : m.step.ops) {
    const Op *op = owned.get();
    if (isNoiseRead(op)) {
      noisy.insert(op);
      const ir::Quantity *q = op->quantity;
      if (!q->noise.standardNormal() && reported.insert(q).second) {
        diag.error(where(*op), "noise '" + q->name + "' is drawn from " +
                                   ir::noiseDistName(q->noise.kind) +
                                   "(...); the score estimator needs standard normal noise (its "
                                   "score is the draw over its scale, xi / s)");
        ok = false;
      }
      continue;
    }
    if (op->kind != OpKind::Write) {
      for (const Op *o : op->operands)
        if (noisy.count(o) && !samples.count(o)) {
          noisy.insert(op);
          break;
        }
      continue;
    }
    const Op *v = op->operands[0];
    if (op->quantity->kind != QuantityKind::State || !noisy.count(v) || samples.count(v))
      continue;
    if (v->kind == OpKind::Select && v->operands[0]->kind == OpKind::OneHot) {
      // An element write after the noisy update (x[k] = c): element k is
      // then no sample of N(mu, s^2), and its draw would be a use of its own.
      diag.error(where(*v), "an element write of state '" + op->quantity->name +
                                "' follows its noisy update, so that element is not sampled; "
                                "the score estimator needs every element of a state driven by "
                                "noise to be a sample ('" + op->quantity->name +
                                " += mu + s * xi'): use the pathwise estimator, or keep the "
                                "clamped units in a state of their own without noise");
      ok = false;
      continue;
    }
    std::vector<Addend> addends;
    noisyAddends(v, false, op, noisy, addends);
    NoiseTerm t;
    t.write = op;
    const std::string state = "'" + op->quantity->name + "'";
    // A scalar draw broadcast over a vector state: matched, then refused
    // below for its shape.
    if (addends.size() == 1 && addends[0].term->kind == OpKind::Bcast)
      addends[0] = {addends[0].term->operands[0], addends[0].negated, addends[0].term};
    if (addends.size() != 1 || !matchTerm(addends[0].term, addends[0].negated, noisy, t)) {
      const Op *at = addends.size() == 1 ? addends[0].term : v;
      diag.error(where(*at), "noise enters the update of state " + state +
                                 " in a form the score estimator does not recognise: write the "
                                 "update with one additive Gaussian term, '" +
                                 op->quantity->name + " += mu + s * xi' with s free of noise");
      ok = false;
      continue;
    }
    if (t.noise->type != op->quantity->type) {
      diag.error(where(*t.noise), "noise '" + t.noise->quantity->name + "' of shape " +
                                      t.noise->type.shapeStr() + " drives state " + state +
                                      " of shape " + op->quantity->type.shapeStr() +
                                      "; the score estimator needs one independent draw per "
                                      "element of the state");
      ok = false;
      continue;
    }
    auto [it, fresh] = driven.emplace(t.noise->quantity, op);
    if (!fresh) {
      diag.error(where(*t.noise), "noise '" + t.noise->quantity->name + "' drives state " +
                                      state + " and state '" + it->second->quantity->name +
                                      "'; the score estimator needs a noise of its own for "
                                      "each sampled state");
      ok = false;
      continue;
    }
    // The op the draw enters through: the product s * xi, or the sum itself.
    t.consumer = t.noise == addends[0].term ? addends[0].consumer : addends[0].term;
    samples.insert(v);
    terms.push_back(t);
  }
  return checkOtherUses(m, terms, diag, locate) && ok;
}

} // namespace plasticc::transforms

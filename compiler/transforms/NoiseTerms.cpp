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
void noisyAddends(const Op *v, bool negated, const std::unordered_set<const Op *> &noisy,
                  std::vector<std::pair<const Op *, bool>> &out) {
  if (!noisy.count(v))
    return;
  switch (v->kind) {
  case OpKind::Add:
    noisyAddends(v->operands[0], negated, noisy, out);
    noisyAddends(v->operands[1], negated, noisy, out);
    return;
  case OpKind::Sub:
    noisyAddends(v->operands[0], negated, noisy, out);
    noisyAddends(v->operands[1], !negated, noisy, out);
    return;
  case OpKind::Neg:
    noisyAddends(v->operands[0], !negated, noisy, out);
    return;
  default:
    out.push_back({v, negated});
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

} // namespace

bool findNoiseTerms(const ir::Module &m, std::vector<NoiseTerm> &terms, DiagnosticEngine &diag,
                    const OpLocator &locate) {
  auto where = [&](const Op &op) { return locate ? locate(op) : op.loc; };
  // Values that depend on a noise draw other than through a sampled
  // state's new value (which is data, like every sampled state).
  std::unordered_set<const Op *> noisy, samples;
  std::unordered_map<const ir::Quantity *, const Op *> driven; // noise -> the write it drives
  bool ok = true;
  for (const auto &owned : m.step.ops) {
    const Op *op = owned.get();
    if (isNoiseRead(op)) {
      noisy.insert(op);
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
    std::vector<std::pair<const Op *, bool>> addends;
    noisyAddends(v, false, noisy, addends);
    NoiseTerm t;
    t.write = op;
    const std::string state = "'" + op->quantity->name + "'";
    // A scalar draw broadcast over a vector state: matched, then refused
    // below for its shape.
    if (addends.size() == 1 && addends[0].first->kind == OpKind::Bcast)
      addends[0].first = addends[0].first->operands[0];
    if (addends.size() != 1 || !matchTerm(addends[0].first, addends[0].second, noisy, t)) {
      const Op *at = addends.size() == 1 ? addends[0].first : v;
      diag.error(where(*at), "noise enters the update of state " + state +
                                 " in a form whose score is not defined: the score estimator "
                                 "needs one additive Gaussian term, '" +
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
    samples.insert(v);
    terms.push_back(t);
  }
  return ok;
}

} // namespace plasticc::transforms

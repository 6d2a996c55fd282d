//===- dialect/Verifier.cpp - structural checks of a dialect module -------===//
//
// Implements the rules listed in Verifier.h and docs/ir.md ("Verifier
// rules"), one helper per rule family: module-level declarations, operand
// dominance, types (through ir::inferType, never a restatement of its
// rules), quantity access per region, tangent ops, and the end of regions.
// The verifier reports every finding instead of stopping at the first, so a
// pass author sees all of them at once.
//
//===----------------------------------------------------------------------===//
#include "dialect/Verifier.h"

#include "dialect/Builder.h"

#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace plasticc::ir {

namespace {

enum class RegionKind { Init, Trial, Step, Reward };

bool isName(const std::string &s, bool allowLeadingDigit) {
  if (s.empty())
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && (i > 0 || allowLeadingDigit)) || (c == '.' && i > 0)))
      return false;
  }
  return true;
}

std::string describe(const Quantity &q) {
  return std::string(quantityKindName(q.kind)) + " '@" + q.name + "'";
}

/// Who may write what, per region (docs/ir.md, "Verifier rules"):
/// init: every stored quantity; trial: traces and outputs; step: states,
/// traces, outputs, plastic weights and baselines (continuous plasticity);
/// reward: plastic weights and baselines.
bool mayWrite(RegionKind r, const Quantity &q) {
  switch (r) {
  case RegionKind::Init: return q.kind != QuantityKind::Input && q.kind != QuantityKind::Noise;
  case RegionKind::Trial: return q.kind == QuantityKind::Trace || q.kind == QuantityKind::Output;
  case RegionKind::Step:
    return q.kind == QuantityKind::State || q.kind == QuantityKind::Trace ||
           q.kind == QuantityKind::Output || (q.kind == QuantityKind::Weight && q.plastic) ||
           q.kind == QuantityKind::Baseline;
  case RegionKind::Reward:
    return (q.kind == QuantityKind::Weight && q.plastic) || q.kind == QuantityKind::Baseline;
  }
  return false;
}

const char *writersOf(RegionKind r) {
  switch (r) {
  case RegionKind::Init: return "init writes every quantity except inputs and noise";
  case RegionKind::Trial: return "trial writes traces and outputs";
  case RegionKind::Step:
    return "step writes states, traces, outputs, plastic weights and baselines";
  case RegionKind::Reward: return "reward writes plastic weights and baselines";
  }
  return "";
}

class ModuleVerifier {
public:
  explicit ModuleVerifier(const Module &m) : m_(m) {}

  std::vector<VerifierError> run() {
    checkDeclarations();
    const Region *regions[] = {&m_.init, &m_.trial, &m_.step, &m_.reward};
    for (const Region *r : regions)
      for (const auto &op : r->ops)
        regionOf_[op.get()] = r;
    for (int k = 0; k < 4; ++k)
      checkRegion(*regions[k], static_cast<RegionKind>(k));
    return std::move(errors_);
  }

private:
  void report(const Op *op, std::string message) {
    errors_.push_back({op, std::move(message)});
  }

  /// Names, types and flags of the module's dims and quantities, and lanes.
  void checkDeclarations() {
    if (!isName(m_.name, true))
      report(nullptr, "module name '" + m_.name + "' is not a name ([A-Za-z0-9_.]+)");
    std::unordered_set<std::string> dims;
    for (const Dim &d : m_.dims) {
      if (!isName(d.name, false))
        report(nullptr, "dim name '" + d.name + "' is not an identifier");
      if (!dims.insert(d.name).second)
        report(nullptr, "dim '" + d.name + "' is declared twice");
      if (d.value < 1)
        report(nullptr, "dim '" + d.name + "' must be positive, got " + std::to_string(d.value));
    }
    std::unordered_set<std::string> names;
    for (const auto &q : m_.quantities) {
      quantities_.insert(q.get());
      if (!isName(q->name, true))
        report(nullptr, "quantity name '" + q->name + "' is not a name ([A-Za-z0-9_.]+)");
      if (!names.insert(q->name).second)
        report(nullptr, "quantity '@" + q->name + "' is declared twice");
      if (q->type.lanes != 0)
        report(nullptr, describe(*q) + " has a tangent type " + q->type.str() +
                            "; quantity types are primal");
      if (q->plastic && q->kind != QuantityKind::Weight)
        report(nullptr, describe(*q) + " is plastic, but only weights can be");
      checkNoiseDist(*q);
    }
    int scores = 0;
    for (const auto &q : m_.quantities)
      if (q->score) {
        ++scores;
        if (q->kind != QuantityKind::Trace || !q->type.isScalar() || !q->hasTangent)
          report(nullptr, describe(*q) + " is the score accumulator, which is a scalar trace "
                                         "with a tangent");
      }
    if (scores != (m_.lanes > 0 && m_.estimator == Estimator::Score ? 1 : 0))
      report(nullptr, "a module " + std::string(m_.estimator == Estimator::Score && m_.lanes > 0
                                                    ? "with the score estimator needs one"
                                                    : "without the score estimator has no") +
                          " score quantity, found " + std::to_string(scores));
    if (m_.lanes < 0 || (m_.lanes > 0 && m_.lanes != m_.numMetaScalars()))
      report(nullptr, "module lanes " + std::to_string(m_.lanes) +
                          " differ from the number of meta scalars, " +
                          std::to_string(m_.numMetaScalars()) + " (lanes are 0 or P)");
  }

  void checkRegion(const Region &r, RegionKind kind) {
    std::unordered_set<const Op *> defined;
    std::unordered_map<const Quantity *, const Op *> written, tangentWritten;
    for (size_t i = 0; i < r.ops.size(); ++i) {
      const Op &op = *r.ops[i];
      bool operandsOk = checkOperands(op, r, defined);
      bool quantityOk = checkQuantityRef(op);
      if (operandsOk && quantityOk)
        checkType(op);
      if (quantityOk)
        checkAccess(op, r, kind, op.kind == OpKind::WriteTangent ? tangentWritten : written);
      if (family(op.kind) == OpFamily::Random && kind != RegionKind::Init)
        report(&op, std::string("'") + mnemonic(op.kind) + "' outside the init region (in '" +
                        r.name + "'): random draws are per network");
      if (op.kind == OpKind::Ret)
        checkRet(op, r, kind, i + 1 == r.ops.size());
      defined.insert(&op);
    }
    if (kind == RegionKind::Reward && (r.ops.empty() || r.ops.back()->kind != OpKind::Ret))
      report(r.ops.empty() ? nullptr : r.ops.back().get(),
             "the reward region must end with 'ret' of the reward R");
  }

  /// Dominance: every operand is a value defined earlier in this region.
  bool checkOperands(const Op &op, const Region &r, const std::unordered_set<const Op *> &defined) {
    bool ok = true;
    for (size_t k = 0; k < op.operands.size(); ++k) {
      const Op *v = op.operands[k];
      std::string which = "operand " + std::to_string(k) + " of '" + mnemonic(op.kind) + "'";
      if (!v) {
        report(&op, which + " is missing (null)");
        ok = false;
      } else if (!v->hasResult()) {
        report(&op, which + " is '" + mnemonic(v->kind) + "', which has no result");
        ok = false;
      } else if (!defined.count(v)) {
        auto it = regionOf_.find(v);
        if (it != regionOf_.end() && it->second != &r)
          report(&op, which + " is defined in region '" + it->second->name +
                          "'; values do not cross regions (use write and read)");
        else
          report(&op, which + " is not defined before its use in region '" + r.name + "'");
        ok = false;
      }
    }
    return ok;
  }

  /// Quantity ops name a quantity of this module; other ops name none.
  bool checkQuantityRef(const Op &op) {
    bool needs = op.kind == OpKind::Read || op.kind == OpKind::ReadTangent ||
                 op.kind == OpKind::Write || op.kind == OpKind::WriteTangent;
    std::string what = std::string("'") + mnemonic(op.kind) + "'";
    if (!needs) {
      if (op.quantity)
        report(&op, what + " names a quantity ('@" + op.quantity->name + "') but takes none");
      return true;
    }
    if (!op.quantity) {
      report(&op, what + " names no quantity");
      return false;
    }
    if (!quantities_.count(op.quantity)) {
      report(&op, what + " names '@" + op.quantity->name + "', which is not in this module");
      return false;
    }
    return true;
  }

  /// The op's type is what inferType gives for its operands and attributes;
  /// a write stores exactly the quantity's type (or its tangent type).
  void checkType(const Op &op) {
    std::vector<Type> types;
    for (const Op *v : op.operands)
      types.push_back(v->type);
    std::optional<Type> declared;
    switch (op.kind) {
    case OpKind::Read: declared = op.quantity->type; break;
    case OpKind::ReadTangent: declared = op.quantity->type.withLanes(m_.lanes); break;
    case OpKind::Const:
    case OpKind::OneHot:
    case OpKind::Bcast:
    case OpKind::RandNormal:
    case OpKind::RandUniform: declared = op.type; break;
    default: break;
    }
    std::string why;
    std::optional<Type> inferred = inferType(op.kind, types, op.attrs, declared, why);
    std::string what = std::string("'") + mnemonic(op.kind) + "'";
    if (!inferred) {
      report(&op, what + ": " + (why.empty() ? "ill-formed attributes or types" : why));
      return;
    }
    if (op.kind == OpKind::Write || op.kind == OpKind::WriteTangent) {
      Type want = op.quantity->type.withLanes(op.kind == OpKind::Write ? 0 : m_.lanes);
      if (types[0] != want)
        report(&op, what + " of " + types[0].str() + " to '@" + op.quantity->name +
                        "', which needs " + want.str());
      return;
    }
    if (op.hasResult() && *inferred != op.type)
      report(&op, what + " has type " + op.type.str() + ", but its operands and attributes give " +
                      inferred->str());
  }

  /// A distribution only on noise, with parameters the runtime can draw from.
  void checkNoiseDist(const Quantity &q) {
    const NoiseDist &d = q.noise;
    if (q.kind != QuantityKind::Noise) {
      if (!d.standardNormal())
        report(nullptr, describe(q) + " has a noise distribution, but only noise can");
      return;
    }
    bool finite = std::isfinite(d.a) && std::isfinite(d.b) && std::isfinite(d.b - d.a);
    if (!finite || (d.kind == NoiseDist::Normal && d.b < 0) ||
        (d.kind == NoiseDist::Uniform && d.a > d.b) ||
        (d.kind == NoiseDist::Bernoulli && !(d.a >= 0 && d.a <= 1)))
      report(nullptr, describe(q) + " has an invalid distribution " + noiseDistName(d.kind) +
                          " (parameters must be finite, with a finite hi - lo; normal needs a variance >= 0, "
                          "uniform lo <= hi, bernoulli p in [0, 1])");
  }

  /// Reads and writes respect the region's permissions and the tangent rules;
  /// each quantity is written (and its tangent written) at most once.
  void checkAccess(const Op &op, const Region &r, RegionKind kind,
                   std::unordered_map<const Quantity *, const Op *> &written) {
    const Quantity *q = op.quantity;
    bool tangentOp = op.kind == OpKind::ReadTangent || op.kind == OpKind::WriteTangent;
    std::string what = std::string("'") + mnemonic(op.kind) + "' of " + (q ? describe(*q) : "");
    if (tangentOp && m_.lanes == 0)
      report(&op, what + " in a module without tangent lanes (lanes 0)");
    switch (op.kind) {
    case OpKind::Read:
      if ((q->kind == QuantityKind::Input || q->kind == QuantityKind::Noise) &&
          kind != RegionKind::Step)
        report(&op, what + " in region '" + r.name +
                        "': inputs and noise are supplied only to the step");
      break;
    case OpKind::ReadTangent:
      if (!q->hasTangent && q->kind != QuantityKind::Meta)
        report(&op, what + ", which has no tangent");
      break;
    case OpKind::Write:
    case OpKind::WriteTangent:
      if (!mayWrite(kind, *q))
        report(&op, what + " in region '" + r.name + "' (" + writersOf(kind) + ")");
      if (op.kind == OpKind::WriteTangent && q->kind == QuantityKind::Meta)
        report(&op, what + ": a meta tangent is the identity seed and is not stored");
      else if (op.kind == OpKind::WriteTangent && !q->hasTangent)
        report(&op, what + ", which has no tangent");
      if (!written.emplace(q, &op).second)
        report(&op, "second " + what + " in region '" + r.name +
                        "' (one write per quantity per region)");
      break;
    default: break;
    }
  }

  /// `ret` ends its region; in the reward region it returns R : f64 and,
  /// once the module has lanes P, also dR : f64<P>.
  void checkRet(const Op &op, const Region &r, RegionKind kind, bool last) {
    if (!last)
      report(&op, "'ret' must be the last op of region '" + r.name + "'");
    if (kind != RegionKind::Reward) {
      if (!op.operands.empty())
        report(&op, "'ret' in region '" + r.name + "' returns no values");
      return;
    }
    Type r0 = Type::scalar();
    Type r1 = Type::scalar().withLanes(m_.lanes);
    size_t want = m_.lanes > 0 ? 2 : 1;
    bool ok = op.operands.size() == want;
    for (size_t k = 0; ok && k < want; ++k)
      ok = op.operands[k] && op.operands[k]->type == (k == 0 ? r0 : r1);
    if (!ok)
      report(&op, m_.lanes > 0 ? "the reward region must return R : f64 and its tangent dR : " +
                                     r1.str()
                               : std::string("the reward region must return one value, R : f64"));
  }

  const Module &m_;
  std::vector<VerifierError> errors_;
  std::unordered_set<const Quantity *> quantities_;
  std::unordered_map<const Op *, const Region *> regionOf_;
};

} // namespace

std::vector<VerifierError> verify(const Module &module) { return ModuleVerifier(module).run(); }

} // namespace plasticc::ir

//===- runtime/Interpreter.cpp - the reference backend --------------------===//
#include "runtime/Interpreter.h"

#include "dialect/TrialStart.h"
#include "runtime/InterpreterOps.h"

#include <algorithm>
#include <cstring>

namespace plasticc::runtime {

using ir::Op;
using ir::OpKind;
using ir::QuantityKind;

namespace {

int64_t lanesOf(const ir::Type &t) { return std::max<int64_t>(1, t.lanes); }

} // namespace

/// One region, prepared once: op numbering, the ops the primal alone needs,
/// and a scratch array per op result.
struct Interpreter::RegionPlan {
  const ir::Region &region;
  std::unordered_map<const Op *, size_t> index;
  std::vector<bool> primal; // needed by a primal write or by R
  std::vector<std::vector<double>> values;

  explicit RegionPlan(const ir::Region &r) : region(r), primal(r.ops.size()), values(r.ops.size()) {
    for (size_t i = 0; i < r.ops.size(); ++i) {
      const Op &op = *r.ops[i];
      index[&op] = i;
      if (op.hasResult())
        values[i].resize(lanesOf(op.type) * op.type.numElements());
    }
    // Backward closure from the primal effects (straight-line code, so one
    // reverse sweep suffices). ret's operand 0 is R; dR is a tangent.
    for (size_t i = r.ops.size(); i-- > 0;) {
      const Op &op = *r.ops[i];
      bool root = op.kind == OpKind::Write || op.kind == OpKind::Ret;
      if (!root && !primal[i])
        continue;
      primal[i] = true;
      size_t used = op.kind == OpKind::Ret ? std::min<size_t>(1, op.operands.size())
                                           : op.operands.size();
      for (size_t k = 0; k < used; ++k)
        primal[index.at(op.operands[k])] = true;
    }
  }
};

/// What one run of a region works on.
struct Interpreter::Frame {
  std::byte *state = nullptr;
  const double *inputs = nullptr;
  const double *noise = nullptr;
  uint64_t seed = 0;
  bool tangents = true;      // false: only the ops marked primal
  bool skipMetaWrites = false; // init with the caller's meta
  const std::vector<bool> *only = nullptr; // run only these ops (indexed like the region's)
  double reward = 0;
  std::vector<double> dReward;
};

ModelInfo describeModel(const ir::Module &m, const ir::Layout &layout, std::string sourceHash) {
  ModelInfo info;
  info.name = m.name;
  info.sourceHash = std::move(sourceHash);
  info.metaScalars = m.numMetaScalars();
  info.stateBytes = layout.stateBytes;
  info.stateAlign = ir::Layout::kAlign;
  info.inputLength = layout.inputLength;
  info.noiseLength = layout.noiseLength;
  for (const auto &q : m.quantities) {
    const ir::Slot &s = layout.of(q.get());
    QuantityInfo qi;
    qi.name = q->name;
    qi.kind = ir::quantityKindName(q->kind);
    for (int k = 0; k < q->type.rank; ++k)
      qi.shape.push_back(q->type.dims[k]);
    qi.offset = s.input >= 0 ? s.input : s.value;
    qi.tangentOffset = s.tangent;
    qi.initOffset = s.init;
    qi.noiseDist = ir::noiseDistName(q->noise.kind);
    qi.noiseA = q->noise.a;
    qi.noiseB = q->noise.b;
    if (q->score)
      info.scoreIndex = static_cast<int64_t>(info.quantities.size());
    info.quantities.push_back(std::move(qi));
  }
  info.estimator = m.lanes > 0 ? ir::estimatorName(m.estimator) : "pathwise";
  return info;
}

Interpreter::Interpreter(const ir::Module &module, std::string sourceHash)
    : module_(module), layout_(ir::computeLayout(module, 8)),
      info_(describeModel(module, layout_, std::move(sourceHash))),
      init_(std::make_unique<RegionPlan>(module.init)),
      trial_(std::make_unique<RegionPlan>(module.trial)),
      step_(std::make_unique<RegionPlan>(module.step)),
      reward_(std::make_unique<RegionPlan>(module.reward)),
      derived_(ir::opsOfWrites(module.init, ir::derivedStateWrites(module.init))) {
  for (const ir::Region *r : module.regions())
    for (const auto &op : r->ops)
      PLASTICC_INTERNAL_ASSERT(!op->hasResult() || op->type.elem == ir::ElemType::F64,
                               "the interpreter runs f64 modules only");
}

Interpreter::~Interpreter() = default;

void Interpreter::run(RegionPlan &plan, Frame &f) {
  const auto &ops = plan.region.ops;
  std::vector<interp::ValueRef> in;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op &op = *ops[i];
    if ((!f.tangents && !plan.primal[i]) || (f.only && !(*f.only)[i]))
      continue;
    double *out = plan.values[i].data();
    in.clear();
    for (const Op *o : op.operands)
      in.push_back({&o->type, plan.values[plan.index.at(o)].data()});
    const ir::Quantity *q = op.quantity;
    int64_t n = op.hasResult() ? op.type.numElements() : 0;
    switch (op.kind) {
    case OpKind::Read: {
      const ir::Slot &s = layout_.of(q);
      const double *src = q->kind == QuantityKind::Input   ? f.inputs + s.input
                          : q->kind == QuantityKind::Noise ? f.noise + s.input
                                                           : reinterpret_cast<const double *>(f.state + s.value);
      std::copy_n(src, n, out);
      break;
    }
    case OpKind::ReadTangent: {
      if (q->kind == QuantityKind::Meta) { // the identity seed d(meta)/d(meta)
        std::fill_n(out, op.type.lanes * n, 0.0);
        int64_t first = module_.metaOffset(q);
        for (int64_t k = 0; k < n; ++k)
          out[(first + k) * n + k] = 1.0;
        break;
      }
      const ir::Slot &s = layout_.of(q);
      PLASTICC_INTERNAL_ASSERT(s.tangent >= 0, "read.tangent of @" + q->name + " without tangent");
      std::copy_n(reinterpret_cast<const double *>(f.state + s.tangent), op.type.lanes * n, out);
      break;
    }
    case OpKind::Write: {
      if (f.skipMetaWrites && q->kind == QuantityKind::Meta)
        break;
      const ir::Slot &s = layout_.of(q);
      std::copy_n(in[0].data, q->type.numElements(), reinterpret_cast<double *>(f.state + s.value));
      break;
    }
    case OpKind::WriteTangent: {
      const ir::Slot &s = layout_.of(q);
      PLASTICC_INTERNAL_ASSERT(s.tangent >= 0, "write.tangent of @" + q->name + " without tangent");
      std::copy_n(in[0].data, in[0].type->lanes * q->type.numElements(),
                  reinterpret_cast<double *>(f.state + s.tangent));
      break;
    }
    case OpKind::Ret:
      if (!in.empty())
        f.reward = in[0].data[0];
      if (in.size() > 1 && f.tangents)
        f.dReward.assign(in[1].data, in[1].data + in[1].type->lanes);
      break;
    default:
      interp::evaluatePure(op, in, out, f.seed);
      break;
    }
  }
}

void Interpreter::init(void *state, const double *meta, uint64_t seed) {
  auto *s = static_cast<std::byte *>(state);
  std::memset(s, 0, layout_.stateBytes);
  Frame f;
  f.state = s;
  f.seed = seed;
  f.tangents = false;
  if (meta) {
    int64_t at = 0;
    for (const auto &q : module_.quantities)
      if (q->kind == QuantityKind::Meta) {
        int64_t n = q->type.numElements();
        std::copy_n(meta + at, n, reinterpret_cast<double *>(s + layout_.of(q.get()).value));
        at += n;
      }
    f.skipMetaWrites = true;
  }
  run(*init_, f);
  saveTrialStarts(s);
}

void Interpreter::saveTrialStarts(std::byte *s) const {
  for (const ir::Slot &slot : layout_.slots)
    if (slot.init >= 0)
      std::memcpy(s + slot.init, s + slot.value, slot.quantity->type.numElements() * sizeof(double));
}

void Interpreter::setTrialStart(void *state) {
  Frame f;
  f.state = static_cast<std::byte *>(state);
  f.tangents = false;
  f.only = &derived_;
  run(*init_, f);
  saveTrialStarts(f.state);
}

void Interpreter::beginTrial(void *state) {
  auto *s = static_cast<std::byte *>(state);
  for (const ir::Slot &slot : layout_.slots) {
    const ir::Quantity &q = *slot.quantity;
    int64_t bytes = q.type.numElements() * sizeof(double);
    if (slot.init >= 0)
      std::memcpy(s + slot.value, s + slot.init, bytes);
    bool fresh = q.kind == QuantityKind::State || q.kind == QuantityKind::Trace ||
                 q.kind == QuantityKind::Output;
    if (fresh && slot.tangent >= 0)
      std::memset(s + slot.tangent, 0, bytes * layout_.lanes);
  }
  Frame f;
  f.state = s;
  run(*trial_, f);
}

void Interpreter::runStep(void *state, const double *inputs, const double *noise, bool tangents) {
  Frame f;
  f.state = static_cast<std::byte *>(state);
  f.inputs = inputs;
  f.noise = noise;
  f.tangents = tangents;
  run(*step_, f);
}

void Interpreter::step(void *state, const double *inputs, const double *noise) {
  runStep(state, inputs, noise, true);
}

void Interpreter::stepPrimal(void *state, const double *inputs, const double *noise) {
  runStep(state, inputs, noise, false);
}

double Interpreter::endTrial(void *state, double *dRdMeta) {
  Frame f;
  f.state = static_cast<std::byte *>(state);
  run(*reward_, f);
  if (dRdMeta) {
    PLASTICC_INTERNAL_ASSERT(module_.lanes > 0 || info_.metaScalars == 0,
                             "dR/dmeta of a module without tangents (run the tangent pass)");
    std::fill_n(dRdMeta, info_.metaScalars, 0.0);
    std::copy(f.dReward.begin(), f.dReward.end(), dRdMeta);
  }
  return f.reward;
}

} // namespace plasticc::runtime

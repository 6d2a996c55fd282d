//===- runtime/jit/NativeModel.cpp - descriptor reading and checks --------===//
#include "runtime/jit/NativeModel.h"

#include <cctype>
#include <cstring>

namespace plasticc::runtime {

namespace {
const char *kKinds[] = {"meta", "param", "input", "noise", "state", "weight", "trace", "baseline", "output"};

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t k = 0; k < s.size(); ++k)
    out += (k ? "," : "") + std::to_string(s[k]);
  return out + "]";
}
} // namespace

namespace {

/// Whether `name` is what plasticc writes for a model or quantity name,
/// [A-Za-z0-9_.]+ not starting with '.' (names become file names and CSV
/// headers: "../x" must not reach them).
bool plainName(const char *name) {
  if (!*name || *name == '.')
    return false;
  for (const char *p = name; *p; ++p)
    if (!std::isalnum(static_cast<unsigned char>(*p)) && *p != '_' && *p != '.')
      return false;
  return true;
}

/// Whether quantity `q`'s value (elements of `unit` bytes from q.offset)
/// ends within `limit`, and its tangent lanes, if any, within `stateBytes`;
/// every product and sum checked, so a corrupt descriptor cannot wrap.
bool insideState(const plasticc_quantity &q, int64_t unit, int64_t lanes, int64_t limit,
                 int64_t stateBytes) {
  int64_t n = 1;
  for (int r = 0; r < q.rank; ++r)
    if (q.shape[r] < 1 || __builtin_mul_overflow(n, q.shape[r], &n))
      return false;
  int64_t bytes = 0, end = 0;
  if (q.offset < 0 || __builtin_mul_overflow(n, unit, &bytes) ||
      __builtin_add_overflow(q.offset, bytes, &end) || end > limit)
    return false;
  if (q.tangent_offset < 0)
    return true;
  return !__builtin_mul_overflow(bytes, lanes, &bytes) &&
         !__builtin_add_overflow(q.tangent_offset, bytes, &end) && end <= stateBytes;
}

/// Whether a state's trial-start copy (`unit`-byte elements at
/// q.init_offset) lies inside the state, and other kinds have none (-1).
bool startCopyInside(const plasticc_quantity &q, int64_t unit, int64_t stateBytes) {
  if (q.kind != PLASTICC_STATE)
    return q.init_offset == -1;
  plasticc_quantity copy = q;
  copy.offset = q.init_offset;
  copy.tangent_offset = -1;
  return insideState(copy, unit, 0, stateBytes, stateBytes);
}

} // namespace

bool readDescriptor(const plasticc_model_info *c, ModelInfo &out, std::string &error) {
  if (!c) {
    error = "plasticc_info() returned no descriptor";
    return false;
  }
  if (c->abi_version != PLASTICC_ABI_VERSION) {
    error = "ABI version mismatch: the model was built for plasticc ABI " +
            std::to_string(c->abi_version) + ", this runtime speaks ABI " +
            std::to_string(PLASTICC_ABI_VERSION) + " (recompile the model with this plasticc)";
    return false;
  }
  if (!c->model_name || !plainName(c->model_name) || !c->source_sha256 || (c->num_quantities > 0 && !c->quantities) ||
      c->state_bytes < 0 || c->num_quantities < 0 || c->input_length < 0 || c->noise_length < 0 ||
      c->num_meta < 0 || (c->tangent_lanes != 0 && c->tangent_lanes != c->num_meta) ||
      c->state_align < 8 || (c->state_align & (c->state_align - 1)) != 0 ||
      (c->elem != PLASTICC_F64 && c->elem != PLASTICC_F32)) {
    error = "malformed model descriptor";
    return false;
  }
  out = ModelInfo{};
  out.name = c->model_name;
  out.sourceHash = c->source_sha256;
  out.metaScalars = c->num_meta;
  out.stateBytes = c->state_bytes;
  out.stateAlign = c->state_align;
  out.inputLength = c->input_length;
  out.noiseLength = c->noise_length;
  int64_t elemBytes = c->elem == PLASTICC_F64 ? 8 : 4;
  for (int64_t k = 0; k < c->num_quantities; ++k) {
    const plasticc_quantity &q = c->quantities[k];
    if (!q.name || !plainName(q.name) || q.kind < 0 || q.kind > PLASTICC_OUTPUT || q.rank < 0 ||
        q.rank > 2) {
      error = "malformed entry " + std::to_string(k) + " in the model descriptor";
      return false;
    }
    QuantityInfo qi;
    qi.name = q.name;
    qi.kind = kKinds[q.kind];
    for (int r = 0; r < q.rank; ++r)
      qi.shape.push_back(q.shape[r]);
    qi.offset = q.offset;
    qi.tangentOffset = q.tangent_offset;
    qi.initOffset = q.init_offset;
    if (q.kind == PLASTICC_NOISE) {
      static const char *kDists[] = {"normal", "uniform", "bernoulli"};
      if (q.noise_dist < PLASTICC_NOISE_NORMAL || q.noise_dist > PLASTICC_NOISE_BERNOULLI) {
        error = "descriptor entry '" + qi.name + "' has an unknown noise distribution";
        return false;
      }
      qi.noiseDist = kDists[q.noise_dist];
      qi.noiseA = q.noise_param[0];
      qi.noiseB = q.noise_param[1];
    }
    bool io = q.kind == PLASTICC_INPUT || q.kind == PLASTICC_NOISE;
    int64_t limit = io ? (q.kind == PLASTICC_INPUT ? c->input_length : c->noise_length) : c->state_bytes;
    if (!insideState(q, io ? 1 : elemBytes, io ? 0 : c->tangent_lanes, limit, c->state_bytes)) {
      error = "descriptor entry '" + qi.name + "' lies outside the state or its vector";
      return false;
    }
    if (!startCopyInside(q, elemBytes, c->state_bytes)) {
      error = "descriptor entry '" + qi.name + "' has its trial-start copy outside the state" +
              (q.kind == PLASTICC_STATE ? "" : " (only states have one)");
      return false;
    }
    out.quantities.push_back(qi);
  }
  if ((c->estimator != PLASTICC_PATHWISE && c->estimator != PLASTICC_SCORE) ||
      (c->estimator == PLASTICC_SCORE) != (c->score_quantity >= 0) ||
      c->score_quantity >= c->num_quantities ||
      (c->score_quantity >= 0 && out.quantities[static_cast<size_t>(c->score_quantity)].tangentOffset < 0)) {
    error = "malformed model descriptor (estimator and score quantity)";
    return false;
  }
  if (c->output_length != outputLength(out)) {
    error = "malformed model descriptor (output_length is not the outputs' size)";
    return false;
  }
  out.estimator = c->estimator == PLASTICC_SCORE ? "score" : "pathwise";
  out.scoreIndex = c->score_quantity;
  return true;
}

bool sameDescriptor(const ModelInfo &e, const ModelInfo &a, std::string &error) {
  auto differ = [&](const std::string &what, const std::string &want, const std::string &got) {
    error = "model descriptor mismatch: " + what + " is " + got + ", expected " + want;
    return false;
  };
  if (e.name != a.name)
    return differ("the model name", e.name, a.name);
  if (!e.sourceHash.empty() && e.sourceHash != a.sourceHash)
    return differ("the source SHA-256", e.sourceHash, a.sourceHash);
  if (e.estimator != a.estimator)
    return differ("the estimator", e.estimator, a.estimator);
  if (e.metaScalars != a.metaScalars)
    return differ("P (meta scalars)", std::to_string(e.metaScalars), std::to_string(a.metaScalars));
  if (e.stateBytes != a.stateBytes)
    return differ("the state size", std::to_string(e.stateBytes), std::to_string(a.stateBytes));
  if (e.inputLength != a.inputLength || e.noiseLength != a.noiseLength)
    return differ("the input/noise lengths",
                  std::to_string(e.inputLength) + "/" + std::to_string(e.noiseLength),
                  std::to_string(a.inputLength) + "/" + std::to_string(a.noiseLength));
  if (e.quantities.size() != a.quantities.size())
    return differ("the number of quantities", std::to_string(e.quantities.size()),
                  std::to_string(a.quantities.size()));
  for (size_t k = 0; k < e.quantities.size(); ++k) {
    const QuantityInfo &x = e.quantities[k], &y = a.quantities[k];
    std::string at = "quantity #" + std::to_string(k) + " ('" + x.name + "')";
    if (x.name != y.name || x.kind != y.kind || x.shape != y.shape)
      return differ(at, x.kind + " " + x.name + shapeStr(x.shape), y.kind + " " + y.name + shapeStr(y.shape));
    auto offsets = [](const QuantityInfo &q) {
      return std::to_string(q.offset) + "/" + std::to_string(q.initOffset) + "/" +
             std::to_string(q.tangentOffset);
    };
    if (offsets(x) != offsets(y))
      return differ(at + " offsets (value/start copy/tangent)", offsets(x), offsets(y));
  }
  return true;
}

std::unique_ptr<NativeModel> NativeModel::create(EntryPoints e, std::shared_ptr<void> owner,
                                                 const ModelInfo *expected, std::string &error) {
  std::unique_ptr<NativeModel> m(new NativeModel(e, std::move(owner)));
  // The descriptor first: a library of another ABI version may lack an
  // entry point of this one (plasticc_set_trial_start came with ABI 4).
  if (e.info && !readDescriptor(e.info(), m->info_, error))
    return nullptr;
  if (!e.info || !e.init || !e.setTrialStart || !e.beginTrial || !e.step || !e.stepPrimal ||
      !e.endTrial || !e.runTrial || !e.runTrialPrimal) {
    error = "not a plasticc model: an entry point (plasticc_info, plasticc_init, ...) is missing";
    return nullptr;
  }
  const plasticc_model_info *c = e.info();
  m->elem_ = c->elem;
  m->lanes_ = c->tangent_lanes;
  if (expected && !sameDescriptor(*expected, m->info_, error))
    return nullptr;
  return m;
}

} // namespace plasticc::runtime

//===- runtime/GradCheck.cpp - tangent gradient vs finite differences -----===//
#include "runtime/GradCheck.h"

#include "dialect/Random.h"
#include "runtime/CueDelayResponse.h"
#include "runtime/Noise.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <ostream>

namespace plasticc::runtime {

namespace {

// Seeds of the check's own draws, mixed from the user's seed so that they
// are independent of the network's initial draws (which use the seed as is).
constexpr uint64_t kInputSalt = 0x1a2b3c4d5e6f7081ULL;
constexpr uint64_t kMetaSalt = 0x0f1e2d3c4b5a6978ULL;

// The finite-difference steps: kLargestStep * 10^(-k/2), k < kStepLevels.
constexpr double kLargestStep = 1e-4;
constexpr int kStepLevels = 8;
// Rounding error of J in units of eps |J|: J sums thousands of products.
constexpr double kRoundingUlps = 10;

std::string formatG(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

const QuantityInfo *findInput(const ModelInfo &info, const std::string &name) {
  const QuantityInfo *q = info.find(name);
  return q && q->kind == "input" ? q : nullptr;
}

StepSource randomSource(const ModelInfo &info, uint64_t seed) {
  int64_t ni = info.inputLength;
  auto sampler = std::make_shared<NoiseSampler>(info);
  return [=](int64_t k, int64_t t, double *inputs, double *noise) {
    for (int64_t i = 0; i < ni; ++i)
      inputs[i] = random::uniform(seed, 2 * k, t * ni + i, -1.0, 1.0);
    sampler->fill(seed, static_cast<uint64_t>(2 * k + 1), t, false, noise);
  };
}

StepSource cueDelaySource(const ModelInfo &info, uint64_t seed, int64_t steps,
                          std::string &error) {
  const QuantityInfo *u = findInput(info, "u"), *y = findInput(info, "y"), *m = findInput(info, "m");
  if (!u || !y || !m || u->numElements() != 2 || y->numElements() != 1 || m->numElements() != 1 ||
      !m->shape.empty()) {
    error = "task cue_delay_response needs the inputs u[2], y[1] and m (scalar); model '" +
            info.name + "' does not declare them";
    return {};
  }
  int64_t ni = info.inputLength;
  auto sampler = std::make_shared<NoiseSampler>(info);
  int64_t ou = u->offset, oy = y->offset, om = m->offset;
  // One trial's inputs at a time (the source is called in trial order).
  auto cache = std::make_shared<std::pair<int64_t, CueDelayTrial>>(-1, CueDelayTrial{});
  return [=](int64_t k, int64_t t, double *inputs, double *noise) {
    if (cache->first != k) {
      int cue = static_cast<int>(random::bits(seed, 1u << 20, k) & 1);
      *cache = {k, cueDelayResponse(cue, steps)};
    }
    const CueDelayTrial &tr = cache->second;
    std::fill_n(inputs, ni, 0.0);
    inputs[ou] = tr.u0.at(t);
    inputs[ou + 1] = tr.u1.at(t);
    inputs[oy] = tr.y.at(t);
    inputs[om] = tr.m.at(t);
    sampler->fill(seed, static_cast<uint64_t>(2 * k + 1), t, false, noise);
  };
}

} // namespace

bool GradCheckResult::ok() const {
  if (!error.empty())
    return false;
  return std::all_of(entries.begin(), entries.end(), [](const GradCheckEntry &e) { return e.ok; });
}

std::vector<std::string> metaScalarNames(const ModelInfo &info) {
  std::vector<std::string> names;
  for (const QuantityInfo &q : info.quantities) {
    if (q.kind != "meta")
      continue;
    if (q.shape.empty()) {
      names.push_back(q.name);
      continue;
    }
    int64_t cols = q.shape.size() == 2 ? q.shape[1] : 1;
    for (int64_t k = 0; k < q.numElements(); ++k)
      names.push_back(q.shape.size() == 2
                          ? q.name + "[" + std::to_string(k / cols) + "," + std::to_string(k % cols) + "]"
                          : q.name + "[" + std::to_string(k) + "]");
  }
  return names;
}

std::vector<double> defaultMeta(Backend &backend, uint64_t seed) {
  const ModelInfo &info = backend.info();
  StateBuffer state(info);
  backend.init(state.data(), nullptr, seed);
  std::vector<double> meta;
  for (const QuantityInfo &q : info.quantities)
    if (q.kind == "meta") {
      auto *values = reinterpret_cast<const double *>(static_cast<const std::byte *>(state.data()) + q.offset);
      meta.insert(meta.end(), values, values + q.numElements());
    }
  return meta;
}

std::vector<double> perturbedMeta(const std::vector<double> &defaults, uint64_t seed) {
  std::vector<double> meta(defaults.size());
  uint64_t s = random::mix64(seed ^ kMetaSalt);
  for (size_t p = 0; p < defaults.size(); ++p) {
    double u = random::uniform(s, 0, p, -1.0, 1.0);
    meta[p] = defaults[p] != 0 ? defaults[p] * (1.0 + 0.2 * u) : 0.1 * u;
  }
  return meta;
}

StepSource makeStepSource(const ModelInfo &info, const std::string &task, uint64_t seed,
                          int64_t steps, std::string &error, std::string *description) {
  uint64_t s = random::mix64(seed ^ kInputSalt);
  if (task.empty()) {
    if (description)
      *description = "seeded random (inputs uniform in [-1, 1), noise from its declared distribution)";
    return randomSource(info, s);
  }
  if (task == "cue_delay_response") {
    if (description)
      *description = "task cue_delay_response (MODEL.md), noise from its declared distribution";
    return cueDelaySource(info, s, steps, error);
  }
  error = "unknown task '" + task + "' (known: cue_delay_response)";
  return {};
}

GradCheckResult checkGradient(Backend &backend, const GradCheckOptions &o) {
  const ModelInfo &info = backend.info();
  GradCheckResult res;
  int64_t p = info.metaScalars;
  if (!o.meta.empty() && static_cast<int64_t>(o.meta.size()) != p) {
    res.error = "--meta gives " + std::to_string(o.meta.size()) + " values, but model '" +
                info.name + "' has " + std::to_string(p) + " meta scalars";
    return res;
  }
  StepSource source = makeStepSource(info, o.task, o.seed, o.steps, res.error, &res.inputsDescription);
  if (!source)
    return res;
  if (o.meta.empty()) {
    res.meta = perturbedMeta(defaultMeta(backend, o.seed), o.seed);
    res.metaDescription = "seeded near the defaults; --meta to choose";
  } else {
    res.meta = o.meta;
    res.metaDescription = "given";
  }

  ObjectiveResult base = evaluateObjective(backend, res.meta.data(), o.seed, o.trials, o.steps,
                                           source, /*withGradient=*/true);
  res.J = base.J;
  double scale = std::max(1.0, std::fabs(base.J));
  for (double g : base.dJ)
    scale = std::max(scale, std::fabs(g));
  res.absTol = o.absFloor * scale;

  std::vector<std::string> names = metaScalarNames(info);
  std::vector<double> m = res.meta;
  auto J = [&](int64_t q, double delta) {
    m[q] = res.meta[q] + delta;
    double j = evaluateObjective(backend, m.data(), o.seed, o.trials, o.steps, source, false).J;
    m[q] = res.meta[q];
    return j;
  };
  for (int64_t q = 0; q < p; ++q) {
    GradCheckEntry e;
    e.name = names.at(q);
    e.tangent = base.dJ.at(q);
    // Central differences on a grid of steps; the estimate is taken where
    // two neighbours agree best, counting the rounding error each step must
    // have (two neighbours can agree by chance where rounding dominates),
    // see the file comment.
    double scaleH = std::max(1.0, std::fabs(res.meta[q]));
    std::vector<double> hs, ds, noise;
    for (int k = 0; k < kStepLevels; ++k) {
      double h = kLargestStep * std::pow(10.0, -0.5 * k) * scaleH;
      double jp = J(q, h), jm = J(q, -h);
      hs.push_back(h);
      ds.push_back((jp - jm) / (2 * h));
      noise.push_back(kRoundingUlps * std::numeric_limits<double>::epsilon() *
                      std::max(std::fabs(jp), std::fabs(jm)) / h);
    }
    auto badness = [&](size_t k) { return std::fabs(ds[k] - ds[k + 1]) + noise[k + 1]; };
    size_t best = 0;
    for (size_t k = 1; k + 1 < ds.size(); ++k)
      if (badness(k) < badness(best))
        best = k;
    e.finiteDiff = 0.5 * (ds[best] + ds[best + 1]);
    e.step = std::sqrt(hs[best] * hs[best + 1]);
    e.fdSpread = std::fabs(ds[best] - ds[best + 1]);
    double diff = std::fabs(e.tangent - e.finiteDiff);
    double mag = std::max(std::fabs(e.tangent), std::fabs(e.finiteDiff));
    e.relError = mag > 0 ? diff / mag : diff;
    e.ok = std::isfinite(e.tangent) && std::isfinite(e.finiteDiff) &&
           diff <= o.relTol * mag + res.absTol;
    res.entries.push_back(e);
  }
  return res;
}

void printGradCheck(const GradCheckResult &r, const GradCheckOptions &o, const ModelInfo &info,
                    std::ostream &out) {
  if (!r.error.empty()) {
    out << "check-grad: error: " << r.error << "\n";
    return;
  }
  out << "check-grad " << info.name << ": K = " << o.trials << " trials of T = " << o.steps
      << " steps, seed " << o.seed << "\n";
  out << "inputs: " << r.inputsDescription << "\n";
  out << "meta point (" << r.metaDescription << "):";
  for (double v : r.meta)
    out << " " << formatG(v, 17);
  out << "\n";
  out << "J = " << formatG(r.J, 17) << "\n";
  out << "finite differences: central, h = 1e-4 .. 3e-8 (times max(1, |meta|)), taken where "
         "two neighbouring steps agree best\n";
  out << "tolerance: |tangent - fd| <= " << formatG(o.relTol, 3) << " * max(|tangent|, |fd|) + "
      << formatG(r.absTol, 3) << "\n";
  size_t width = 4;
  for (const GradCheckEntry &e : r.entries)
    width = std::max(width, e.name.size());
  char line[256];
  std::snprintf(line, sizeof line, "  %-*s  %24s  %24s  %9s  %7s\n", static_cast<int>(width),
                "meta", "tangent", "finite difference", "rel.error", "step");
  out << line;
  int failed = 0;
  for (const GradCheckEntry &e : r.entries) {
    std::snprintf(line, sizeof line, "  %-*s  %24.16e  %24.16e  %9.2e  %7.1e  %s\n",
                  static_cast<int>(width), e.name.c_str(), e.tangent, e.finiteDiff, e.relError,
                  e.step, e.ok ? "ok" : "MISMATCH");
    out << line;
    failed += e.ok ? 0 : 1;
  }
  if (!std::isfinite(r.J))
    out << "J is not finite: the model diverges at this meta point (try --meta, or fewer "
           "--steps or --trials)\n";
  if (r.entries.empty())
    out << "no meta parameters: nothing to check\n";
  else if (failed == 0)
    out << "all " << r.entries.size() << " gradient entries agree\n";
  else
    out << failed << " of " << r.entries.size() << " gradient entries disagree\n";
  bool allZero = !r.entries.empty();
  for (const GradCheckEntry &e : r.entries)
    allZero = allZero && e.tangent == 0 && e.finiteDiff == 0;
  if (allZero)
    out << "warning: every entry is 0 on both sides, so the check says nothing: J does not "
           "depend on the meta parameters here (with one trial no learning precedes the "
           "reward: use more --trials; a reward that is piecewise constant in the output, such "
           "as a correct choice, has a pathwise gradient of 0 almost everywhere: meta-train it "
           "with plasticc-meta --estimator score)\n";
}

} // namespace plasticc::runtime

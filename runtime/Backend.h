//===- runtime/Backend.h - one interface to every way of running a model --===//
//
// The reference interpreter, a JIT-compiled module and a dlopen'ed shared
// library all run the same C ABI entry points (DESIGN.md "Codegen") on a
// state buffer laid out by ir::computeLayout. The runtime and the tests
// program against this interface only, so backends are interchangeable and
// comparable number for number.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plasticc::runtime {

/// One declared quantity as a backend describes it (mirrors the C ABI table).
struct QuantityInfo {
  std::string name;
  std::string kind;          // "meta", "param", "input", "noise", "state", ...
  std::vector<int64_t> shape; // empty for scalars
  int64_t offset = -1;       // bytes into the state (or element offset into inputs/noise)
  int64_t tangentOffset = -1; // bytes into the state, -1 without tangent
  /// Noise: what the runtime draws for each element at every step
  /// ("normal" with mean a, variance b; "uniform" on [a, b); "bernoulli" with p = a).
  std::string noiseDist = "normal";
  double noiseA = 0, noiseB = 1;
  /// States: bytes into the state of the trial-start copy; else -1.
  int64_t initOffset = -1;
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

/// What a backend runs: the model descriptor.
struct ModelInfo {
  std::string name;
  std::string sourceHash;  // SHA-256 of the .plast source, hex
  int64_t metaScalars = 0; // P
  int64_t stateBytes = 0;
  int64_t stateAlign = 64;
  int64_t inputLength = 0;
  int64_t noiseLength = 0;
  std::vector<QuantityInfo> quantities;
  /// "pathwise" or "score" (docs/tangents.md "Estimators"); with "score",
  /// quantities[scoreIndex]'s tangent lanes hold the trial's score after
  /// endTrial (the P values sum_t (xi_t / s) . dmu_t/dmeta).
  std::string estimator = "pathwise";
  int64_t scoreIndex = -1;
  const QuantityInfo *find(const std::string &name) const {
    for (const auto &q : quantities)
      if (q.name == name)
        return &q;
    return nullptr;
  }
};

/// The entry points of the C ABI, on a state buffer the caller owns.
/// Semantics per MODEL.md "One trial k": init draws a network from the seed
/// and sets meta (nullptr: the declared defaults); beginTrial restores states,
/// resets traces and zeroes state/trace tangents; step advances one time step
/// (inputs: inputLength doubles, noise: noiseLength doubles); endTrial runs the
/// reward event and returns R, writing dR/dmeta (P doubles) if non-null.
/// setTrialStart makes the states' current values the start of every later
/// trial, computing the states derived from others again first
/// (plasticc_set_trial_start in plasticc/abi.h says what a caller may write).
class Backend {
public:
  virtual ~Backend() = default;
  virtual const ModelInfo &info() const = 0;
  virtual void init(void *state, const double *meta, uint64_t seed) = 0;
  virtual void setTrialStart(void *state) = 0;
  virtual void beginTrial(void *state) = 0;
  virtual void step(void *state, const double *inputs, const double *noise) = 0;
  virtual void stepPrimal(void *state, const double *inputs, const double *noise) = 0;
  virtual double endTrial(void *state, double *dRdMeta) = 0;
  /// A whole trial (plasticc_run_trial, or plasticc_run_trial_primal when
  /// !tangents): beginTrial, `steps` steps reading inputs[t * inputLength]
  /// and noise[t * noiseLength], endTrial; `outputs` (may be null) receives
  /// after each step every output quantity's values in declaration order
  /// (outputLength(info()) doubles per step). Returns R; dR/dmeta as endTrial.
  /// This default makes the per-step calls on a double state (the
  /// interpreter's); compiled models run their own whole-trial code.
  virtual double runTrial(void *state, const double *inputs, const double *noise, int64_t steps,
                          double *outputs, double *dRdMeta, bool tangents);
};

/// Doubles per step in runTrial's outputs: every output quantity's elements.
int64_t outputLength(const ModelInfo &info);

} // namespace plasticc::runtime

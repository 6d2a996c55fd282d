//===- runtime/jit/NativeModel.h - a compiled model behind runtime::Backend ===//
//
// A shared library (SharedLibrary.h) and a JIT-compiled module (JIT.h) both
// end up as the same nine C entry points of plasticc/abi.h; NativeModel wraps
// those function pointers as a runtime::Backend, after reading and checking
// the descriptor that plasticc_info() returns. Checks give clear errors (ABI
// version, a descriptor that is inconsistent or differs from what the caller
// expected) instead of letting a mismatched model scribble over memory.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "plasticc/abi.h"
#include "runtime/Backend.h"

#include <functional>
#include <memory>
#include <string>

namespace plasticc::runtime {

/// The entry points of one compiled model.
struct EntryPoints {
  const plasticc_model_info *(*info)(void) = nullptr;
  void (*init)(void *, const double *, uint64_t) = nullptr;
  void (*setTrialStart)(void *) = nullptr;
  void (*beginTrial)(void *) = nullptr;
  void (*step)(void *, const double *, const double *) = nullptr;
  void (*stepPrimal)(void *, const double *, const double *) = nullptr;
  double (*endTrial)(void *, double *) = nullptr;
  double (*runTrial)(void *, const double *, const double *, int64_t, double *, double *) = nullptr;
  double (*runTrialPrimal)(void *, const double *, const double *, int64_t, double *, double *) = nullptr;
};

/// Converts and sanity-checks a C descriptor (ABI version, offsets inside
/// the state, lengths); false and `error` if it is unusable.
bool readDescriptor(const plasticc_model_info *c, ModelInfo &out, std::string &error);

/// Compares a loaded model's descriptor with the expected one (name, source
/// hash, P, sizes and every quantity's kind, shape and offsets); false and
/// `error` naming the first difference.
bool sameDescriptor(const ModelInfo &expected, const ModelInfo &actual, std::string &error);

/// A Backend over the entry points of a compiled model. `owner` keeps the
/// code alive (the dlopen handle or the JIT session).
class NativeModel : public Backend {
public:
  /// Reads the descriptor; returns nullptr and `error` if it is unusable or
  /// differs from `expected` (when given).
  static std::unique_ptr<NativeModel> create(EntryPoints entry, std::shared_ptr<void> owner,
                                             const ModelInfo *expected, std::string &error);

  const ModelInfo &info() const override { return info_; }
  void init(void *state, const double *meta, uint64_t seed) override { e_.init(state, meta, seed); }
  void setTrialStart(void *state) override { e_.setTrialStart(state); }
  void beginTrial(void *state) override { e_.beginTrial(state); }
  void step(void *state, const double *inputs, const double *noise) override {
    e_.step(state, inputs, noise);
  }
  void stepPrimal(void *state, const double *inputs, const double *noise) override {
    e_.stepPrimal(state, inputs, noise);
  }
  double endTrial(void *state, double *dRdMeta) override { return e_.endTrial(state, dRdMeta); }
  double runTrial(void *state, const double *inputs, const double *noise, int64_t steps,
                  double *outputs, double *dRdMeta, bool tangents) override {
    return (tangents ? e_.runTrial : e_.runTrialPrimal)(state, inputs, noise, steps, outputs, dRdMeta);
  }

  /// Element type of the state: PLASTICC_F64 or PLASTICC_F32.
  int elem() const { return elem_; }
  /// P tangent lanes (0 when compiled without tangents).
  int64_t tangentLanes() const { return lanes_; }
  const EntryPoints &entryPoints() const { return e_; }

private:
  NativeModel(EntryPoints e, std::shared_ptr<void> owner) : e_(e), owner_(std::move(owner)) {}
  EntryPoints e_;
  std::shared_ptr<void> owner_;
  ModelInfo info_;
  int elem_ = PLASTICC_F64;
  int64_t lanes_ = 0;
};

} // namespace plasticc::runtime

//===- runtime/Interpreter.h - the reference backend ----------------------===//
//
// Runs a dialect module op by op, straight from the IR, on the same state
// buffer layout (ir::computeLayout) and entry points (runtime::Backend) as
// compiled code. It is meant to be simple and obviously correct rather than
// fast: every value is a dense array of max(1, lanes) x elements (lane-major,
// as in the state), elementwise ops loop over lanes and elements with the
// scalar semantics of runtime/Elementwise.h, and matvec/outer use Eigen per
// lane. Compiled backends are checked against it, and it is checked against
// finite differences (tests/unit/InterpreterTest.cpp, GradCheckTest.cpp).
//
// Trial semantics (MODEL.md "One trial k"; compiler/transforms/Tangent.h):
//   init        zero the buffer; caller's meta (if any) into the meta slots;
//               run the init region (its writes of meta defaults are skipped
//               when the caller gave meta); copy states to their init slots.
//   setTrialStart  run the init region's writes of derived states
//               (ir::derivedStateWrites) and the ops they need, reads giving
//               current values; copy states to their init slots.
//   beginTrial  restore states from their init slots; zero the tangents of
//               states, traces and outputs; run the trial region.
//   step        run the step region (stepPrimal: only the ops the primal
//               writes need, leaving tangents untouched).
//   endTrial    run the reward region; return R and write dR/dmeta.
// Random draws use dialect/Random.h with the op's stream and k = row-major
// element number. An instance keeps per-op scratch arrays, so one instance
// must not run two buffers concurrently (make one per thread).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"
#include "dialect/Layout.h"
#include "runtime/Backend.h"

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <vector>

namespace plasticc::runtime {

/// The reference interpreter (see file comment).
class Interpreter final : public Backend {
public:
  /// `module` must outlive the interpreter and use f64 only. It may be a
  /// primal module (lanes == 0; then endTrial can write no gradient) or one
  /// after the tangent pass. `sourceHash` goes into info().
  explicit Interpreter(const ir::Module &module, std::string sourceHash = {});
  ~Interpreter() override;

  const ModelInfo &info() const override { return info_; }
  /// The storage layout of the state buffer this backend works on.
  const ir::Layout &layout() const { return layout_; }

  void init(void *state, const double *meta, uint64_t seed) override;
  void setTrialStart(void *state) override;
  void beginTrial(void *state) override;
  void step(void *state, const double *inputs, const double *noise) override;
  void stepPrimal(void *state, const double *inputs, const double *noise) override;
  double endTrial(void *state, double *dRdMeta) override;

private:
  struct RegionPlan;
  struct Frame;

  void run(RegionPlan &plan, Frame &frame);
  /// The step region, with or without its tangent ops.
  void runStep(void *state, const double *inputs, const double *noise, bool tangents);
  /// Copies every state's value to its init slot.
  void saveTrialStarts(std::byte *state) const;

  const ir::Module &module_;
  ir::Layout layout_;
  ModelInfo info_;
  std::unique_ptr<RegionPlan> init_, trial_, step_, reward_;
  std::vector<bool> derived_; // init ops that setTrialStart runs
};

/// Builds the descriptor of `module` stored with `layout` (names, kinds,
/// shapes, byte offsets of values and tangents, input/noise element offsets).
ModelInfo describeModel(const ir::Module &module, const ir::Layout &layout,
                        std::string sourceHash = {});

} // namespace plasticc::runtime

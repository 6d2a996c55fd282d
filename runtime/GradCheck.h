//===- runtime/GradCheck.h - tangent gradient vs finite differences -------===//
//
// `plasticc --check-grad`: runs a model's meta-objective J (MODEL.md
// "Meta-objective and its gradient": K trials of T steps of one network,
// noise held fixed) and compares, for every meta scalar, the gradient the
// tangents give with a central finite difference of J. With the same seed
// every run draws the same network, inputs and noise, so J is a smooth
// deterministic function of meta and both must agree to rounding.
//
// The finite difference is central, D(h) = (J(m + h) - J(m - h)) / 2h, on
// a grid of steps h = 1e-4 * 10^(-k/2) * max(1, |m_p|), k = 0..7 (down to
// 3e-8), and the estimate is the mean of the two neighbouring steps that
// agree best, where agreement is |D(h1) - D(h2)| plus the rounding error
// that the smaller step must have, 10 eps |J| / h (two steps deep in the
// rounding regime can agree by chance). A fixed step does not do: models with clip, relu or max over
// N^2 synapses have kinks everywhere, which a large step crosses (an error
// of 1e-3 at h = 1e-4 in examples/miconi2017.plast), and chaotic networks
// have third derivatives so large that truncation needs h ~ 1e-6; too small
// a step drowns in rounding (about 1e-16 |J| / h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/Backend.h"
#include "runtime/Objective.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace plasticc::runtime {

/// What `plasticc --check-grad` runs (its command-line options).
struct GradCheckOptions {
  int64_t trials = 3;       // K
  int64_t steps = 20;       // T
  uint64_t seed = 1;        // network, inputs, noise and the default meta point
  std::string task;         // "" (seeded random inputs) or "cue_delay_response"
  std::vector<double> meta; // the meta point; empty: a seeded one (see below)
  double relTol = 1e-6;     // relative tolerance
  double absFloor = 1e-9;   // absolute tolerance, times max(1, |J|, max |dJ|)
};

/// One meta scalar's comparison.
struct GradCheckEntry {
  std::string name;  // e.g. "theta[1,2]"
  double tangent = 0;
  double finiteDiff = 0;
  double relError = 0; // |tangent - fd| / max(|tangent|, |fd|), 0 if both 0
  double step = 0;     // the finite-difference step the estimate comes from
  double fdSpread = 0; // |D(h1) - D(h2)| of the two steps chosen
  bool ok = false;
};

/// The result of a check; `error` is set (and nothing else) when the check
/// could not run, e.g. an unknown task or a model without the task's inputs.
struct GradCheckResult {
  std::string error;
  std::string inputsDescription; // how the inputs were made
  std::string metaDescription;   // how the meta point was chosen
  std::vector<double> meta;
  double J = 0;
  double absTol = 0;
  std::vector<GradCheckEntry> entries;
  bool ok() const;
};

/// Names of the meta scalars in flat order: "eta", "theta[0,1]", "v[3]".
std::vector<std::string> metaScalarNames(const ModelInfo &info);

/// The model's default meta values (what init gives with meta = nullptr).
std::vector<double> defaultMeta(Backend &backend, uint64_t seed);

/// A meta point near the defaults, so that no gradient entry is trivially
/// zero: each default d becomes d (1 + 0.2 u), and 0 becomes 0.1 u, with u
/// uniform in [-1, 1) drawn from `seed`.
std::vector<double> perturbedMeta(const std::vector<double> &defaults, uint64_t seed);

/// The inputs and noise of `task` ("" or "cue_delay_response", see
/// GradCheckOptions) for a model; sets `error` and returns an empty function
/// when the task is unknown or the model lacks its inputs. Random inputs are
/// uniform in [-1, 1), noise from its declared distribution (runtime/Noise.h),
/// both fixed by `seed`.
StepSource makeStepSource(const ModelInfo &info, const std::string &task, uint64_t seed,
                          int64_t steps, std::string &error, std::string *description = nullptr);

/// Runs the check (see file comment).
GradCheckResult checkGradient(Backend &backend, const GradCheckOptions &options);

/// Prints the table of `result` (or its error) and a verdict line.
void printGradCheck(const GradCheckResult &result, const GradCheckOptions &options,
                    const ModelInfo &info, std::ostream &out);

} // namespace plasticc::runtime

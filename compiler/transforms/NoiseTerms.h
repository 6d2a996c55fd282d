//===- compiler/transforms/NoiseTerms.h - where exploration noise enters --===//
//
// The score-function estimator (docs/model.md "The score-function
// (REINFORCE) estimator") needs the density of the sampled trajectory: each
// state whose step update adds Gaussian noise, `x = mu + s * xi` with xi a
// standard-normal `noise`, is a sample from N(mu, s^2), and its score is
// (xi / s) . dmu/dmeta. This analysis finds, in the step region, every
// write to a state whose value depends on a noise draw, and checks that the
// noise enters in that form: as one additive term `s * xi`, `xi * s`,
// `xi / c` or `xi` (with either sign), with xi of the state's shape and s
// free of noise. A state updated from other sampled states only (xbar from
// the new x) is deterministic given the samples, not itself sampled. Noise
// that enters a state update otherwise is reported where it enters (the
// compiler does not recognise its score), and so is any other use of a draw
// that drives a state (it is part of that state's sample, so treating it as
// independent data would bias the gradient).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/transforms/Tangent.h"
#include "dialect/IR.h"
#include "support/Diagnostics.h"

#include <vector>

namespace plasticc::transforms {

/// One sampled state update `write @x, mu + sign * s * xi` of the step region.
struct NoiseTerm {
  const ir::Op *write = nullptr; // the write of the state
  const ir::Op *noise = nullptr; // the read of the noise quantity
  const ir::Op *scale = nullptr; // s, c in xi / c, or nullptr for xi alone
  bool divided = false;          // the term is xi / c (so s = 1 / c)
  bool negated = false;          // it enters with a minus sign
  const ir::Op *consumer = nullptr; // the op that takes the draw (s * xi, or the sum)
};

/// Finds the sampled state updates of `module`'s step region (see file
/// comment). Returns false after reporting each update in which noise
/// enters otherwise; `terms` then holds the well-formed ones.
bool findNoiseTerms(const ir::Module &module, std::vector<NoiseTerm> &terms,
                    DiagnosticEngine &diag, const OpLocator &locate);

} // namespace plasticc::transforms

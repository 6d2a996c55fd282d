//===- runtime/CueDelayResponse.h - the default task's inputs -------------===//
//
// The cue-delay-response task of MODEL.md ("Default task for the reference
// model"), reduced to what `plasticc --check-grad --task cue_delay_response`
// needs: the input u[2], target y[1] and mask m of each step of one trial.
// The full, configurable task system lives in runtime/tasks/.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace plasticc::runtime {

/// Per-step inputs of one trial, each a vector over steps t = 0 .. T-1.
struct CueDelayTrial {
  std::vector<double> u0, u1; // u_t = one-hot(cue) while the cue is shown
  std::vector<double> y;      // +1 for cue 0, -1 for cue 1, at every step
  std::vector<double> m;      // 1 in the response window, 0 before
};

/// One trial of T = `steps` steps with cue `cue` (0 or 1). The epochs scale
/// with T as in MODEL.md's T = 50: the cue is shown for t < round(T / 5)
/// and the output is scored for t >= round(4 T / 5).
CueDelayTrial cueDelayResponse(int cue, int64_t steps);

} // namespace plasticc::runtime

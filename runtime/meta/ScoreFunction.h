//===- runtime/meta/ScoreFunction.h - the REINFORCE meta-gradient ---------===//
//
// docs/model.md "The score-function (REINFORCE) estimator". With the
// sampled states as data, the density of a network's whole learning
// trajectory depends on meta only through the means of its noisy updates,
// so for J = E[(1/K) sum_k R_k]
//
//   dJ/dmeta = E[ (1/K) sum_k ( dR_k/dmeta|direct + s_k (G_k - b_k) ) ]
//
// where s_k is the score of trial k (the model's score quantity), G_k =
// sum_{k' >= k} R_k' is the reward to go (trial k's noise cannot change the
// rewards before it: the causal form), and b_k is a baseline that must not
// depend on this network's noise. Baselines: the mean reward to go of the
// *other* networks of the meta-iteration (leave one out, the default), or,
// with paired rollouts, the reward to go of the same network learning again
// under an independent noise stream (which removes the spread between
// networks, at twice the cost), mirrored rollouts (the same network under
// noise xi and -xi, no baseline: each rollout's estimate is unbiased, and in
// their mean the network's reward level cancels to first order), or none.
// Each keeps the estimate unbiased.
// R_k is the model's reward or the task's (a correct choice scores 1), whose
// direct derivative is 0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Network.h"

#include <vector>

namespace plasticc::meta {

/// Which reward J averages (and the score estimator weighs).
enum class RewardSource { Model, Task };

/// How the score estimator is formed (see file comment).
struct ScoreOptions {
  RewardSource reward = RewardSource::Model;
  enum class Baseline {
    None,  // b_k = 0
    Batch, // the other networks' mean reward to go (leave one out)
    Pairs,  // nets come in pairs (2i, 2i+1: one network, two noise streams);
            // each rollout's b_k is the other's reward to go
    Mirror, // nets come in pairs (2i, 2i+1: one network, noise xi and -xi);
            // no baseline: the two estimates' mean is unbiased, and the
            // network's mean reward cancels between them
  } baseline = Baseline::Batch;
  bool causal = true; // reward to go; false: every s_k weighs sum_k R_k
};

/// The reward of trial `t` that J averages.
double trialReward(const TrialRecord &t, RewardSource source);

/// Per network of `nets` (all completed, K trials each, with noiseScore):
/// its estimate (1/K) sum_k (dR_k + s_k (G_k - b_k)), P values each; with
/// Baseline::Pairs, one estimate per pair (the mean of its two rollouts').
/// The meta-gradient is their mean; their spread is the estimator's variance.
std::vector<std::vector<double>> scoreFunctionGradients(const std::vector<const NetworkResult *> &nets,
                                                        const ScoreOptions &options);

} // namespace plasticc::meta

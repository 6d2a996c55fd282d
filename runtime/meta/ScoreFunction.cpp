//===- runtime/meta/ScoreFunction.cpp - reward to go, baselines, scores ---===//
#include "runtime/meta/ScoreFunction.h"

#include <algorithm>

namespace plasticc::meta {

double trialReward(const TrialRecord &t, RewardSource source) {
  return source == RewardSource::Task ? t.score.reward : t.modelReward;
}

std::vector<std::vector<double>> scoreFunctionGradients(const std::vector<const NetworkResult *> &nets,
                                                        const ScoreOptions &o) {
  const size_t n = nets.size();
  std::vector<std::vector<double>> togo(n); // G_k per network
  for (size_t i = 0; i < n; ++i) {
    const auto &trials = nets[i]->trials;
    togo[i].assign(trials.size(), 0.0);
    double sum = 0;
    for (size_t k = trials.size(); k-- > 0;) {
      sum += trialReward(trials[k], o.reward);
      togo[i][k] = sum;
    }
    if (!o.causal) // every trial's score weighs the whole lifetime's reward
      for (double &g : togo[i])
        g = sum;
  }
  std::vector<std::vector<double>> out(n);
  for (size_t i = 0; i < n; ++i) {
    const auto &trials = nets[i]->trials;
    const size_t K = trials.size(), P = K ? trials[0].noiseScore.size() : 0;
    out[i].assign(P, 0.0);
    for (size_t k = 0; k < K; ++k) {
      double b = 0;
      if (o.baseline == ScoreOptions::Baseline::Batch && n > 1) {
        for (size_t j = 0; j < n; ++j)
          if (j != i && k < togo[j].size())
            b += togo[j][k];
        b /= static_cast<double>(n - 1);
      } else if (o.baseline == ScoreOptions::Baseline::Pairs) {
        size_t j = i ^ 1; // the pair's other rollout (n is even)
        b = j < n && k < togo[j].size() ? togo[j][k] : 0.0;
      }
      const TrialRecord &t = trials[k];
      double weight = togo[i][k] - b;
      for (size_t p = 0; p < P; ++p)
        out[i][p] += t.noiseScore[p] * weight +
                     (o.reward == RewardSource::Model && p < t.dR.size() ? t.dR[p] : 0.0);
    }
    for (double &g : out[i])
      g /= static_cast<double>(std::max<size_t>(K, 1));
  }
  if (o.baseline != ScoreOptions::Baseline::Pairs && o.baseline != ScoreOptions::Baseline::Mirror)
    return out;
  std::vector<std::vector<double>> pairs;
  for (size_t i = 0; i + 1 < n; i += 2) {
    pairs.push_back(out[i]);
    for (size_t p = 0; p < out[i].size(); ++p)
      pairs.back()[p] = 0.5 * (out[i][p] + out[i + 1][p]);
  }
  return pairs;
}

} // namespace plasticc::meta

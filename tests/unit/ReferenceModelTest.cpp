//===- tests/unit/ReferenceModelTest.cpp - the hand-written oracle --------===//
//
// The hand-written reference model (bench/reference) is itself checked
// against central finite differences of its own primal: J = mean reward over
// K trials, noise held fixed (MODEL.md "Meta-objective and its gradient").
//
//===----------------------------------------------------------------------===//
#include "bench/reference/ReferenceModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace plasticc::reference;

namespace {

struct TrialData {
  int n = 12, d1 = 3, trials = 3, steps = 20;
  Mat w, win, wout;
  Vec x0;
  std::vector<std::vector<double>> u, y, m, xi; // per (trial * steps + t)
};

TrialData makeTrialData(int d1) {
  TrialData s;
  s.d1 = d1;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> uni(-1, 1);
  s.w = Mat(s.n, s.n);
  s.win = Mat(s.n, 2);
  s.wout = Mat(1, s.n);
  s.x0 = Vec(s.n);
  for (int i = 0; i < s.n; ++i) {
    for (int j = 0; j < s.n; ++j)
      s.w(i, j) = g(rng) * 1.2 / std::sqrt(s.n);
    s.win(i, 0) = uni(rng);
    s.win(i, 1) = uni(rng);
    s.wout(0, i) = g(rng) / std::sqrt(s.n);
    s.x0[i] = 0.1 * uni(rng);
  }
  for (int k = 0; k < s.trials * s.steps; ++k) {
    int t = k % s.steps, cue = (k / s.steps) % 2;
    s.u.push_back({t < 5 && cue == 0 ? 1.0 : 0.0, t < 5 && cue == 1 ? 1.0 : 0.0});
    s.y.push_back({cue == 0 ? 1.0 : -1.0});
    s.m.push_back({t >= 15 ? 1.0 : 0.0});
    std::vector<double> noise(s.n);
    for (auto &v : noise)
      v = g(rng);
    s.xi.push_back(noise);
  }
  return s;
}

/// J and dJ/dtheta over the setup's trials.
double meanReward(const TrialData &s, const std::vector<double> &theta, std::vector<double> *grad) {
  ReferenceModel net(s.n, 2, 1, s.d1, Constants{}, theta);
  net.setInitial(s.w, s.win, s.wout, s.x0);
  double j = 0;
  std::vector<double> dr(theta.size());
  if (grad)
    grad->assign(theta.size(), 0.0);
  for (int k = 0; k < s.trials; ++k) {
    net.beginTrial();
    for (int t = 0; t < s.steps; ++t) {
      int at = k * s.steps + t;
      net.step(s.u[at].data(), s.y[at].data(), s.m[at][0], s.xi[at].data(), grad != nullptr);
    }
    j += net.endTrial(grad ? dr.data() : nullptr) / s.trials;
    if (grad)
      for (size_t p = 0; p < dr.size(); ++p)
        (*grad)[p] += dr[p] / s.trials;
  }
  return j;
}

} // namespace

class ReferenceGradient : public ::testing::TestWithParam<int> {};

TEST_P(ReferenceGradient, TangentsMatchCentralDifferences) {
  int d1 = GetParam();
  TrialData s = makeTrialData(d1);
  std::vector<double> theta(d1 * d1);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uni(-0.5, 0.5);
  for (auto &t : theta)
    t = uni(rng);
  std::vector<double> grad;
  meanReward(s, theta, &grad);
  for (size_t p = 0; p < theta.size(); ++p) {
    const double h = 1e-5;
    auto plus = theta, minus = theta;
    plus[p] += h;
    minus[p] -= h;
    double fd = (meanReward(s, plus, nullptr) - meanReward(s, minus, nullptr)) / (2 * h);
    EXPECT_NEAR(grad[p], fd, 1e-6 * std::max(1.0, std::abs(fd))) << "lane " << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Degrees, ReferenceGradient, ::testing::Values(2, 3, 4));

TEST(ReferenceModel, PrimalStepIgnoresTangents) {
  TrialData s = makeTrialData(2);
  std::vector<double> theta = {0.1, -0.2, 0.3, 0.05};
  ReferenceModel a(s.n, 2, 1, 2, Constants{}, theta), b(s.n, 2, 1, 2, Constants{}, theta);
  a.setInitial(s.w, s.win, s.wout, s.x0);
  b.setInitial(s.w, s.win, s.wout, s.x0);
  a.beginTrial();
  b.beginTrial();
  for (int t = 0; t < s.steps; ++t) {
    a.step(s.u[t].data(), s.y[t].data(), s.m[t][0], s.xi[t].data(), true);
    b.step(s.u[t].data(), s.y[t].data(), s.m[t][0], s.xi[t].data(), false);
  }
  EXPECT_EQ(a.endTrial(nullptr), b.endTrial(nullptr));
  EXPECT_EQ((a.w() - b.w()).norm(), 0.0);
}

//===- tests/unit/AdamTest.cpp - the meta-optimizer -----------------------===//
//
// Adam against values computed by hand from its definition (Kingma & Ba
// 2015, Algorithm 1, as ascent), its known first-step property, convergence
// on a concave quadratic, clipping, and that a state saved and restored
// mid-run continues bit for bit (what checkpoints rely on).
//
//===----------------------------------------------------------------------===//
#include "runtime/meta/Adam.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace plasticc::meta;

TEST(Adam, FirstStepMovesEachParameterByTheLearningRate) {
  // Bias correction makes mhat = g and vhat = g^2 on step 1, so every
  // parameter moves by lr * g / (|g| + eps), i.e. lr in the sign of g.
  Adam adam({0.1, 0.9, 0.999, 0.0, 0});
  AdamState s = Adam::initialState(3);
  std::vector<double> x{1, 2, 3};
  adam.ascend(s, x, {5.0, -0.001, 1e6});
  EXPECT_DOUBLE_EQ(x[0], 1.1);
  EXPECT_DOUBLE_EQ(x[1], 1.9);
  EXPECT_DOUBLE_EQ(x[2], 3.1);
  EXPECT_EQ(s.t, 1);
}

TEST(Adam, TwoStepsMatchTheAlgorithmByHand) {
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  Adam adam({lr, b1, b2, eps, 0});
  AdamState s = Adam::initialState(1);
  std::vector<double> x{0.5};
  adam.ascend(s, x, {2.0});
  adam.ascend(s, x, {-1.0});
  // By hand: m1 = 0.2, v1 = 0.004; m2 = 0.9*0.2 - 0.1 = 0.08,
  // v2 = 0.999*0.004 + 0.001 = 0.004996.
  double x1 = 0.5 + lr * (0.2 / (1 - b1)) / (std::sqrt(0.004 / (1 - b2)) + eps);
  double x2 = x1 + lr * (0.08 / (1 - b1 * b1)) / (std::sqrt(0.004996 / (1 - b2 * b2)) + eps);
  EXPECT_NEAR(x[0], x2, 1e-15);
  EXPECT_NEAR(s.m[0], 0.08, 1e-15);
  EXPECT_NEAR(s.v[0], 0.004996, 1e-15);
}

TEST(Adam, ClimbsAConcaveQuadraticToItsMaximum) {
  // J(x) = -sum_i c_i (x_i - a_i)^2, gradient -2 c_i (x_i - a_i).
  const std::vector<double> a{1.0, -0.5, 3.0}, c{1.0, 10.0, 0.1};
  Adam adam({0.05, 0.9, 0.999, 1e-8, 0});
  AdamState s = Adam::initialState(3);
  std::vector<double> x(3, 0.0), g(3);
  for (int it = 0; it < 3000; ++it) {
    for (int i = 0; i < 3; ++i)
      g[i] = -2 * c[i] * (x[i] - a[i]);
    adam.ascend(s, x, g);
  }
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(x[i], a[i], 1e-3) << i;
}

TEST(Adam, ClippingRescalesTheGradientBeforeTheMoments) {
  Adam clipped({0.1, 0.9, 0.999, 1e-8, 1.0});
  Adam plain({0.1, 0.9, 0.999, 1e-8, 0});
  AdamState s1 = Adam::initialState(2), s2 = Adam::initialState(2);
  std::vector<double> x1{0, 0}, x2{0, 0};
  clipped.ascend(s1, x1, {30.0, 40.0}); // norm 50 -> (0.6, 0.8)
  plain.ascend(s2, x2, {0.6, 0.8});
  EXPECT_EQ(x1, x2);
  EXPECT_EQ(s1.m, s2.m);
  EXPECT_EQ(s1.v, s2.v);
  EXPECT_DOUBLE_EQ(l2norm({3, 4}), 5);
}

TEST(Adam, RestoredStateContinuesBitForBit) {
  Adam adam({0.02, 0.9, 0.999, 1e-8, 0});
  auto grad = [](int it, const std::vector<double> &x) {
    return std::vector<double>{std::sin(it + x[0]), std::cos(it * 0.3 - x[1])};
  };
  AdamState s = Adam::initialState(2);
  std::vector<double> x{0.1, 0.2};
  for (int it = 0; it < 20; ++it)
    adam.ascend(s, x, grad(it, x));

  AdamState s2 = Adam::initialState(2);
  std::vector<double> y{0.1, 0.2};
  for (int it = 0; it < 8; ++it)
    adam.ascend(s2, y, grad(it, y));
  AdamState saved = s2; // what a checkpoint holds
  std::vector<double> ySaved = y;
  for (int it = 8; it < 20; ++it)
    adam.ascend(saved, ySaved, grad(it, ySaved));
  EXPECT_EQ(x, ySaved);
  EXPECT_EQ(s.m, saved.m);
  EXPECT_EQ(s.v, saved.v);
  EXPECT_EQ(s.t, saved.t);
}

//===- tests/unit/TypeTest.cpp - dialect type inference --------------------===//
#include "dialect/Builder.h"

#include <gtest/gtest.h>

using namespace plasticc::ir;

TEST(TypeInference, ScalarBroadcastsInElementwiseOps) {
  std::string why;
  Type ts[] = {Type::vector(4), Type::scalar()};
  auto t = inferType(OpKind::Add, ts, {}, std::nullopt, why);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, Type::vector(4));
}

TEST(TypeInference, MismatchedShapesNameBothShapes) {
  std::string why;
  Type ts[] = {Type::vector(4), Type::vector(2)};
  EXPECT_FALSE(inferType(OpKind::Mul, ts, {}, std::nullopt, why));
  EXPECT_EQ(why, "operand shapes differ: [4] vs [2]");
}

TEST(TypeInference, TangentLanesBroadcastOverPrimal) {
  std::string why;
  Type ts[] = {Type::matrix(3, 3).withLanes(16), Type::matrix(3, 3)};
  auto t = inferType(OpKind::Mul, ts, {}, std::nullopt, why);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lanes, 16);
  EXPECT_EQ(t->str(), "f64<16>[3,3]");
}

TEST(TypeInference, MatVecRejectsTwoTangents) {
  std::string why;
  Type ts[] = {Type::matrix(3, 2).withLanes(4), Type::vector(2).withLanes(4)};
  EXPECT_FALSE(inferType(OpKind::MatVec, ts, {}, std::nullopt, why));
  Type ok[] = {Type::matrix(3, 2).withLanes(4), Type::vector(2)};
  auto t = inferType(OpKind::MatVec, ok, {}, std::nullopt, why);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, Type::vector(3).withLanes(4));
}

TEST(TypeInference, BcastAlongAxisChecksExtent) {
  std::string why;
  Attrs a;
  a.ints = {1};
  Type v[] = {Type::vector(5)};
  EXPECT_TRUE(inferType(OpKind::Bcast, v, a, Type::matrix(3, 5), why));
  EXPECT_FALSE(inferType(OpKind::Bcast, v, a, Type::matrix(5, 3), why));
}

TEST(Builder, MetaOffsetsAreDeclarationOrder) {
  Module m;
  m.addQuantity("a", QuantityKind::Meta, Type::matrix(2, 2), {});
  m.addQuantity("x", QuantityKind::State, Type::vector(3), {});
  auto *b = m.addQuantity("b", QuantityKind::Meta, Type::scalar(), {});
  EXPECT_EQ(m.numMetaScalars(), 5);
  EXPECT_EQ(m.metaOffset(b), 4);
}

//===- dialect/Type.h - value types of the plasticc dialect ---------------===//
//
// Every SSA value has a Type: an element type, a shape of rank 0 (scalar),
// 1 (vector[N]) or 2 (matrix[N,M], row-major, [post, pre] for synapses), and
// a number of tangent *lanes*. lanes == 0 is a primal value; lanes == P > 0
// is a tangent: P copies of the shape, one per meta scalar (the JVP of the
// value with respect to each meta scalar, DESIGN.md "The tangent pass").
//
// Printed form: f64, f64[128], f64[128,128]; tangents f64<16>, f64<16>[128].
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace plasticc::ir {

enum class ElemType : uint8_t { F64, F32 };

/// Shape, element type and tangent lanes of a value (see file comment).
struct Type {
  ElemType elem = ElemType::F64;
  uint8_t rank = 0;                // 0 scalar, 1 vector, 2 matrix
  std::array<int64_t, 2> dims{1, 1}; // dims[k] valid for k < rank
  int64_t lanes = 0;               // 0 primal; P tangent lanes

  static Type scalar() { return {}; }
  static Type vector(int64_t n) { return {ElemType::F64, 1, {n, 1}, 0}; }
  static Type matrix(int64_t n, int64_t m) { return {ElemType::F64, 2, {n, m}, 0}; }

  bool isScalar() const { return rank == 0; }
  bool isTangent() const { return lanes > 0; }
  /// Elements of one lane (1 for a scalar).
  int64_t numElements() const {
    return rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
  }
  /// The same shape with `p` lanes (0 gives the primal type).
  Type withLanes(int64_t p) const {
    Type t = *this;
    t.lanes = p;
    return t;
  }
  /// True when shapes (rank and dims) agree, ignoring lanes and element type.
  bool sameShape(const Type &o) const {
    if (rank != o.rank)
      return false;
    for (int k = 0; k < rank; ++k)
      if (dims[k] != o.dims[k])
        return false;
    return true;
  }
  friend bool operator==(const Type &a, const Type &b) {
    return a.elem == b.elem && a.sameShape(b) && a.lanes == b.lanes;
  }
  friend bool operator!=(const Type &a, const Type &b) { return !(a == b); }

  /// "f64", "f64[4]", "f64<16>[128,128]".
  std::string str() const;
  /// Just the shape: "scalar", "[4]", "[128,128]" (for diagnostics).
  std::string shapeStr() const;
};

} // namespace plasticc::ir

//===- support/Npy.h - arrays in NumPy's .npy format ----------------------===//
//
// Activity recordings (plasticc-meta --record) are written as .npy files,
// which numpy.load reads without a converter: format version 1.0, a magic
// string, a little-endian uint16 header length, a Python dict literal
// naming dtype, order and shape, padded so that the data start at a
// multiple of 64 bytes, then the data ("The NumPy array file format",
// numpy.lib.format, NEP 1).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace plasticc {

/// The bytes of a .npy file holding `data`: float64 ('<f8'), C order, of
/// `shape` (an empty shape is a scalar; the product of the shape must be
/// data.size()).
std::string npyBytes(const std::vector<double> &data, const std::vector<int64_t> &shape);

} // namespace plasticc

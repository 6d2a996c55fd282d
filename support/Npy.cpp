//===- support/Npy.cpp - arrays in NumPy's .npy format --------------------===//
#include "support/Npy.h"

#include <cassert>
#include <cstring>

namespace plasticc {

std::string npyBytes(const std::vector<double> &data, const std::vector<int64_t> &shape) {
  int64_t n = 1;
  std::string dims;
  for (int64_t d : shape) {
    n *= d;
    dims += std::to_string(d) + ", ";
  }
  assert(n == static_cast<int64_t>(data.size()) && "shape does not match the data");
  (void)n;
  if (shape.size() > 1)
    dims.erase(dims.size() - 2); // (3, 4), but (3,) for one dimension and () for none
  else if (shape.size() == 1)
    dims.pop_back();
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n', a multiple of 64.
  const size_t unpadded = 10 + header.size() + 1;
  header += std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  static_assert(sizeof(double) == 8, "float64");
  const size_t at = out.size();
  out.resize(at + data.size() * sizeof(double));
  // x86-64 and AArch64 Linux are little-endian, as '<f8' says.
  if (!data.empty())
    std::memcpy(out.data() + at, data.data(), data.size() * sizeof(double));
  return out;
}

} // namespace plasticc

//===- tests/unit/StateBufferTest.cpp - runtime::StateBuffer allocation ---===//
//
// The state buffer honours the model's alignment; a state of 2 MB or more is
// 2 MB-aligned (so that transparent huge pages can back it) and its whole
// rounded-up extent is writable. On Linux with THP in `madvise` or `always`
// mode, the kernel reports its mapping as THP-eligible in /proc/self/smaps
// (which, in `madvise` mode, only MADV_HUGEPAGE makes it; whether a huge page
// is actually found at fault time depends on fragmentation, so that is not
// asserted).
//
//===----------------------------------------------------------------------===//
#include "runtime/Objective.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

using namespace plasticc;

namespace {

runtime::ModelInfo infoOf(int64_t bytes, int64_t align) {
  runtime::ModelInfo info;
  info.name = "buffer";
  info.stateBytes = bytes;
  info.stateAlign = align;
  return info;
}

/// THPeligible (0 or 1) of the mapping that contains `p`, or -1 if unknown.
long thpEligibleAt(const void *p) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  auto at = reinterpret_cast<uintptr_t>(p);
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
      continue;
    }
    if (inside && line.rfind("THPeligible:", 0) == 0)
      return std::stol(line.substr(12));
  }
  return -1;
}

bool thpAvailable() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s;
  std::getline(f, s);
  return s.find("[madvise]") != std::string::npos || s.find("[always]") != std::string::npos;
}

} // namespace

TEST(StateBuffer, SmallStateHasTheModelsAlignment) {
  runtime::StateBuffer b(infoOf(1000, 64));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
  std::memset(b.data(), 1, 1000);
}

TEST(StateBuffer, LargeStateIsHugePageAlignedAndAdvised) {
  const int64_t bytes = (6 << 20) + 123; // 6 MB and a bit: rounded up to 8 MB
  runtime::StateBuffer b(infoOf(bytes, 64));
  ASSERT_EQ(reinterpret_cast<uintptr_t>(b.data()) % (2u << 20), 0u);
  std::memset(b.data(), 0, 8 << 20); // the rounded extent is ours
#if defined(__linux__)
  long eligible = thpEligibleAt(b.data());
  if (thpAvailable() && eligible >= 0) {
    EXPECT_EQ(eligible, 1) << "THP is enabled but the state's mapping is not advised for it";
  }
#endif
}

//===- tests/unit/RecordingTest.cpp - activity recording and .npy bytes ---===//
//
// ActivityRecorder against a state buffer the test writes itself, and the
// .npy header against the format's rules (numpy.load reading the files is
// checked in tests/python/test_record.py and tests/lit/meta/record.test).
//
//===----------------------------------------------------------------------===//
#include "runtime/meta/Recording.h"
#include "support/Npy.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace plasticc;

namespace {

runtime::QuantityInfo quantity(const std::string &name, const std::string &kind,
                               std::vector<int64_t> shape, int64_t offset) {
  runtime::QuantityInfo q;
  q.name = name;
  q.kind = kind;
  q.shape = std::move(shape);
  q.offset = offset;
  return q;
}

/// The header's text (between the length field and the data).
std::string header(const std::string &bytes) {
  size_t n = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  return bytes.substr(10, n);
}

} // namespace

TEST(Recording, KeepsChosenTrialsStepByStepAndWeightsAroundTheRewardEvent) {
  // State: x[2] at byte 0, W[2,2] at byte 16.
  runtime::QuantityInfo x = quantity("x", "state", {2}, 0), W = quantity("W", "weight", {2, 2}, 16);
  double state[6] = {};
  const char *bytes = reinterpret_cast<const char *>(state);
  meta::ActivityRecorder rec({&x, &W}, {1});
  for (int64_t k = 0; k < 3; ++k) {
    for (int i = 2; i < 6; ++i)
      state[i] = 100.0 * k + i; // W at the trial's start
    rec.trialStarted(k, bytes);
    for (int64_t t = 0; t < 3; ++t) {
      state[0] = 10.0 * k + t;
      state[1] = -state[0];
      rec.stepped(k, t, 3, bytes);
    }
    state[2] += 0.5; // the reward event moves W[0,0]
    rec.trialEnded(k, bytes);
  }
  const auto &r = rec.recordings();
  ASSERT_EQ(r.size(), 2u); // trial 1 only, x then W
  EXPECT_EQ(r[0].trial, 1);
  EXPECT_EQ(r[0].quantity, &x);
  EXPECT_EQ(r[0].steps, 3);
  EXPECT_EQ(r[0].values, (std::vector<double>{10, -10, 11, -11, 12, -12}));
  EXPECT_TRUE(r[0].start.empty() && r[0].end.empty()); // a state has no start/end copies
  EXPECT_EQ(r[1].quantity, &W);
  EXPECT_EQ(r[1].values.size(), 12u);
  EXPECT_EQ(r[1].start, (std::vector<double>{102, 103, 104, 105}));
  EXPECT_EQ(r[1].end, (std::vector<double>{102.5, 103, 104, 105}));
}

TEST(Recording, ATrialNeverStartedHasNoRecording) {
  runtime::QuantityInfo x = quantity("x", "state", {1}, 0);
  double state[1] = {1};
  meta::ActivityRecorder rec({&x}, {0, 5});
  rec.trialStarted(0, reinterpret_cast<const char *>(state));
  rec.stepped(0, 0, 1, reinterpret_cast<const char *>(state));
  rec.trialEnded(0, reinterpret_cast<const char *>(state));
  ASSERT_EQ(rec.recordings().size(), 1u); // trial 5 never came (a divergence)
}

TEST(Npy, HeaderSaysFloat64COrderAndTheShapeAndDataStartAt64Bytes) {
  struct Case {
    std::vector<int64_t> shape;
    std::string dims;
  } cases[] = {{{}, "()"}, {{3}, "(3,)"}, {{2, 3}, "(2, 3)"}, {{4, 1, 2}, "(4, 1, 2)"}};
  for (const Case &c : cases) {
    int64_t n = 1;
    for (int64_t d : c.shape)
      n *= d;
    std::vector<double> data(static_cast<size_t>(n));
    for (size_t i = 0; i < data.size(); ++i)
      data[i] = 0.5 * static_cast<double>(i) - 1;
    std::string bytes = npyBytes(data, c.shape);
    ASSERT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    std::string h = header(bytes);
    EXPECT_EQ(h.rfind("{'descr': '<f8', 'fortran_order': False, 'shape': " + c.dims + ", }", 0), 0u)
        << h;
    EXPECT_EQ(h.back(), '\n');
    EXPECT_EQ((10 + h.size()) % 64, 0u);
    ASSERT_EQ(bytes.size(), 10 + h.size() + 8 * data.size());
    std::vector<double> back(data.size());
    if (!back.empty())
      std::memcpy(back.data(), bytes.data() + 10 + h.size(), 8 * back.size());
    EXPECT_EQ(back, data);
  }
}

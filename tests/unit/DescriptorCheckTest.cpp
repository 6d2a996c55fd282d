//===- tests/unit/DescriptorCheckTest.cpp - a corrupt descriptor is refused ===//
//
// runtime::readDescriptor reads the plasticc_info() table of a library the
// runtime did not build itself, so every size in it is checked before use:
// a shape whose element count overflows, an offset past the state, tangent
// lanes that are not P, an alignment that is not a power of two, a name
// that is not plain ([A-Za-z0-9_.]+, as "../x" is not). Each is a
// refusal with a message, never an out-of-bounds access (issue 18).
//
//===----------------------------------------------------------------------===//
#include "runtime/jit/NativeModel.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace plasticc::runtime {
namespace {

/// A well-formed descriptor: one weight W[4, 4] with 2 tangent lanes.
struct Sample {
  plasticc_quantity q{};
  plasticc_model_info info{};
  Sample() {
    q.name = "W";
    q.kind = PLASTICC_WEIGHT;
    q.elem = PLASTICC_F64;
    q.rank = 2;
    q.shape[0] = q.shape[1] = 4;
    q.offset = 0;
    q.init_offset = -1;
    q.tangent_offset = 128;
    q.noise_param[1] = 1;
    info.abi_version = PLASTICC_ABI_VERSION;
    info.elem = PLASTICC_F64;
    info.model_name = "m";
    info.source_sha256 = "0";
    info.num_meta = 2;
    info.tangent_lanes = 2;
    info.state_bytes = 128 + 2 * 16 * 8;
    info.state_align = 64;
    info.num_quantities = 1;
    info.quantities = &q;
    info.estimator = PLASTICC_PATHWISE;
    info.score_quantity = -1;
  }
  bool read(std::string &error) {
    ModelInfo out;
    return readDescriptor(&info, out, error);
  }
};

TEST(DescriptorCheck, AWellFormedDescriptorIsRead) {
  Sample s;
  std::string error;
  EXPECT_TRUE(s.read(error)) << error;
}

TEST(DescriptorCheck, ATrialStartCopyOutsideTheStateIsRefused) {
  std::string error;
  {
    Sample s; // a state whose copy ends one element past the state
    s.q.kind = PLASTICC_STATE;
    s.q.tangent_offset = -1;
    s.q.init_offset = s.info.state_bytes - 16 * 8 + 8;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "descriptor entry 'W' has its trial-start copy outside the state");
    s.q.init_offset -= 8;
    EXPECT_TRUE(s.read(error)) << error;
  }
  {
    Sample s; // a weight has no trial-start copy
    s.q.init_offset = 0;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "descriptor entry 'W' has its trial-start copy outside the state (only states have one)");
  }
}

TEST(DescriptorCheck, CorruptSizesAreRefused) {
  std::string error;
  {
    Sample s; // 2^40 x 2^40 elements: the product wraps int64
    s.q.shape[0] = s.q.shape[1] = int64_t{1} << 40;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "descriptor entry 'W' lies outside the state or its vector");
  }
  {
    Sample s; // tangent lanes end one element past the state
    s.info.state_bytes -= 8;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "descriptor entry 'W' lies outside the state or its vector");
  }
  {
    Sample s;
    s.q.shape[1] = 0;
    EXPECT_FALSE(s.read(error));
  }
  {
    Sample s;
    s.q.offset = INT64_MAX - 8;
    EXPECT_FALSE(s.read(error));
  }
  {
    Sample s; // lanes must be 0 or P
    s.info.tangent_lanes = 3;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "malformed model descriptor");
  }
  {
    Sample s; // names become file names (plots) and CSV headers
    s.q.name = "../x";
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "malformed entry 0 in the model descriptor");
    s.q.name = "W";
    s.info.model_name = "a/b";
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "malformed model descriptor");
  }
  {
    Sample s;
    s.info.state_align = 48;
    EXPECT_FALSE(s.read(error));
    EXPECT_EQ(error, "malformed model descriptor");
  }
}

} // namespace
} // namespace plasticc::runtime

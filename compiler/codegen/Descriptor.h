//===- compiler/codegen/Descriptor.h - the model descriptor of the C ABI --===//
//
// What plasticc_info() returns and the per-model header defines, computed
// once from the module and its layout so the generated code, the header and
// the loaders' checks cannot disagree (include/plasticc/abi.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"
#include "plasticc/abi.h"

#include <cstdint>
#include <string>
#include <vector>

namespace plasticc::codegen {

/// One declared quantity (mirrors plasticc_quantity).
struct QuantityDescriptor {
  std::string name;
  ir::QuantityKind kind;
  int rank = 0;
  int64_t shape[2] = {1, 1};
  int64_t offset = -1;        // bytes in the state; element offset for input/noise
  int64_t initOffset = -1;    // states' trial-start copy
  int64_t tangentOffset = -1; // P lanes, lane-major
  ir::NoiseDist noise;        // noise quantities: their distribution
};

/// The whole descriptor (mirrors plasticc_model_info).
struct ModelDescriptor {
  uint32_t abiVersion = PLASTICC_ABI_VERSION;
  ir::ElemType elem = ir::ElemType::F64;
  std::string name;
  std::string sourceSha256; // 64 lowercase hex digits
  int64_t numMeta = 0;
  int64_t tangentLanes = 0;
  int64_t stateBytes = 0;
  int64_t stateAlign = 64;
  int64_t inputLength = 0;
  int64_t noiseLength = 0;
  int64_t outputLength = 0; // doubles per step in run_trial's outputs
  std::vector<QuantityDescriptor> quantities;
  ir::Estimator estimator = ir::Estimator::Pathwise;
  int32_t scoreQuantity = -1; // index in `quantities` of the score accumulator
};

/// SHA-256 of `text` as 64 lowercase hex digits.
std::string sha256Hex(const std::string &text);

/// The descriptor of `module` laid out with elements of type `elem`;
/// `source` is the text whose hash is recorded (the .plast file).
ModelDescriptor describeModel(const ir::Module &module, ir::ElemType elem, const std::string &source);

} // namespace plasticc::codegen

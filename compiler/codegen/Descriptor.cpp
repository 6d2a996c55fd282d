//===- compiler/codegen/Descriptor.cpp - descriptor from module and layout -===//
#include "compiler/codegen/Descriptor.h"

#include "dialect/Layout.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/SHA256.h>

namespace plasticc::codegen {

std::string sha256Hex(const std::string &text) {
  auto digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  static const char *hex = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

ModelDescriptor describeModel(const ir::Module &module, ir::ElemType elem, const std::string &source) {
  ModelDescriptor d;
  d.elem = elem;
  d.name = module.name;
  d.sourceSha256 = sha256Hex(source);
  ir::Layout layout = ir::computeLayout(module, elem == ir::ElemType::F64 ? 8 : 4);
  d.numMeta = module.numMetaScalars();
  d.tangentLanes = module.lanes;
  d.stateBytes = layout.stateBytes;
  d.stateAlign = ir::Layout::kAlign;
  d.inputLength = layout.inputLength;
  d.noiseLength = layout.noiseLength;
  for (const auto &q : module.quantities) {
    const ir::Slot &s = layout.of(q.get());
    QuantityDescriptor qd;
    qd.name = q->name;
    qd.kind = q->kind;
    qd.rank = q->type.rank;
    for (int k = 0; k < q->type.rank; ++k)
      qd.shape[k] = q->type.dims[k];
    qd.offset = s.input >= 0 ? s.input : s.value;
    qd.initOffset = s.init;
    qd.tangentOffset = s.tangent;
    qd.noise = q->noise;
    if (q->kind == ir::QuantityKind::Output)
      d.outputLength += q->type.numElements();
    if (q->score)
      d.scoreQuantity = static_cast<int32_t>(d.quantities.size());
    d.quantities.push_back(qd);
  }
  d.estimator = module.lanes > 0 ? module.estimator : ir::Estimator::Pathwise;
  return d;
}

} // namespace plasticc::codegen

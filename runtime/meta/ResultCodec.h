//===- runtime/meta/ResultCodec.h - network results as bytes, exactly -----===//
//
// Ranks exchange the results of the networks they ran (Cluster.h) and then
// reduce them exactly as one process would, so a result must arrive bit for
// bit as it left: every double travels as its 8 bytes (NaN payloads, -0 and
// infinities included), never as text. The encoding is the host's byte
// order and sizes: the ranks of a run are one build on one architecture.
// Each record is self-delimiting, so the results of a rank's share travel
// as one buffer.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/Network.h"

#include <string>
#include <vector>

namespace plasticc::meta {

/// Appends `result` to `out`.
void encodeResult(const NetworkResult &result, std::string &out);

/// Decodes one result from `bytes` at `pos`, advancing it; false (and
/// `pos` unspecified) if the bytes end early or are not such a record.
bool decodeResult(const std::string &bytes, size_t &pos, NetworkResult &result);

/// The results [first, first + count) of `results`, encoded one after another.
std::string encodeResults(const std::vector<NetworkResult> &results, size_t first, size_t count);

} // namespace plasticc::meta

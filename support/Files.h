//===- support/Files.h - writing whole buffers to descriptors -------------===//
//
// Both tools write their outputs with POSIX calls, so that a short write, a
// full disk or an interrupted call is seen and reported, never a silently
// truncated file (std::ofstream would set a bit nobody reads).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc {

/// Writes all of `text` to the open descriptor `fd`, retrying after EINTR
/// and short writes; false with errno set on the first failure.
bool writeAll(int fd, const std::string &text);

} // namespace plasticc

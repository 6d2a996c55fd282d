//===- support/Files.cpp - writing whole buffers to descriptors -----------===//
#include "support/Files.h"

#include <cerrno>
#include <unistd.h>

namespace plasticc {

bool writeAll(int fd, const std::string &text) {
  const char *p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

} // namespace plasticc

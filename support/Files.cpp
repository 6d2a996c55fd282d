//===- support/Files.cpp - whole files, read and written safely -----------===//
#include "support/Files.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <sys/stat.h>
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

bool readFile(const std::string &path, std::string &text, std::string &err) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer before
  // fstat can tell that it is not a regular file (regular files ignore it).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    err = errno == ENOENT ? "no such file" : std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    err = S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
    ::close(fd);
    return false;
  }
  text.clear();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      err = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0)
      break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

namespace {

/// Makes a rename in `path`'s directory durable (POSIX: the directory entry
/// is data of the directory, flushed by an fsync of the directory itself).
bool syncParentDirectory(const std::string &path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

/// Whether process `pid` exists (signal 0 checks without sending).
bool alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

} // namespace

std::string temporaryPathFor(const std::string &path) {
  return path + ".tmp." + std::to_string(::getpid());
}

void removeStaleTemporaries(const std::string &dir, const std::string &target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    size_t at = name.rfind(".tmp.");
    if (at == std::string::npos || (!target.empty() && name.substr(0, at) != target))
      continue;
    char *end = nullptr;
    long pid = std::strtol(name.c_str() + at + 5, &end, 10);
    if (end != name.c_str() + at + 5 && *end == '\0' && !alive(pid))
      fs::remove(e.path(), ec);
  }
}

bool writeFileAtomically(const std::string &path, const std::string &text, std::string &err) {
  std::string tmp = temporaryPathFor(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    err = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (!writeAll(fd, text)) {
    err = "cannot write '" + path + "': " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  // Data on disk before the rename makes it visible: a crash leaves either
  // the old file or the complete new one.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    err = "cannot write '" + path + "': " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot write '" + path + "': " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (!syncParentDirectory(path)) {
    err = "cannot sync the directory of '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace plasticc

//===- runtime/tool/OutputDir.cpp - one run owns its output directory -----===//
#include "runtime/tool/OutputDir.h"
#include "support/Files.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace plasticc::tool {

namespace {

/// The PID a lock file names ("pid 1234\n"), or 0.
long holderOf(int fd) {
  char buf[64] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 4 && std::strncmp(buf, "pid ", 4) == 0 ? std::strtol(buf + 4, nullptr, 10) : 0;
}

/// What marks an output as an earlier run's: the file itself, or for a
/// directory output ("activity/") the marker a run writes into it (a
/// directory of the user's of the same name is not ours).
std::string recognisedBy(const std::string &name) {
  return name.back() == '/' ? name + kDirectoryMarker : name;
}

/// The outputs of an earlier run present in `dir`, as "a, b".
std::string earlierOutputs(const std::string &dir, const std::vector<std::string> &outputs) {
  std::string found;
  std::error_code ec;
  for (const std::string &name : outputs)
    if (fs::exists(fs::path(dir) / recognisedBy(name), ec))
      found += (found.empty() ? "" : ", ") + name;
  return found;
}

} // namespace

std::optional<OutputDir> OutputDir::claim(const std::string &path,
                                          const std::vector<std::string> &outputs,
                                          OutputPolicy policy, std::string &err) {
  std::error_code ec;
  if (policy == OutputPolicy::Resume && !fs::exists(path, ec)) { // nothing to create for it
    err = "cannot resume: '" + path + "' does not exist (--resume needs the checkpoint of an "
          "earlier run in --out)";
    return std::nullopt;
  }
  fs::create_directories(path, ec);
  if (ec || !fs::is_directory(path)) {
    err = "cannot create output directory '" + path + "'" + (ec ? ": " + ec.message() : "");
    return std::nullopt;
  }
  std::string lock = (fs::path(path) / kLockFile).string();
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    err = "cannot open the lock file '" + lock + "': " + std::strerror(errno);
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    long pid = errno == EWOULDBLOCK ? holderOf(fd) : 0;
    err = errno == EWOULDBLOCK
              ? "another plasticc-meta run" + (pid ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                    " is writing '" + path + "'; wait for it or choose another --out"
              : "cannot lock '" + lock + "': " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  OutputDir dir(path, fd); // from here on, the destructor unlocks
  std::string text = "pid " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    err = "cannot write the lock file '" + lock + "': " + std::strerror(errno);
    return std::nullopt;
  }
  // Only the temporaries of the files a run writes: a user's own
  // "notes.tmp.2024" is not ours to remove.
  for (const std::string &name : outputs)
    if (name.back() != '/')
      removeStaleTemporaries(path, name);
  std::string found = earlierOutputs(path, outputs);
  if (found.empty() || policy == OutputPolicy::Resume)
    return dir;
  if (policy == OutputPolicy::Fresh) {
    err = "'" + path + "' holds the outputs of an earlier run (" + found +
          "); --force replaces them, or choose another --out";
    return std::nullopt;
  }
  for (const std::string &name : outputs) { // a failed removal now, not a failed write later
    fs::path file = fs::path(path) / name;
    // A directory output ("activity/") that is ours goes whole; a file
    // output that is a directory is the user's, and removing it fails.
    if (name.back() != '/')
      fs::remove(file, ec);
    else if (fs::exists(fs::path(path) / recognisedBy(name), ec))
      fs::remove_all(file, ec);
    if (ec) {
      err = "--force cannot remove the earlier run's '" + file.string() + "': " + ec.message();
      return std::nullopt;
    }
  }
  return dir;
}

OutputDir::OutputDir(OutputDir &&other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

OutputDir &OutputDir::operator=(OutputDir &&other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OutputDir::~OutputDir() {
  if (fd_ >= 0)
    ::close(fd_); // closing the last descriptor releases the flock
}

} // namespace plasticc::tool

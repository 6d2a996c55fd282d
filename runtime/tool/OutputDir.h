//===- runtime/tool/OutputDir.h - one run owns its output directory -------===//
//
// plasticc-meta writes a run's log, checkpoint, rule and evaluation into one
// directory (--out). Two runs writing the same directory at once would mix
// their files, and a new run would silently replace an earlier one's, so a
// run claims the directory first: it holds an exclusive flock(2) on
// OUT/.plasticc-meta.lock for as long as it runs (the kernel drops the lock
// when the process dies, however it dies, so a crashed run never leaves it
// stuck), refuses a directory that holds an earlier run's outputs unless told
// to continue it (--resume) or to replace it (--force, which removes those
// outputs first), and removes temporary files that a killed run left behind
// (NAME.tmp.PID of a process that no longer exists).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace plasticc::tool {

/// What a run does with the outputs it finds in its directory.
enum class OutputPolicy {
  Fresh,   // refuse a directory holding an earlier run's outputs
  Resume,  // continue the run whose outputs are there (training only)
  Replace  // --force: remove the earlier outputs, then write
};

class OutputDir {
public:
  /// Creates `path` if needed and claims it for this process. `outputs` are
  /// the file names a run of this kind writes (an earlier run is recognised
  /// by them; a name ending in '/' is a directory the run writes whole, ours
  /// when it holds kDirectoryMarker); `option` is how the user asked for the policy, for messages.
  /// nullopt and `err` if another live run holds the directory, if it holds
  /// outputs and the policy is Fresh, or if it cannot be created or locked.
  static std::optional<OutputDir> claim(const std::string &path,
                                        const std::vector<std::string> &outputs,
                                        OutputPolicy policy, std::string &err);

  OutputDir(OutputDir &&other) noexcept;
  OutputDir &operator=(OutputDir &&other) noexcept;
  OutputDir(const OutputDir &) = delete;
  OutputDir &operator=(const OutputDir &) = delete;
  /// Releases the lock (the lock file stays: removing it would race with a
  /// run that is opening it).
  ~OutputDir();

  const std::string &path() const { return path_; }

private:
  OutputDir(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_ = -1;
};

/// The file that marks a directory output ("activity/") as written by
/// plasticc-meta: a directory of the user's of the same name has none.
inline constexpr const char *kDirectoryMarker = ".plasticc-meta-output";

/// The name of the lock file inside an output directory.
inline constexpr const char *kLockFile = ".plasticc-meta.lock";

} // namespace plasticc::tool

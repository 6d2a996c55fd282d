//===- support/Files.h - whole files, read and written safely -------------===//
//
// Both tools read and write their files with POSIX calls, so that a short
// write, a full disk, an interrupted call or a directory where a file was
// expected is seen and reported, never a silently truncated file
// (std::ofstream would set a bit nobody reads).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc {

/// Writes all of `text` to the open descriptor `fd`, retrying after EINTR
/// and short writes; false with errno set on the first failure.
bool writeAll(int fd, const std::string &text);

/// Reads a regular file whole; false and `err`, the reason ("no such
/// file", "it is a directory", strerror), otherwise.
bool readFile(const std::string &path, std::string &text, std::string &err);

/// The temporary writeFileAtomically writes `path` through in this process:
/// PATH.tmp.PID. A tool that wants it removed on SIGINT/SIGTERM registers
/// this name (plasticc: llvm::sys::RemoveFileOnSignal).
std::string temporaryPathFor(const std::string &path);

/// Removes the NAME.tmp.PID files in `dir` whose writer (process PID) is
/// gone: what a killed writeFileAtomically left behind (SIGKILL cannot be
/// caught). With `target`, only that file's temporaries (TARGET.tmp.PID);
/// a live writer's are left alone. Errors are ignored: this is tidying.
void removeStaleTemporaries(const std::string &dir, const std::string &target = "");

/// Writes `text` to `path` atomically: a temporary PATH.tmp.PID, fsync,
/// rename, fsync of the directory (so the rename survives a power loss). A
/// crash or a full disk leaves the old file or the complete new one; false
/// and `err` ("cannot write 'PATH': reason") on failure.
bool writeFileAtomically(const std::string &path, const std::string &text, std::string &err);

} // namespace plasticc

//===- runtime/tool/Plots.cpp - running the plot script -------------------===//
#include "runtime/tool/Plots.h"

#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace plasticc::tool {

bool drawPlots(const std::string &python, const std::string &script, const std::string &dir,
               std::string &err) {
  if (::access(script.c_str(), R_OK) != 0) {
    err = "plot script '" + script + "' not found (--plot-script)";
    return false;
  }
  std::string a0 = python, a1 = script, a2 = dir;
  char *argv[] = {a0.data(), a1.data(), a2.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv, environ);
  if (rc != 0) {
    err = "cannot run '" + python + "': " + std::strerror(rc) + " (--python)";
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      err = std::string("waiting for the plot script: ") + std::strerror(errno);
      return false;
    }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    err = "the plot script failed (" + python + " " + script + " " + dir + ")";
    return false;
  }
  return true;
}

} // namespace plasticc::tool

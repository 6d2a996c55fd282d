//===- runtime/tool/DataDir.cpp - where plasticc-meta's own files are -----===//
#include "runtime/tool/DataDir.h"

#include <filesystem>
#include <system_error>

#ifndef PLASTICC_SOURCE_DIR
#define PLASTICC_SOURCE_DIR "."
#endif

namespace plasticc::tool {

std::string dataDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "plasticc";
    if (fs::is_directory(installed / "examples" / "tasks", ec))
      return installed.string();
  }
  return PLASTICC_SOURCE_DIR;
}

} // namespace plasticc::tool

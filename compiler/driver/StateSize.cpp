//===- compiler/driver/StateSize.cpp - is a model's state too big to run? -===//
#include "compiler/driver/StateSize.h"

#include "dialect/Layout.h"

#include <cstdio>
#include <unistd.h>

namespace plasticc::driver {

int64_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}

int64_t stateBytes(const ir::Module &module, int64_t elementBytes) {
  return ir::computeLayout(module, elementBytes).stateBytes;
}

namespace {

/// 9.0e15 (no '+', two digits): sizes in messages.
std::string scientific(int64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1e", static_cast<double>(bytes));
  std::string s = buf;
  if (size_t plus = s.find("e+"); plus != std::string::npos)
    s.erase(plus + 1, 1);
  return s;
}

} // namespace

std::string stateTooBig(const ir::Module &module, int64_t elementBytes) {
  int64_t need = stateBytes(module, elementBytes), have = physicalMemoryBytes();
  if (have == 0 || need <= have)
    return "";
  return "model '" + module.name + "' needs " + scientific(need) + " bytes of state";
}

std::string machineMemory() {
  return "this machine has " + scientific(physicalMemoryBytes()) + " bytes of memory";
}

} // namespace plasticc::driver

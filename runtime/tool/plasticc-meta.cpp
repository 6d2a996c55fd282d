//===- runtime/tool/plasticc-meta.cpp - the plasticc-meta tool ------------===//
//
// Entry point: parse the command line (Options.h) and run the job
// (MetaRun.h). docs/runtime.md is the user's manual.
//
//===----------------------------------------------------------------------===//
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/Options.h"

#include <iostream>
#include <new>

int main(int argc, char **argv) {
  plasticc::tool::Options options;
  int code = plasticc::tool::parseOptions(argc, argv, options);
  if (code >= 0)
    return code;
  try {
    return plasticc::tool::runMeta(options);
  } catch (const std::bad_alloc &) {
    // Last resort: runMeta refuses states too big for memory before it
    // allocates them, but other allocations (scratch arrays, logs) can fail.
    std::cerr << "plasticc-meta: error: out of memory (the model or the run does not fit in this "
                 "machine's memory; try fewer --threads or a smaller model)\n";
    return plasticc::tool::ExitUsage;
  }
}

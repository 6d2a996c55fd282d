//===- runtime/tool/plasticc-meta.cpp - the plasticc-meta tool ------------===//
//
// Entry point: parse the command line (Options.h) and run the job
// (MetaRun.h). docs/runtime.md is the user's manual.
//
//===----------------------------------------------------------------------===//
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/Options.h"

int main(int argc, char **argv) {
  plasticc::tool::Options options;
  int code = plasticc::tool::parseOptions(argc, argv, options);
  if (code >= 0)
    return code;
  return plasticc::tool::runMeta(options);
}

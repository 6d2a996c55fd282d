//===- runtime/tool/DataDir.h - where plasticc-meta's own files are -------===//
//
// plasticc-meta reads files that ship with it: the task files of
// examples/tasks (a --task given by name) and scripts/plot.py. Installed
// (`make install`, docs/install.md), they are in PREFIX/share/plasticc,
// found from the tool's own path, so an installed tree can be moved; run
// from a build tree, they are in the source tree it was built from.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc::tool {

/// PREFIX/share/plasticc when this executable is PREFIX/bin/plasticc-meta
/// and that directory holds examples/tasks; else the source tree.
std::string dataDir();

} // namespace plasticc::tool

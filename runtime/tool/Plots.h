//===- runtime/tool/Plots.h - drawing the PNGs with matplotlib ------------===//
//
// The plots are drawn by scripts/plot.py (matplotlib, Agg backend) from the
// CSV and JSON files a run leaves in its output directory, so they can be
// redrawn or restyled without rerunning. The tool starts the script as a
// child process, without a shell; a missing Python or matplotlib is a
// warning, never a failed run.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace plasticc::tool {

/// Runs `python script dir`; false and the reason in `err` if it failed.
bool drawPlots(const std::string &python, const std::string &script, const std::string &dir,
               std::string &err);

} // namespace plasticc::tool

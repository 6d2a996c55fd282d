//===- python/src/MetaRun.h - plasticc-meta's job, run from Python --------===//
//
// plasticc.meta_learn and plasticc.evaluate (python/plasticc/meta.py) run
// the job of the plasticc-meta tool itself (runtime/tool/MetaRun.h), with
// the options parsed by its own parser (runtime/tool/Options.h), so that
// the same settings give the same files. What the tool prints on stdout
// and stderr goes to Python's sys.stdout and sys.stderr (a notebook shows
// it), and Ctrl-C stops the run between meta-iterations.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <pybind11/pybind11.h>

namespace plasticc::python {

/// Adds run_meta(argv) -> (exit code, text printed on stderr) to `m`.
void bindMetaRun(pybind11::module_ &m);

} // namespace plasticc::python

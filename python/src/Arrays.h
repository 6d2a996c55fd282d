//===- python/src/Arrays.h - numpy arrays in and out ----------------------===//
//
// Arrays from Python are taken as they are, never copied or converted in
// silence: float64, C-contiguous, of the expected shape, or a TypeError /
// ValueError that names the argument and what is wrong with it. Arrays to
// Python are views of a network's state that keep the network alive.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace plasticc::python {

namespace py = pybind11;

/// `a`'s data, after checking that it is a float64, C-contiguous array of
/// `shape` (-1 matches any length); `what` names it in the exception.
const double *checkedArray(const py::array &a, const std::string &what,
                           const std::vector<py::ssize_t> &shape);

/// A view of `data` (doubles, C order) as an array of `shape` that keeps
/// `owner` alive; read-only unless `writable`.
py::array view(double *data, const std::vector<py::ssize_t> &shape, py::handle owner, bool writable);

/// "[8, 2]" for messages.
std::string shapeText(const std::vector<py::ssize_t> &shape);

} // namespace plasticc::python

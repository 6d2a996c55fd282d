//===- python/src/Arrays.cpp - numpy arrays in and out --------------------===//
#include "Arrays.h"

namespace plasticc::python {

std::string shapeText(const std::vector<py::ssize_t> &shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") + (shape[k] < 0 ? std::string("T") : std::to_string(shape[k]));
  return s + "]";
}

const double *checkedArray(const py::array &a, const std::string &what,
                           const std::vector<py::ssize_t> &shape) {
  if (!py::isinstance<py::array_t<double>>(a))
    throw py::type_error(what + " must be an array of float64, not of " +
                         py::str(a.dtype()).cast<std::string>());
  std::vector<py::ssize_t> got(a.shape(), a.shape() + a.ndim());
  bool same = got.size() == shape.size();
  for (size_t k = 0; same && k < shape.size(); ++k)
    same = shape[k] < 0 || shape[k] == got[k];
  if (!same)
    throw py::value_error(what + " must have shape " + shapeText(shape) + ", not " + shapeText(got));
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(what + " must be C-contiguous (numpy.ascontiguousarray makes a copy that is)");
  return static_cast<const double *>(a.data());
}

py::array view(double *data, const std::vector<py::ssize_t> &shape, py::handle owner, bool writable) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = sizeof(double);
  for (size_t k = shape.size(); k-- > 0;) {
    strides[k] = stride;
    stride *= shape[k];
  }
  py::array a(py::dtype::of<double>(), shape, strides, data, owner);
  if (!writable)
    a.attr("flags").attr("writeable") = false;
  return a;
}

} // namespace plasticc::python

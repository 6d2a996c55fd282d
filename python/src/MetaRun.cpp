//===- python/src/MetaRun.cpp - plasticc-meta's job, run from Python ------===//
#include "MetaRun.h"

#include "runtime/meta/Cluster.h"
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/Options.h"
#include "runtime/tool/Ranks.h"

#include <pybind11/stl.h>

#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>
#include <vector>

namespace py = pybind11;

namespace plasticc::python {

namespace {

/// While alive, what a C++ stream prints goes to a Python stream
/// (sys.stdout or sys.stderr) and is also kept; a write takes the GIL.
/// pybind11's scoped_ostream_redirect would do the first half, but keeps
/// nothing for the exception's message.
class PythonStream final : public std::streambuf {
public:
  PythonStream(std::ostream &stream, const char *pythonName)
      : stream_(stream), name_(pythonName), old_(stream.rdbuf(this)) {}
  ~PythonStream() override {
    forward();
    stream_.rdbuf(old_);
  }
  PythonStream(const PythonStream &) = delete;
  PythonStream &operator=(const PythonStream &) = delete;

  /// Everything printed (the last 64 KiB).
  const std::string &text() const { return kept_; }

protected:
  int overflow(int c) override {
    if (c != traits_type::eof()) {
      char ch = static_cast<char>(c);
      xsputn(&ch, 1);
    }
    return c;
  }
  std::streamsize xsputn(const char *s, std::streamsize n) override {
    pending_.append(s, static_cast<size_t>(n));
    if (pending_.find('\n') != std::string::npos)
      forward();
    return n;
  }
  int sync() override {
    forward();
    return 0;
  }

private:
  void forward() {
    if (pending_.empty())
      return;
    kept_ += pending_;
    if (kept_.size() > (64u << 10))
      kept_.erase(0, kept_.size() - (64u << 10));
    py::gil_scoped_acquire gil;
    try {
      py::object out = py::module_::import("sys").attr(name_);
      if (!out.is_none()) {
        out.attr("write")(pending_);
        out.attr("flush")();
      }
    } catch (py::error_already_set &) {
      // A closed or broken Python stream loses the text, never the run.
    }
    pending_.clear();
  }

  std::ostream &stream_;
  const char *name_;
  std::streambuf *old_;
  std::string pending_, kept_;
};

/// Asks Python whether Ctrl-C was pressed (runs its signal handlers). The
/// KeyboardInterrupt is cleared here and raised again by the package when
/// the run has returned ExitInterrupted.
bool interruptRequested() {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() == 0)
    return false;
  PyErr_Clear();
  return true;
}

/// Parses `args` (argv without the program name) as plasticc-meta does and
/// runs the job in this process (one rank); the GIL is released meanwhile.
py::tuple runMeta(const std::vector<std::string> &args) {
  std::vector<std::string> argv = {"plasticc-meta"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char *> pointers;
  for (std::string &a : argv)
    pointers.push_back(a.data());
  pointers.push_back(nullptr);
  int code;
  std::string printed;
  {
    py::gil_scoped_release release;
    // One run at a time: std::cout and std::cerr are redirected for the
    // whole process, and two runs restoring them in the wrong order would
    // leave a stream writing into a destroyed buffer. A second Python
    // thread calling meta_learn waits here (without the GIL).
    static std::mutex oneRun;
    std::lock_guard<std::mutex> lock(oneRun);
    PythonStream out(std::cout, "stdout"), err(std::cerr, "stderr");
    tool::Options options;
    code = tool::parseOptions(static_cast<int>(argv.size()), pointers.data(), options);
    if (code < 0) {
      tool::Ranks ranks(meta::singleProcess());
      code = tool::runMeta(options, ranks, &interruptRequested);
    }
    std::cout.flush();
    std::cerr.flush();
    printed = err.text();
  } // the streams are restored (their last text forwarded, with the GIL) before the lock is released
  return py::make_tuple(code, printed);
}

} // namespace

void bindMetaRun(py::module_ &m) {
  m.def("run_meta", &runMeta, py::arg("args"),
        "runs plasticc-meta's job on its command-line arguments (without the program name) in "
        "this process; returns (exit code, what it printed on stderr)");
}

} // namespace plasticc::python

//===- python/src/MetaRun.cpp - plasticc-meta's job, run from Python ------===//
#include "MetaRun.h"

#include "runtime/meta/Cluster.h"
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/Options.h"
#include "runtime/tool/Ranks.h"

#include <pybind11/stl.h>

#include <iostream>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <mutex>
#include <streambuf>
#include <string>
#include <vector>

namespace py = pybind11;

namespace plasticc::python {

namespace {

/// Set by an atexit handler when the program ends (registered in
/// bindMetaRun).
std::atomic<bool> gExiting{false};

/// Held by the run in progress (one at a time: see runMeta).
std::timed_mutex gOneRun;

/// True once Python has begun to shut down. A thread that takes the GIL
/// then is stopped by the interpreter (its stack unwound by force, fatal
/// in a destructor), so a run in a daemon thread must not touch Python
/// again: it stops at its next meta-iteration and parks (parkIfPythonGone).
bool pythonGone() {
#if PY_VERSION_HEX >= 0x030D0000
  return gExiting.load() || Py_IsFinalizing() != 0;
#else
  return gExiting.load() || _Py_IsFinalizing() != 0;
#endif
}

/// A run that outlived Python waits here for the process to end instead
/// of taking the GIL back.
void parkIfPythonGone() {
  while (pythonGone())
    std::this_thread::sleep_for(std::chrono::hours(1));
}

/// Writes `text` to Python's sys.<name> (taking the GIL); nothing once
/// Python is shutting down or when the stream is gone or broken.
void writePython(const char *name, const std::string &text) {
  if (pythonGone())
    return;
  py::gil_scoped_acquire gil;
  try {
    py::object out = py::module_::import("sys").attr(name);
    if (!out.is_none()) {
      out.attr("write")(text);
      out.attr("flush")();
    }
  } catch (py::error_already_set &) {
    // A closed or broken Python stream loses the text, never the run.
  }
}

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
    writePython(name_, pending_);
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
  if (pythonGone())
    return true; // the program is ending: stop at the next meta-iteration
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() == 0)
    return false;
  PyErr_Clear();
  return true;
}

/// Waits for the run of another thread (see runMeta); false if Ctrl-C
/// ended the wait. Called without the GIL.
bool waitForOurTurn(std::unique_lock<std::timed_mutex> &lock) {
  for (bool said = false; !lock.try_lock_for(std::chrono::milliseconds(100));) {
    if (!said)
      writePython("stderr", "plasticc: waiting for the run in another thread of this process "
                            "to end (one run at a time)\n");
    said = true;
    if (interruptRequested())
      return false;
  }
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
  int code = tool::ExitInterrupted;
  std::string printed = "interrupted while waiting for the run in another thread to end; nothing "
                        "was run";
  {
    py::gil_scoped_release release;
    // One run at a time: std::cout and std::cerr are redirected for the
    // whole process, and two runs restoring them in the wrong order would
    // leave a stream writing into a destroyed buffer. A second Python
    // thread calling meta_learn waits (without the GIL), saying so, and
    // Ctrl-C ends the wait.
    {
      std::unique_lock<std::timed_mutex> lock(gOneRun, std::defer_lock);
      if (waitForOurTurn(lock)) {
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
      } // the streams are restored (their last text forwarded) before the lock is released
    }
    parkIfPythonGone(); // after the lock: the atexit handler waits for it
  }
  return py::make_tuple(code, printed);
}

} // namespace

void bindMetaRun(py::module_ &m) {
  // At exit, before the interpreter finalizes: a run still going in a
  // daemon thread stops touching Python, stops at its next meta-iteration
  // (or when its set-up or evaluation ends) and parks; exit waits for that
  // (up to 60 s), because a thread still compiling or running a model while
  // the process's static objects (LLVM's) are destroyed would crash it.
  py::module_::import("atexit").attr("register")(py::cpp_function([] {
    gExiting = true;
    py::gil_scoped_release release; // a run taking the GIL right now finishes and sees the flag
    std::unique_lock<std::timed_mutex> lock(gOneRun, std::defer_lock);
    if (lock.try_lock_for(std::chrono::milliseconds(500)))
      return;
    std::fputs("plasticc: waiting for the run in another thread to stop before Python exits "
               "(at its next meta-iteration; at most 60 s)\n",
               stderr);
    (void)lock.try_lock_for(std::chrono::seconds(60));
  }));
  m.def("run_meta", &runMeta, py::arg("args"),
        "runs plasticc-meta's job on its command-line arguments (without the program name) in "
        "this process; returns (exit code, what it printed on stderr)");
}

} // namespace plasticc::python

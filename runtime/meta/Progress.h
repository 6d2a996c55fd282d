//===- runtime/meta/Progress.h - the progress bar -------------------------===//
//
// One line on stderr, redrawn in place after every meta-iteration:
//   [########..........]  42/100  J -0.4123  |g| 1.2e-02  ETA 1m23s
// It is drawn when stderr is a terminal (or when asked: --progress, and the
// Python package in a notebook), so logs and pipes stay clean; messages
// printed while it shows clear it first and redraw it after. Only '\r' and
// blanks redraw it, which a terminal and a Jupyter notebook both honour.
// Everything goes through std::cerr, so a process that holds its stderr
// back (an MPI rank other than 0, runtime/tool/Ranks.h) holds these too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace plasticc::meta {

/// The progress bar of a run (see file comment).
class Progress {
public:
  /// `enabled` false: draw nothing (messages still print).
  Progress(int64_t total, bool enabled);
  /// Enabled when stderr is a terminal.
  static bool stderrIsTerminal();

  /// Marks `done` iterations as already done (resume; J and the gradient
  /// norm of the last, NaN if none): the ETA counts from here.
  void start(int64_t done, double J, double gradNorm);
  /// Redraws after iteration `done` with its J and gradient norm.
  void update(int64_t done, double J, double gradNorm);
  /// Prints a message on its own line (the bar is redrawn after it).
  void message(const std::string &text);
  /// Ends the bar's line.
  void finish();

  /// The bar's text for given values (no terminal control; J NaN: not
  /// measured yet; etaSeconds < 0: unknown), for tests.
  static std::string render(int64_t done, int64_t total, double J, double gradNorm,
                            double etaSeconds);

private:
  void draw();

  int64_t total_;
  bool enabled_;
  int64_t startDone_ = 0, done_ = 0;
  double J_ = 0, gradNorm_ = 0;
  bool drawn_ = false;
  size_t width_ = 0; // of the line drawn last
  std::chrono::steady_clock::time_point start_;
};

} // namespace plasticc::meta

//===- runtime/meta/Progress.cpp - drawing the progress bar ---------------===//
#include "runtime/meta/Progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace plasticc::meta {

Progress::Progress(int64_t total, bool enabled) : total_(total), enabled_(enabled) {
  start_ = std::chrono::steady_clock::now();
}

bool Progress::stderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::start(int64_t done, double J, double gradNorm) {
  startDone_ = done_ = done;
  J_ = J;
  gradNorm_ = gradNorm;
  start_ = std::chrono::steady_clock::now();
  draw();
}

std::string Progress::render(int64_t done, int64_t total, double J, double gradNorm,
                             double etaSeconds) {
  constexpr int kWidth = 24;
  int filled = total > 0 ? static_cast<int>(kWidth * std::clamp<int64_t>(done, 0, total) / total)
                         : kWidth;
  std::string bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "]";
  char text[160];
  std::string eta = "--";
  if (etaSeconds >= 0 && std::isfinite(etaSeconds)) {
    long s = std::lround(etaSeconds);
    char buf[32];
    if (s >= 3600)
      std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
      std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    eta = buf;
  }
  if (std::isnan(J)) // nothing measured yet
    std::snprintf(text, sizeof text, "%s %4lld/%lld  J --  |g| --  ETA %s", bar.c_str(),
                  static_cast<long long>(done), static_cast<long long>(total), eta.c_str());
  else
    std::snprintf(text, sizeof text, "%s %4lld/%lld  J %.4g  |g| %.2e  ETA %s", bar.c_str(),
                  static_cast<long long>(done), static_cast<long long>(total), J, gradNorm,
                  eta.c_str());
  return text;
}

void Progress::update(int64_t done, double J, double gradNorm) {
  done_ = done;
  J_ = J;
  gradNorm_ = gradNorm;
  draw();
}

void Progress::draw() {
  if (!enabled_)
    return;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  int64_t ran = done_ - startDone_;
  double eta = ran > 0 ? elapsed / static_cast<double>(ran) * static_cast<double>(total_ - done_)
                       : -1.0;
  // Blanks, not the terminal's erase-line code, cover a longer earlier
  // line: a Jupyter notebook honours '\r' but not every control code.
  std::string text = render(done_, total_, J_, gradNorm_, eta);
  std::cerr << '\r' << text << std::string(width_ > text.size() ? width_ - text.size() : 0, ' ')
            << std::flush;
  width_ = text.size();
  drawn_ = true;
}

void Progress::message(const std::string &text) {
  if (enabled_ && drawn_)
    std::cerr << '\r' << std::string(width_, ' ') << '\r';
  std::cerr << text << '\n';
  draw();
}

void Progress::finish() {
  if (enabled_ && drawn_)
    std::cerr << '\n';
  drawn_ = false;
  enabled_ = false; // later messages print as plain lines
}

} // namespace plasticc::meta

//===- support/CliChecks.cpp - the number checks of both tools' options ---===//
#include "support/CliChecks.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace plasticc::cli {

namespace {

/// The text a double is handed on as: 17 significant digits read back exactly.
std::string plain(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// Parses all of `text` as a finite double; false otherwise.
bool finiteNumber(const std::string &text, double &v) {
  char *end = nullptr;
  v = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && std::isfinite(v);
}

/// Parses all of `text` as a base-10 integer with an optional leading '-'.
bool decimal(const std::string &text, long long &v) {
  errno = 0;
  char *end = nullptr;
  size_t digits = text[0] == '-' ? 1 : 0;
  if (text.size() <= digits || !std::isdigit(static_cast<unsigned char>(text[digits])))
    return false;
  v = std::strtoll(text.c_str(), &end, 10);
  return *end == '\0' && errno == 0;
}

} // namespace

CLI::Validator atLeast(double lo, bool strictly) {
  std::string bound = lo == std::floor(lo) ? std::to_string(static_cast<long long>(lo)) : plain(lo);
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        double v = 0;
        if (!finiteNumber(text, v) || !(strictly ? v > lo : v >= lo))
          return std::string("must be a finite number ") + (strictly ? "greater than " : "at least ") +
                 bound + " (got " + text + ")";
        text = plain(v);
        return "";
      },
      "", "");
}

CLI::Validator count(int64_t lo, int64_t hi) {
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        long long v = 0;
        if (!decimal(text, v) || v < lo || v > hi)
          return "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                 "] (got " + text + ")";
        text = std::to_string(v);
        return "";
      },
      "", "");
}

CLI::Validator seedValue() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        errno = 0;
        char *end = nullptr;
        bool digits = !text.empty() && std::isdigit(static_cast<unsigned char>(text[0]));
        unsigned long long v = std::strtoull(text.c_str(), &end, 10);
        if (!digits || *end != '\0' || errno != 0)
          return "must be an integer in [0, 18446744073709551615] (got " + text + ")";
        text = std::to_string(v);
        return "";
      },
      "", "");
}

CLI::Validator between(double lo, double hi) {
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        double v = 0;
        if (!finiteNumber(text, v) || v < lo || v > hi) {
          std::ostringstream range;
          range << "must be a number in [" << lo << ", " << hi << "] (got " << text << ")";
          return range.str();
        }
        text = plain(v);
        return "";
      },
      "", "");
}

std::string message(const CLI::ParseError &e) {
  std::string what = e.what();
  size_t colon = what.find(": must be ");
  if (colon != std::string::npos)
    what.erase(colon, 1);
  return what;
}

} // namespace plasticc::cli

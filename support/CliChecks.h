//===- support/CliChecks.h - the number checks of both tools' options -----===//
//
// CLI11 checks a value after converting it: 10^30 is clamped to the type's
// limit, "-1" becomes 2^64 - 1 for an unsigned seed, and a leading zero
// makes "010" octal (8). These checks read the text themselves, in base 10,
// and hand CLI11 the value they read, written plainly, so what is checked
// is what is used. Attach them with ->transform(), not ->check(): CLI11
// gives a check() a copy of the text.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace plasticc::cli {

/// A finite number >= lo (> lo when `strictly`): "--lr must be greater than
/// 0 (got inf)". CLI11's own range checks print the type's limit in full.
CLI::Validator atLeast(double lo, bool strictly = false);

/// An integer in [lo, hi], in base 10 ("010" is ten).
CLI::Validator count(int64_t lo, int64_t hi);

/// A seed: an integer in [0, 2^64 - 1] in base 10, without a sign.
CLI::Validator seedValue();

/// A finite number in [lo, hi] (CLI::Range lets NaN through).
CLI::Validator between(double lo, double hi);

/// A parse error as "--batch must be at least 1 (got 0)": the option name,
/// then the check's message (CLI11 puts a colon between them).
std::string message(const CLI::ParseError &e);

} // namespace plasticc::cli

//===- support/Diagnostics.h - located user errors and internal errors ----===//
//
// Two separate paths, as in Halide's Error.h: a *user* diagnostic points at a
// source range with `file:line:col: error: message`, prints the source line
// and a caret, may carry notes at related places, and lets the caller go on to
// report further independent errors; an *internal* error is a compiler bug,
// says so ("please report"), and aborts. Users are never blamed for a bug.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plasticc {

/// A position in a source file: 1-based line and column (columns count bytes).
/// line == 0 means "no location" and must never reach a user diagnostic.
struct Loc {
  uint32_t line = 0;
  uint32_t col = 0;
  bool valid() const { return line != 0; }
  friend bool operator==(const Loc &, const Loc &) = default;
};

/// A half-open source range [begin, end) on one or more lines.
struct SourceRange {
  Loc begin;
  Loc end;
};

/// The text of one input file, kept for carets and notes.
class SourceFile {
public:
  SourceFile(std::string path, std::string text);
  /// Reads `path`; returns nullptr and sets `err` when it cannot be read.
  static std::shared_ptr<SourceFile> read(const std::string &path, std::string &err);

  const std::string &path() const { return path_; }
  const std::string &text() const { return text_; }
  /// The text of 1-based line `line`, without its newline ("" if out of range).
  std::string_view line(uint32_t line) const;

private:
  std::string path_;
  std::string text_;
  std::vector<size_t> lineStarts_;
};

enum class Severity { Error, Warning, Note };

/// One message with its range; notes attach to the error before them.
struct Diagnostic {
  Severity severity;
  SourceRange range;
  std::string message;
  /// The file the range is in, when it is not the engine's own (a C++ file
  /// a model imports helpers from).
  std::shared_ptr<const SourceFile> file = nullptr;
};

/// Collects diagnostics for one source file and renders them like clang:
///
///   model.plast:12:7: error: shapes do not agree: f64[128] vs f64[2]
///      12 |   x = r + u
///         |       ^~~~~
///   model.plast:6:7: note: 'u' declared here with shape [2]
///
/// Rendering is immediate (to the stream given at construction) so that a
/// crash later still leaves the earlier messages visible.
class DiagnosticEngine {
public:
  DiagnosticEngine(std::shared_ptr<SourceFile> file, std::ostream &out);

  void error(SourceRange range, std::string message);
  void warning(SourceRange range, std::string message);
  void note(SourceRange range, std::string message);
  void error(Loc loc, std::string message) { error({loc, loc}, std::move(message)); }
  void note(Loc loc, std::string message) { note({loc, loc}, std::move(message)); }
  /// The same, at a range in another file (a C++ file of imported helpers):
  /// counted and limited with this engine's errors, rendered alike.
  void error(std::shared_ptr<const SourceFile> in, SourceRange range, std::string message);
  void note(std::shared_ptr<const SourceFile> in, SourceRange range, std::string message);

  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }
  /// Stop reporting after this many errors (cascades help nobody).
  void setErrorLimit(unsigned limit) { limit_ = limit; }
  bool atLimit() const { return errors_ >= limit_; }
  const std::vector<Diagnostic> &diagnostics() const { return diags_; }
  const SourceFile &file() const { return *file_; }

private:
  void emit(Severity severity, SourceRange range, std::string message,
            std::shared_ptr<const SourceFile> in = nullptr);

  std::shared_ptr<SourceFile> file_;
  std::ostream &out_;
  std::vector<Diagnostic> diags_;
  unsigned errors_ = 0;
  unsigned limit_ = 50;
  bool suppressNotes_ = false;
};

/// Reports a compiler bug and aborts: never for bad user input.
[[noreturn]] void internalError(const char *file, int line, const std::string &message);

} // namespace plasticc

/// Asserts an invariant of the compiler itself (not of the user's program).
#define PLASTICC_INTERNAL_ASSERT(cond, msg)                                    \
  do {                                                                         \
    if (!(cond))                                                               \
      ::plasticc::internalError(__FILE__, __LINE__,                            \
                                std::string("assertion '" #cond "': ") + (msg)); \
  } while (0)

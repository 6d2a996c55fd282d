//===- support/Diagnostics.cpp - rendering of located diagnostics ---------===//
#include "support/Diagnostics.h"
#include "support/Files.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace plasticc {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  lineStarts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n')
      lineStarts_.push_back(i + 1);
}

std::shared_ptr<SourceFile> SourceFile::read(const std::string &path, std::string &err) {
  // readFile refuses what is not a regular file: a FIFO would block and
  // /dev/zero would never end.
  std::string text, why;
  if (!readFile(path, text, why)) {
    err = "cannot open '" + path + "': " + why;
    return nullptr;
  }
  return std::make_shared<SourceFile>(path, std::move(text));
}

std::string_view SourceFile::line(uint32_t line) const {
  if (line == 0 || line > lineStarts_.size())
    return {};
  size_t begin = lineStarts_[line - 1];
  size_t end = line < lineStarts_.size() ? lineStarts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r')
    --end;
  return std::string_view(text_).substr(begin, end - begin);
}

DiagnosticEngine::DiagnosticEngine(std::shared_ptr<SourceFile> file, std::ostream &out)
    : file_(std::move(file)), out_(out) {}

void DiagnosticEngine::error(SourceRange range, std::string message) {
  emit(Severity::Error, range, std::move(message));
}
void DiagnosticEngine::warning(SourceRange range, std::string message) {
  emit(Severity::Warning, range, std::move(message));
}
void DiagnosticEngine::note(SourceRange range, std::string message) {
  emit(Severity::Note, range, std::move(message));
}

// Source lines can be huge (a 100k-character identifier) or binary: show at
// most this many bytes around the caret, with non-printable bytes as '?'.
static constexpr size_t kMaxShown = 160;

void DiagnosticEngine::error(std::shared_ptr<const SourceFile> in, SourceRange range,
                             std::string message) {
  emit(Severity::Error, range, std::move(message), std::move(in));
}
void DiagnosticEngine::note(std::shared_ptr<const SourceFile> in, SourceRange range,
                            std::string message) {
  emit(Severity::Note, range, std::move(message), std::move(in));
}

void DiagnosticEngine::emit(Severity severity, SourceRange range, std::string message,
                            std::shared_ptr<const SourceFile> in) {
  if (severity == Severity::Error) {
    if (errors_ >= limit_) {
      suppressNotes_ = true;
      if (errors_++ == limit_)
        out_ << file_->path() << ": error: too many errors, stopping\n";
      return;
    }
    ++errors_;
    suppressNotes_ = false;
  } else if (severity == Severity::Note && suppressNotes_) {
    return;
  }
  PLASTICC_INTERNAL_ASSERT(range.begin.valid(), "diagnostic without a location: " + message);
  const SourceFile &file = in ? *in : *file_;
  diags_.push_back({severity, range, message, std::move(in)});
  const char *kind = severity == Severity::Error     ? "error"
                     : severity == Severity::Warning ? "warning"
                                                     : "note";
  out_ << file.path() << ':' << range.begin.line << ':' << range.begin.col << ": " << kind
       << ": " << message << '\n';

  std::string_view text = file.line(range.begin.line);
  size_t col = range.begin.col ? range.begin.col - 1 : 0;
  size_t from = col > kMaxShown / 2 ? col - kMaxShown / 2 : 0;
  std::string shown;
  for (size_t i = from; i < text.size() && i < from + kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    shown += (c == '\t' || (c >= 0x20 && c < 0x7f)) ? char(c) : '?';
  }
  std::string gutter = std::to_string(range.begin.line);
  out_ << ' ' << gutter << " | " << shown << '\n';
  std::string caret(col - from, ' ');
  for (size_t i = 0; i < caret.size() && from + i < text.size(); ++i)
    if (text[from + i] == '\t')
      caret[i] = '\t';
  caret += '^';
  if (range.end.line == range.begin.line && range.end.col > range.begin.col + 1) {
    size_t len = std::min<size_t>(range.end.col - range.begin.col - 1, kMaxShown);
    caret += std::string(len, '~');
  }
  out_ << ' ' << std::string(gutter.size(), ' ') << " | " << caret << '\n';
}

void internalError(const char *file, int line, const std::string &message) {
  std::cerr << "plasticc: internal compiler error at " << file << ':' << line << ": " << message
            << "\nThis is a bug in plasticc, not in your model; please report it with the "
               "input that triggered it.\n";
  std::abort();
}

} // namespace plasticc

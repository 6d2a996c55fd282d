//===- compiler/frontend/Lexer.h - bytes of a .plast file to tokens -------===//
//
// Splits the source text into Tokens (Token.h). Comments (`# ...` to the end
// of the line, `/* ... */` not nested) may contain any bytes; outside them,
// only ASCII is allowed, and a rejected byte (a control byte such as NUL, a
// non-ASCII byte, a stray `$`) is reported, naming the byte (the first one
// of each line only), and becomes an Invalid token so that the parser can
// skip it quietly. The lexer
// never fails: it always ends with an Eof token.
//
// A string ("helpers.cpp", the path of an extern) ends at the next '"' on
// its line and has no escapes.
//
// Numbers are scanned here but converted (and range-checked) by the parser:
// digits ('.' digits?)? exponent? | '.' digits exponent?, exponent ::=
// [eE] [+-]? digits.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/frontend/Token.h"

#include <vector>

namespace plasticc {

/// Tokenizer over one SourceFile (see file comment).
class Lexer {
public:
  Lexer(const SourceFile &file, DiagnosticEngine &diag);

  /// The next token; Eof (repeatedly) at the end of the text.
  Token next();
  /// Every token of the file, the last one Eof.
  std::vector<Token> lexAll();

private:
  char peek(size_t ahead = 0) const;
  void advance();
  Loc here() const { return {line_, col_}; }
  /// Skips blanks and comments; sets sawNewline_ when a newline was crossed.
  void skipTrivia();
  void skipBlockComment();
  Token lexIdentifier();
  Token lexNumber();
  Token lexString();
  Token lexPunctuation();
  Token lexInvalid();
  Token make(TokenKind kind, size_t begin, Loc beginLoc);

  const std::string &text_;
  DiagnosticEngine &diag_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  bool sawNewline_ = true; // the first token starts a line
  uint32_t lastInvalidLine_ = 0; // line of the last rejected character
};

} // namespace plasticc

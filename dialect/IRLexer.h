//===- dialect/IRLexer.h - tokens of the printed dialect (*.plir) ---------===//
//
// Splits .plir text (docs/ir.md) into tokens for dialect/Parser.cpp. The
// form is line oriented, so newlines are tokens; `#` starts a comment that
// runs to the end of the line (lit's RUN lines live there). Any byte
// sequence lexes without crashing: a byte that starts no token becomes an
// Error token, which the parser reports at its line:col.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"

#include <string>
#include <string_view>

namespace plasticc::ir {

/// Kinds of .plir tokens.
enum class IRTok {
  Eof,
  Newline,
  Word,    // bare word: keywords, mnemonics (random.normal), dim names, inf, nan
  Ssa,     // %name (text holds the name without '%')
  Sym,     // @name (text holds the name without '@')
  Number,  // 12, 1.5, 1e-05, 2.5e+300 (unsigned; '-' is its own token)
  Minus,   // -
  Arrow,   // ->
  Equal,   // =
  Comma,   // ,
  Colon,   // :
  LBrace,  // {
  RBrace,  // }
  LSquare, // [
  RSquare, // ]
  LParen,  // (
  RParen,  // )
  Less,    // <
  Greater, // >
  Error,   // a byte that starts no token (text holds the message)
};

/// One token with the place of its first byte.
struct IRToken {
  IRTok kind = IRTok::Eof;
  std::string_view text;
  std::string message; // Error tokens only
  Loc loc;
};

/// Produces the tokens of one .plir text in order; Eof repeats at the end.
class IRLexer {
public:
  explicit IRLexer(std::string_view text) : text_(text) {}

  IRToken next();

private:
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  void advance();
  IRToken make(IRTok kind, size_t begin, Loc loc) const;
  IRToken lexName(IRTok kind, Loc loc);
  IRToken lexNumber(Loc loc);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
};

/// True for the bytes a .plir name may contain: [A-Za-z0-9_.].
bool isIRNameChar(char c);

/// A readable rendering of a token for "expected X, got Y" messages.
std::string describe(const IRToken &token);

} // namespace plasticc::ir

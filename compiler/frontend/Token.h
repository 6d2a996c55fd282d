//===- compiler/frontend/Token.h - the tokens of the .plast language ------===//
//
// A token is a kind, the exact source text it covers and its range. Newlines
// are not tokens: each token records whether a newline separates it from the
// previous one (`newlineBefore`), and the parser decides where that ends a
// statement (not inside ( ) or [ ], not after a binary operator or a comma).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "support/Diagnostics.h"

#include <cstdint>
#include <string_view>

namespace plasticc {

enum class TokenKind : uint8_t {
  Eof,
  Ident,
  Number,
  String, // "helpers.cpp": one line, no escapes (the path of an extern)
  // keywords
  KwModel, KwDim, KwMeta, KwParam, KwInput, KwNoise, KwState, KwWeight, KwTrace,
  KwBaseline, KwOutput, KwStep, KwReward, KwExtern, KwOn, KwPlastic,
  // punctuation
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Semicolon,
  Assign, PlusAssign, MinusAssign, StarAssign, SlashAssign,
  Plus, Minus, Star, Slash, At, Caret,
  Less, LessEqual, Greater, GreaterEqual, EqualEqual, NotEqual,
  Invalid, // a byte the lexer rejected (already diagnosed)
};

/// How a token kind is spelled in messages: "'('", "identifier", "end of file".
const char *tokenKindName(TokenKind kind);

/// One token (see file comment). `text` points into the SourceFile's text.
struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;
  SourceRange range;
  bool newlineBefore = false;

  bool is(TokenKind k) const { return kind == k; }
  /// True for meta, param, ..., output.
  bool isQuantityKeyword() const { return kind >= TokenKind::KwMeta && kind <= TokenKind::KwOutput; }
  /// True for the keywords that start a top-level declaration.
  bool startsDecl() const { return kind >= TokenKind::KwModel && kind <= TokenKind::KwOn; }
};

} // namespace plasticc

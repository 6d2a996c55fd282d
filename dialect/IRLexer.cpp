//===- dialect/IRLexer.cpp - tokens of the printed dialect (*.plir) -------===//
//
// Hand-written scanner for the .plir form; see IRLexer.h. Numbers are
// scanned but not converted: the parser converts them in context (an INT
// where a dimension is due, a double for `const`) and reports overflow there.
//
//===----------------------------------------------------------------------===//
#include "dialect/IRLexer.h"

#include <cstdio>

namespace plasticc::ir {

namespace {
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
} // namespace

bool isIRNameChar(char c) { return isAlpha(c) || isDigit(c) || c == '.'; }

void IRLexer::advance() {
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

IRToken IRLexer::make(IRTok kind, size_t begin, Loc loc) const {
  IRToken t;
  t.kind = kind;
  t.text = text_.substr(begin, pos_ - begin);
  t.loc = loc;
  return t;
}

IRToken IRLexer::next() {
  // Skip blanks and comments; a comment ends before its newline.
  while (!atEnd()) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r') {
      advance();
    } else if (c == '#') {
      while (!atEnd() && peek() != '\n')
        advance();
    } else {
      break;
    }
  }
  Loc loc{line_, col_};
  size_t begin = pos_;
  if (atEnd())
    return make(IRTok::Eof, begin, loc);
  char c = peek();
  if (isDigit(c))
    return lexNumber(loc);
  if (isAlpha(c)) {
    while (!atEnd() && isIRNameChar(peek()))
      advance();
    return make(IRTok::Word, begin, loc);
  }
  if (c == '%')
    return lexName(IRTok::Ssa, loc);
  if (c == '@')
    return lexName(IRTok::Sym, loc);
  advance();
  switch (c) {
  case '\n': return make(IRTok::Newline, begin, loc);
  case '-':
    if (peek() == '>') {
      advance();
      return make(IRTok::Arrow, begin, loc);
    }
    return make(IRTok::Minus, begin, loc);
  case '=': return make(IRTok::Equal, begin, loc);
  case ',': return make(IRTok::Comma, begin, loc);
  case ':': return make(IRTok::Colon, begin, loc);
  case '{': return make(IRTok::LBrace, begin, loc);
  case '}': return make(IRTok::RBrace, begin, loc);
  case '[': return make(IRTok::LSquare, begin, loc);
  case ']': return make(IRTok::RSquare, begin, loc);
  case '(': return make(IRTok::LParen, begin, loc);
  case ')': return make(IRTok::RParen, begin, loc);
  case '<': return make(IRTok::Less, begin, loc);
  case '>': return make(IRTok::Greater, begin, loc);
  default: break;
  }
  IRToken t = make(IRTok::Error, begin, loc);
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) {
    t.message = std::string("unexpected character '") + c + "'";
  } else {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", u);
    t.message = std::string("unexpected byte ") + hex;
  }
  return t;
}

// ssa ::= '%' [A-Za-z0-9_.]+        sym ::= '@' [A-Za-z0-9_.]+
IRToken IRLexer::lexName(IRTok kind, Loc loc) {
  size_t sigil = pos_;
  advance();
  size_t begin = pos_;
  while (!atEnd() && isIRNameChar(peek()))
    advance();
  if (pos_ == begin) {
    IRToken t = make(IRTok::Error, sigil, loc);
    t.message = std::string("expected a name after '") + text_[sigil] + "'";
    return t;
  }
  IRToken t = make(kind, begin, loc);
  return t;
}

// number ::= [0-9]+ ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
IRToken IRLexer::lexNumber(Loc loc) {
  size_t begin = pos_;
  bool ok = true;
  while (isDigit(peek()))
    advance();
  if (peek() == '.') {
    advance();
    ok = isDigit(peek());
    while (isDigit(peek()))
      advance();
  }
  if (ok && (peek() == 'e' || peek() == 'E')) {
    advance();
    if (peek() == '+' || peek() == '-')
      advance();
    ok = isDigit(peek());
    while (isDigit(peek()))
      advance();
  }
  if (ok && !isIRNameChar(peek()))
    return make(IRTok::Number, begin, loc);
  // Swallow the rest of the word so the error names all of it.
  while (!atEnd() && (isIRNameChar(peek()) || peek() == '+' || peek() == '-'))
    advance();
  IRToken t = make(IRTok::Error, begin, loc);
  t.message = "malformed number '" + std::string(t.text.substr(0, 40)) + "'";
  return t;
}

std::string describe(const IRToken &t) {
  switch (t.kind) {
  case IRTok::Eof: return "end of file";
  case IRTok::Newline: return "end of line";
  case IRTok::Ssa: return "'%" + std::string(t.text.substr(0, 40)) + "'";
  case IRTok::Sym: return "'@" + std::string(t.text.substr(0, 40)) + "'";
  case IRTok::Error: return t.message;
  default: return "'" + std::string(t.text.substr(0, 40)) + "'";
  }
}

} // namespace plasticc::ir

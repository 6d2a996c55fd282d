//===- compiler/frontend/Lexer.cpp - tokenizer of the .plast language -----===//
//
// A hand-written scanner over the bytes of one file; see Lexer.h for the
// lexical rules. Columns count bytes, as everywhere in plasticc diagnostics.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Lexer.h"

#include <cstdio>
#include <iterator>
#include <string>

namespace plasticc {

namespace {

struct Keyword {
  std::string_view spelling;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"model", TokenKind::KwModel},     {"dim", TokenKind::KwDim},
    {"meta", TokenKind::KwMeta},       {"param", TokenKind::KwParam},
    {"input", TokenKind::KwInput},     {"noise", TokenKind::KwNoise},
    {"state", TokenKind::KwState},     {"weight", TokenKind::KwWeight},
    {"trace", TokenKind::KwTrace},     {"baseline", TokenKind::KwBaseline},
    {"output", TokenKind::KwOutput},   {"step", TokenKind::KwStep},
    {"reward", TokenKind::KwReward},   {"on", TokenKind::KwOn},
    {"extern", TokenKind::KwExtern},
    {"plastic", TokenKind::KwPlastic},
};

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/// "0x00 (NUL)", "0xc3" for messages about single bytes.
std::string describeByte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  std::string s = buf;
  if (b == 0)
    s += " (NUL)";
  else if (b == 0x7f)
    s += " (DEL)";
  return s;
}

} // namespace

const char *tokenKindName(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof: return "end of file";
  case TokenKind::Ident: return "identifier";
  case TokenKind::Number: return "number";
  case TokenKind::String: return "string";
  case TokenKind::KwModel: return "'model'";
  case TokenKind::KwDim: return "'dim'";
  case TokenKind::KwMeta: return "'meta'";
  case TokenKind::KwParam: return "'param'";
  case TokenKind::KwInput: return "'input'";
  case TokenKind::KwNoise: return "'noise'";
  case TokenKind::KwState: return "'state'";
  case TokenKind::KwWeight: return "'weight'";
  case TokenKind::KwTrace: return "'trace'";
  case TokenKind::KwBaseline: return "'baseline'";
  case TokenKind::KwOutput: return "'output'";
  case TokenKind::KwStep: return "'step'";
  case TokenKind::KwReward: return "'reward'";
  case TokenKind::KwExtern: return "'extern'";
  case TokenKind::KwOn: return "'on'";
  case TokenKind::KwPlastic: return "'plastic'";
  case TokenKind::LParen: return "'('";
  case TokenKind::RParen: return "')'";
  case TokenKind::LBracket: return "'['";
  case TokenKind::RBracket: return "']'";
  case TokenKind::LBrace: return "'{'";
  case TokenKind::RBrace: return "'}'";
  case TokenKind::Comma: return "','";
  case TokenKind::Semicolon: return "';'";
  case TokenKind::Assign: return "'='";
  case TokenKind::PlusAssign: return "'+='";
  case TokenKind::MinusAssign: return "'-='";
  case TokenKind::StarAssign: return "'*='";
  case TokenKind::SlashAssign: return "'/='";
  case TokenKind::Plus: return "'+'";
  case TokenKind::Minus: return "'-'";
  case TokenKind::Star: return "'*'";
  case TokenKind::Slash: return "'/'";
  case TokenKind::At: return "'@'";
  case TokenKind::Caret: return "'^'";
  case TokenKind::Less: return "'<'";
  case TokenKind::LessEqual: return "'<='";
  case TokenKind::Greater: return "'>'";
  case TokenKind::GreaterEqual: return "'>='";
  case TokenKind::EqualEqual: return "'=='";
  case TokenKind::NotEqual: return "'!='";
  case TokenKind::Invalid: return "invalid character";
  }
  return "token";
}

Lexer::Lexer(const SourceFile &file, DiagnosticEngine &diag) : text_(file.text()), diag_(diag) {}

char Lexer::peek(size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::advance() {
  if (pos_ >= text_.size())
    return;
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

Token Lexer::make(TokenKind kind, size_t begin, Loc beginLoc) {
  Token t;
  t.kind = kind;
  t.text = std::string_view(text_).substr(begin, pos_ - begin);
  t.range = {beginLoc, here()};
  t.newlineBefore = sawNewline_;
  sawNewline_ = false;
  return t;
}

void Lexer::skipBlockComment() {
  Loc start = here();
  advance(); // '/'
  advance(); // '*'
  while (pos_ < text_.size()) {
    if (peek() == '*' && peek(1) == '/') {
      advance();
      advance();
      return;
    }
    if (peek() == '\n')
      sawNewline_ = true;
    advance();
  }
  diag_.error({start, {start.line, start.col + 2}}, "unterminated block comment: '/*' without '*/'");
}

void Lexer::skipTrivia() {
  while (pos_ < text_.size()) {
    char c = peek();
    if (c == '\n') {
      sawNewline_ = true;
      advance();
    } else if (isBlank(c)) {
      advance();
    } else if (c == '#') {
      while (pos_ < text_.size() && peek() != '\n')
        advance();
    } else if (c == '/' && peek(1) == '*') {
      skipBlockComment();
    } else {
      return;
    }
  }
}

Token Lexer::lexIdentifier() {
  size_t begin = pos_;
  Loc loc = here();
  while (pos_ < text_.size() && isIdentChar(peek()))
    advance();
  std::string_view word = std::string_view(text_).substr(begin, pos_ - begin);
  for (const Keyword &k : kKeywords)
    if (word == k.spelling)
      return make(k.kind, begin, loc);
  return make(TokenKind::Ident, begin, loc);
}

Token Lexer::lexNumber() {
  size_t begin = pos_;
  Loc loc = here();
  while (isDigit(peek()))
    advance();
  if (peek() == '.') {
    advance();
    while (isDigit(peek()))
      advance();
  }
  // An exponent only when digits follow: `1e` is the number 1 and then `e`.
  size_t signLen = (peek(1) == '+' || peek(1) == '-') ? 1 : 0;
  if ((peek() == 'e' || peek() == 'E') && isDigit(peek(1 + signLen))) {
    for (size_t k = 0; k < 1 + signLen; ++k)
      advance();
    while (isDigit(peek()))
      advance();
  }
  return make(TokenKind::Number, begin, loc);
}

// A string is a file path: it ends at the next '"' on the same line and has
// no escapes. The token's text keeps the quotes.
Token Lexer::lexString() {
  size_t begin = pos_;
  Loc loc = here();
  advance(); // '"'
  while (pos_ < text_.size() && peek() != '"' && peek() != '\n')
    advance();
  if (peek() != '"') {
    diag_.error({loc, here()}, "unterminated string: a '\"' without its closing '\"' on the same line");
    return make(TokenKind::Invalid, begin, loc);
  }
  advance();
  return make(TokenKind::String, begin, loc);
}

Token Lexer::lexPunctuation() {
  size_t begin = pos_;
  Loc loc = here();
  char c = peek();
  char d = peek(1);
  auto one = [&](TokenKind k) {
    advance();
    return make(k, begin, loc);
  };
  auto two = [&](TokenKind k) {
    advance();
    advance();
    return make(k, begin, loc);
  };
  switch (c) {
  case '(': return one(TokenKind::LParen);
  case ')': return one(TokenKind::RParen);
  case '[': return one(TokenKind::LBracket);
  case ']': return one(TokenKind::RBracket);
  case '{': return one(TokenKind::LBrace);
  case '}': return one(TokenKind::RBrace);
  case ',': return one(TokenKind::Comma);
  case ';': return one(TokenKind::Semicolon);
  case '*': return d == '=' ? two(TokenKind::StarAssign) : one(TokenKind::Star);
  case '/': return d == '=' ? two(TokenKind::SlashAssign) : one(TokenKind::Slash);
  case '@': return one(TokenKind::At);
  case '^': return one(TokenKind::Caret);
  case '+': return d == '=' ? two(TokenKind::PlusAssign) : one(TokenKind::Plus);
  case '-': return d == '=' ? two(TokenKind::MinusAssign) : one(TokenKind::Minus);
  case '=': return d == '=' ? two(TokenKind::EqualEqual) : one(TokenKind::Assign);
  case '<': return d == '=' ? two(TokenKind::LessEqual) : one(TokenKind::Less);
  case '>': return d == '=' ? two(TokenKind::GreaterEqual) : one(TokenKind::Greater);
  case '!':
    if (d == '=')
      return two(TokenKind::NotEqual);
    break;
  default:
    break;
  }
  return lexInvalid();
}

// One diagnostic per rejected character: a UTF-8 sequence (a lead byte and
// its continuation bytes) is one character, reported by its first byte. Only
// the first rejected character of a line is reported: a line of prose (a
// comment that lost its '#') would otherwise give one error per ':' and '\''.
Token Lexer::lexInvalid() {
  size_t begin = pos_;
  Loc loc = here();
  unsigned char b = static_cast<unsigned char>(peek());
  advance();
  std::string message;
  if (b >= 0x80) {
    while (pos_ < text_.size() && (static_cast<unsigned char>(peek()) & 0xc0) == 0x80 &&
           pos_ - begin < 4)
      advance();
    message = "non-ASCII byte " + describeByte(b) +
              " in source; outside comments only ASCII is allowed";
  } else if (b < 0x20 || b == 0x7f) {
    message = "unexpected control byte " + describeByte(b) + " in source";
  } else if (b == '!') {
    message = "unexpected character '!'; did you mean '!='?";
  } else if (b == '.') {
    message = "unexpected character '.'; a number needs a digit after its '.'";
  } else {
    message = std::string("unexpected character '") + char(b) + "' (byte " + describeByte(b) + ")";
  }
  Token t = make(TokenKind::Invalid, begin, loc);
  if (loc.line != lastInvalidLine_)
    diag_.error(t.range, std::move(message));
  lastInvalidLine_ = loc.line;
  return t;
}

Token Lexer::next() {
  skipTrivia();
  if (pos_ >= text_.size()) {
    Token t;
    t.kind = TokenKind::Eof;
    t.range = {here(), here()};
    t.newlineBefore = true;
    return t;
  }
  char c = peek();
  if (isIdentStart(c))
    return lexIdentifier();
  if (isDigit(c) || (c == '.' && isDigit(peek(1))))
    return lexNumber();
  if (c == '"')
    return lexString();
  return lexPunctuation();
}

std::vector<Token> Lexer::lexAll() {
  std::vector<Token> tokens;
  for (;;) {
    tokens.push_back(next());
    if (tokens.back().is(TokenKind::Eof))
      return tokens;
  }
}

} // namespace plasticc

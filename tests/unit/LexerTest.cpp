//===- tests/unit/LexerTest.cpp - the .plast tokenizer --------------------===//
//
// Token kinds, exact text and ranges, newline flags, comments, number forms,
// and the one-diagnostic-per-bad-character rule for bytes outside ASCII.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Lexer.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace plasticc;

namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::string messages;
  unsigned errors = 0;
  std::shared_ptr<SourceFile> file; // keeps token text alive
};

Lexed lex(std::string text) {
  Lexed out;
  out.file = std::make_shared<SourceFile>("t.plast", std::move(text));
  std::ostringstream msgs;
  DiagnosticEngine diag(out.file, msgs);
  out.tokens = Lexer(*out.file, diag).lexAll();
  out.messages = msgs.str();
  out.errors = diag.errorCount();
  return out;
}

std::vector<TokenKind> kinds(const Lexed &l) {
  std::vector<TokenKind> k;
  for (auto &t : l.tokens)
    k.push_back(t.kind);
  return k;
}

} // namespace

TEST(LexerTest, KindsTextAndRanges) {
  Lexed l = lex("state x[N] = 10 ms");
  using K = TokenKind;
  EXPECT_EQ(kinds(l), (std::vector<K>{K::KwState, K::Ident, K::LBracket, K::Ident, K::RBracket,
                                      K::Assign, K::Number, K::Ident, K::Eof}));
  EXPECT_EQ(l.tokens[1].text, "x");
  EXPECT_EQ(l.tokens[6].text, "10");
  EXPECT_EQ(l.tokens[7].text, "ms");
  // Ranges are half-open, columns count bytes from 1.
  EXPECT_EQ(l.tokens[0].range.begin, (Loc{1, 1}));
  EXPECT_EQ(l.tokens[0].range.end, (Loc{1, 6}));
  EXPECT_EQ(l.tokens[6].range.begin, (Loc{1, 14}));
  EXPECT_EQ(l.errors, 0u);
}

TEST(LexerTest, TwoCharacterOperators) {
  Lexed l = lex("+= -= == != <= >= < > = + - * / @ ^");
  using K = TokenKind;
  EXPECT_EQ(kinds(l), (std::vector<K>{K::PlusAssign, K::MinusAssign, K::EqualEqual, K::NotEqual,
                                      K::LessEqual, K::GreaterEqual, K::Less, K::Greater,
                                      K::Assign, K::Plus, K::Minus, K::Star, K::Slash, K::At,
                                      K::Caret, K::Eof}));
}

TEST(LexerTest, NewlinesAreFlagsNotTokens) {
  Lexed l = lex("a b\n  c # comment\n/* two\nlines */ d /* one line */ e");
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_TRUE(l.tokens[0].newlineBefore);  // start of file
  EXPECT_FALSE(l.tokens[1].newlineBefore); // b
  EXPECT_TRUE(l.tokens[2].newlineBefore);  // c
  EXPECT_TRUE(l.tokens[3].newlineBefore);  // d, after a comment spanning lines
  EXPECT_FALSE(l.tokens[4].newlineBefore); // e, after a one-line comment
  EXPECT_EQ(l.tokens[3].range.begin, (Loc{4, 10}));
}

TEST(LexerTest, NumberForms) {
  Lexed l = lex("12 1.5 1e-3 .5 5. 2E+4 1e");
  std::vector<std::string_view> texts;
  for (auto &t : l.tokens)
    texts.push_back(t.text);
  // `1e` has no exponent digits: it is the number 1 followed by `e`.
  EXPECT_EQ(texts, (std::vector<std::string_view>{"12", "1.5", "1e-3", ".5", "5.", "2E+4", "1", "e", ""}));
  EXPECT_EQ(l.tokens[7].kind, TokenKind::Ident);
}

TEST(LexerTest, KeywordsAreReservedButBuiltinsAreNot) {
  Lexed l = lex("plastic on reward tanh sum ms");
  using K = TokenKind;
  EXPECT_EQ(kinds(l), (std::vector<K>{K::KwPlastic, K::KwOn, K::KwReward, K::Ident, K::Ident,
                                      K::Ident, K::Eof}));
}

TEST(LexerTest, NonAsciiIsOneErrorPerCharacterNamingTheByte) {
  // U+03C4 (tau) is the two bytes 0xcf 0x84: one Invalid token, one error.
  Lexed l = lex("x = \xcf\x84 + 1");
  EXPECT_EQ(l.errors, 1u);
  EXPECT_NE(l.messages.find("t.plast:1:5: error: non-ASCII byte 0xcf"), std::string::npos) << l.messages;
  EXPECT_EQ(l.tokens[2].kind, TokenKind::Invalid);
  EXPECT_EQ(l.tokens[2].text.size(), 2u);
  EXPECT_EQ(l.tokens[3].kind, TokenKind::Plus);
}

TEST(LexerTest, NonAsciiInCommentsIsAllowed) {
  static const char text[] = "# \xcf\x84 \xff\nx /* \x00\xc3\xa9 */";
  Lexed l = lex(std::string(text, sizeof text - 1));
  EXPECT_EQ(l.errors, 0u) << l.messages;
  EXPECT_EQ(l.tokens.size(), 2u);
}

TEST(LexerTest, NulAndControlBytes) {
  // Only the first rejected byte of a line is reported (the 0x02 is quiet).
  Lexed l = lex(std::string("a\0b\x02\n\x01", 6));
  EXPECT_EQ(l.errors, 2u);
  EXPECT_NE(l.messages.find("1:2: error: unexpected control byte 0x00 (NUL)"), std::string::npos) << l.messages;
  EXPECT_NE(l.messages.find("2:1: error: unexpected control byte 0x01"), std::string::npos) << l.messages;
  EXPECT_EQ(l.tokens[3].kind, TokenKind::Invalid);
}

TEST(LexerTest, UnterminatedBlockCommentEndsTheFile) {
  Lexed l = lex("a\n  /* never closed\n b c");
  EXPECT_EQ(l.errors, 1u);
  EXPECT_NE(l.messages.find("2:3: error: unterminated block comment"), std::string::npos) << l.messages;
  ASSERT_EQ(l.tokens.size(), 2u);
  EXPECT_EQ(l.tokens[1].kind, TokenKind::Eof);
}

TEST(LexerTest, EofRepeatsAndHugeIdentifiers) {
  auto file = std::make_shared<SourceFile>("t.plast", std::string(100000, 'a'));
  std::ostringstream msgs;
  DiagnosticEngine diag(file, msgs);
  Lexer lexer(*file, diag);
  Token t = lexer.next();
  EXPECT_EQ(t.kind, TokenKind::Ident);
  EXPECT_EQ(t.text.size(), 100000u);
  EXPECT_EQ(lexer.next().kind, TokenKind::Eof);
  EXPECT_EQ(lexer.next().kind, TokenKind::Eof);
}

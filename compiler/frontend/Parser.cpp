//===- compiler/frontend/Parser.cpp - recursive-descent .plast parser -----===//
//
// One function per grammar production (its production is the `///` comment
// above it). Errors return nullptr; the caller returns at once, and the
// statement or declaration loop skips to a synchronisation point (recover)
// so that later, independent errors are still reported.
//
// Newlines: a token whose newlineBefore is set ends the current statement
// when no ( or [ is open (`atBreak`). The binary-operator loops stop there,
// so `x = a` NEWLINE `+ b` is two statements, while an operator or `,` at
// the end of a line continues the expression, because its operand is parsed
// whatever precedes it.
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Parser.h"

#include "compiler/frontend/Lexer.h"
#include "compiler/frontend/Spelling.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <cmath>
#include <optional>
#include <system_error>
#include <unordered_set>

namespace plasticc {

using namespace ast;

namespace {

/// 'name' for messages, shortened when huge (a 100k-character identifier).
std::string quote(std::string_view text) {
  constexpr size_t kMax = 40;
  if (text.size() <= kMax)
    return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "...' (" + std::to_string(text.size()) +
         " characters)";
}

std::string describe(const Token &t) {
  switch (t.kind) {
  case TokenKind::Ident:
    return "identifier " + quote(t.text);
  case TokenKind::Number:
    return "number " + quote(t.text);
  default:
    return tokenKindName(t.kind);
  }
}

bool isComparisonToken(TokenKind k) {
  return k == TokenKind::Less || k == TokenKind::LessEqual || k == TokenKind::Greater ||
         k == TokenKind::GreaterEqual || k == TokenKind::EqualEqual || k == TokenKind::NotEqual;
}

BinaryOp binaryOpOf(TokenKind k) {
  switch (k) {
  case TokenKind::Less: return BinaryOp::Lt;
  case TokenKind::LessEqual: return BinaryOp::Le;
  case TokenKind::Greater: return BinaryOp::Gt;
  case TokenKind::GreaterEqual: return BinaryOp::Ge;
  case TokenKind::EqualEqual: return BinaryOp::Eq;
  case TokenKind::NotEqual: return BinaryOp::Ne;
  case TokenKind::Plus: return BinaryOp::Add;
  case TokenKind::Minus: return BinaryOp::Sub;
  case TokenKind::Star: return BinaryOp::Mul;
  case TokenKind::Slash: return BinaryOp::Div;
  case TokenKind::At: return BinaryOp::MatVec;
  default: return BinaryOp::Pow;
  }
}

std::optional<QuantityKind> quantityKindOf(TokenKind k) {
  switch (k) {
  case TokenKind::KwMeta: return QuantityKind::Meta;
  case TokenKind::KwParam: return QuantityKind::Param;
  case TokenKind::KwInput: return QuantityKind::Input;
  case TokenKind::KwNoise: return QuantityKind::Noise;
  case TokenKind::KwState: return QuantityKind::State;
  case TokenKind::KwWeight: return QuantityKind::Weight;
  case TokenKind::KwTrace: return QuantityKind::Trace;
  case TokenKind::KwBaseline: return QuantityKind::Baseline;
  case TokenKind::KwOutput: return QuantityKind::Output;
  default: return std::nullopt;
  }
}

class Parser {
public:
  // Tokens are lexed on demand (one ahead of the parser), so lexical and
  // syntax errors come out in source order.
  Parser(const SourceFile &file, DiagnosticEngine &diag) : diag_(diag), lexer_(file, diag) {
    toks_.push_back(lexer_.next());
  }

  std::unique_ptr<Module> parseFile();
  ExprPtr parseWholeExpression();

private:
  // --- token access ---
  const Token &tok() const { return toks_[pos_]; }
  const Token &prev() const { return toks_[pos_ ? pos_ - 1 : 0]; }
  /// The token after the current one (Eof at the end).
  const Token &lookahead() {
    if (pos_ + 1 == toks_.size() && !toks_.back().is(TokenKind::Eof))
      toks_.push_back(lexer_.next());
    return toks_[std::min(pos_ + 1, toks_.size() - 1)];
  }
  void consume() {
    if (tok().is(TokenKind::Eof))
      return;
    lookahead();
    ++pos_;
  }
  bool accept(TokenKind k) {
    if (!tok().is(k))
      return false;
    consume();
    return true;
  }
  /// True when the current token starts a new statement (see file comment).
  bool atBreak() const { return nesting_ == 0 && tok().newlineBefore; }
  /// Range from `begin` to the end of the last consumed token.
  SourceRange from(Loc begin) const { return {begin, prev().range.end}; }

  // --- diagnostics and recovery ---
  void errorAt(const Token &t, std::string message);
  void error(SourceRange r, std::string message);
  bool expect(TokenKind k, const char *context);
  void recoverStatement(size_t start);
  /// True at `IDENT =` (or += -=): the start of a statement.
  bool startsAssignment();
  /// Records the name a broken declaration starting at `start` declared (the
  /// token `offset` after its keyword), so that Sema does not call it undeclared.
  void skipped(Module &m, size_t start, size_t offset) {
    while (toks_.size() <= start + offset && !toks_.back().is(TokenKind::Eof))
      toks_.push_back(lexer_.next());
    if (start + offset < toks_.size() && toks_[start + offset].is(TokenKind::Ident))
      m.skippedNames.push_back(std::string(toks_[start + offset].text));
  }
  void recoverDeclaration(size_t start, bool stopAtNames = true);
  bool expectEndOfStatement(const char *what);
  /// True when the line ended where a value was expected (after `=` or an
  /// operator) and the next line starts something new: a declaration, a
  /// `}`, the end of the file or `name =`.
  bool valueMissingAtLineEnd();
  /// True when the current token starts a new line, outside brackets, where
  /// the declaration being parsed needed more on its own line (a name).
  bool lineEndsHere() const;
  /// Reports `expected <what> after '<previous token>', found the end of
  /// the line` just after the previous token, on the line that lacks it.
  void reportMissingAtLineEnd(const std::string &what);

  // --- declarations ---
  DeclPtr parseDecl();
  DeclPtr parseDimDecl();
  DeclPtr parseQuantityDecl(QuantityKind kind);
  bool parseShape(std::vector<DimRef> &dims);
  DeclPtr parseBlock(DeclKind kind, Loc begin, const char *what);
  DeclPtr parseRewardDecl();
  DeclPtr parseExternDecl();
  bool parseImportedName(std::vector<ImportedName> &names);
  StmtPtr parseStmt();

  // --- expressions ---
  ExprPtr parseExpr();
  ExprPtr parseAdditive();
  ExprPtr parseMultiplicative();
  ExprPtr parseUnary();
  ExprPtr parsePower();
  ExprPtr parsePostfix();
  ExprPtr parsePrimary();
  ExprPtr parseNumber();
  ExprPtr parseCall(Builtin fn);
  ExprPtr parseHelperCall();
  bool parseArguments(std::vector<ExprPtr> &args);
  void reportUnknownFunction(const Token &name);
  ExprPtr parseIndexSum(Loc begin, std::vector<ExprPtr> args);
  bool parseIndexArg(IndexArg &arg);
  bool parseInteger(const Token &t, int64_t &value, const char *what);
  ExprPtr makeBinary(BinaryOp op, SourceRange opRange, ExprPtr lhs, ExprPtr rhs);
  bool checkHeight(Expr &e);

  /// Counts one level of expression nesting for the lifetime of the guard.
  struct NestingGuard {
    explicit NestingGuard(Parser &p) : p(p) { ++p.depth_; }
    ~NestingGuard() { --p.depth_; }
    bool tooDeep() const { return p.depth_ > kMaxNesting; }
    Parser &p;
  };
  /// An open ( or [: newlines inside do not end the statement.
  struct BracketGuard {
    explicit BracketGuard(Parser &p) : p(p) { ++p.nesting_; }
    ~BracketGuard() { --p.nesting_; }
    Parser &p;
  };
  bool reportTooDeep();

  DiagnosticEngine &diag_;
  Lexer lexer_;
  // Lexed so far; toks_[pos_] is the current token. A deque, so that
  // references to tokens stay valid while more are lexed.
  std::deque<Token> toks_;
  size_t pos_ = 0;
  unsigned nesting_ = 0;        // open ( and [ in the current statement
  unsigned depth_ = 0;          // recursion depth of the expression parser
  unsigned nestingAtError_ = 0; // nesting_ when the last error was reported
  Module *module_ = nullptr;    // parseFile's result, for names in skipped text
  /// Names declared or assigned so far: `x (1 - b)` with a known x is a
  /// missing operator, not a call of an unknown function.
  std::unordered_set<std::string> knownNames_;
  /// Functions named by the externs so far: `rate(` calls a C++ helper.
  std::unordered_set<std::string> helperNames_;
};

//===----------------------------------------------------------------------===//
// Diagnostics and recovery
//===----------------------------------------------------------------------===//

void Parser::error(SourceRange r, std::string message) {
  nestingAtError_ = nesting_;
  diag_.error(r, std::move(message));
}

// An Invalid token was already reported by the lexer: stay quiet about it.
// A token at the start of a new line probably means the line ended early
// (an unclosed parenthesis): recover as if no bracket were open.
void Parser::errorAt(const Token &t, std::string message) {
  nestingAtError_ = t.newlineBefore ? 0 : nesting_;
  if (t.is(TokenKind::Invalid))
    return;
  diag_.error(t.range, std::move(message));
}

bool Parser::expect(TokenKind k, const char *context) {
  if (accept(k))
    return true;
  errorAt(tok(), std::string("expected ") + tokenKindName(k) + " " + context + ", found " +
                     describe(tok()));
  return false;
}

// Skips the rest of a broken statement: up to a `;` or a line break outside
// brackets, a `}`, a declaration keyword at the start of a line, or a line
// that starts with `name =`. Always makes progress past `start`.
void Parser::recoverStatement(size_t start) {
  unsigned depth = nestingAtError_;
  for (;;) {
    const Token &t = tok();
    if (t.is(TokenKind::Eof))
      return;
    if (pos_ > start) {
      // A '}' or a declaration keyword cannot be inside brackets, and neither
      // can `name =` at the start of a line: all of them end the skip even
      // when a bracket of the broken statement was left open.
      if (t.is(TokenKind::RBrace) || (t.startsDecl() && t.newlineBefore))
        return;
      if (t.newlineBefore && (depth == 0 || startsAssignment()))
        return;
    }
    if (t.is(TokenKind::LParen) || t.is(TokenKind::LBracket))
      ++depth;
    else if ((t.is(TokenKind::RParen) || t.is(TokenKind::RBracket)) && depth > 0)
      --depth;
    consume();
    if (t.is(TokenKind::Semicolon) && depth == 0)
      return;
  }
}

// Skips a broken declaration: up to the next declaration keyword that starts
// a line or follows a `;`, or (with stopAtNames) a line that starts with two
// names (a misspelt keyword, `State x`, which no continuation line can start
// with). Lines of the form `name = ...` are skipped, but their names
// recorded, so that Sema does not call them undeclared.
void Parser::recoverDeclaration(size_t start, bool stopAtNames) {
  for (;;) {
    const Token &t = tok();
    if (t.is(TokenKind::Eof))
      return;
    bool lineStart = t.newlineBefore || prev().is(TokenKind::Semicolon);
    if (pos_ > start && lineStart) {
      if (t.startsDecl())
        return;
      if (stopAtNames && t.is(TokenKind::Ident) && lookahead().is(TokenKind::Ident) &&
          !lookahead().newlineBefore)
        return;
      if (module_ && startsAssignment())
        module_->skippedNames.push_back(std::string(t.text));
    }
    consume();
  }
}

bool Parser::startsAssignment() {
  TokenKind next = lookahead().kind;
  return tok().is(TokenKind::Ident) &&
         (next == TokenKind::Assign || next == TokenKind::PlusAssign || next == TokenKind::MinusAssign ||
          next == TokenKind::StarAssign || next == TokenKind::SlashAssign);
}

bool Parser::expectEndOfStatement(const char *what) {
  if (accept(TokenKind::Semicolon))
    return true;
  if (tok().is(TokenKind::RBrace) || tok().is(TokenKind::Eof) || tok().newlineBefore)
    return true;
  errorAt(tok(), std::string("expected a newline or ';' after the ") + what + ", found " +
                     describe(tok()));
  return false;
}

bool Parser::lineEndsHere() const {
  return tok().newlineBefore && nesting_ == 0 && pos_ > 0 && !tok().is(TokenKind::Eof);
}

bool Parser::valueMissingAtLineEnd() {
  const Token &t = tok();
  if (!t.newlineBefore || nesting_ != 0 || pos_ == 0)
    return false;
  return t.startsDecl() || t.is(TokenKind::RBrace) || t.is(TokenKind::Eof) || startsAssignment();
}

void Parser::reportMissingAtLineEnd(const std::string &what) {
  nestingAtError_ = 0;
  Loc end = prev().range.end;
  diag_.error(SourceRange{end, end}, "expected " + what + " after " + quote(prev().text) +
                                         ", found the end of the line");
}

bool Parser::reportTooDeep() {
  errorAt(tok(), "expression nested too deeply (more than " + std::to_string(kMaxNesting) +
                     " levels of parentheses, unary minus or '^')");
  return false;
}

bool Parser::checkHeight(Expr &e) {
  if (e.height <= kMaxExprHeight)
    return true;
  error(e.range, "expression too large: more than " + std::to_string(kMaxExprHeight) +
                     " levels of operators; split it into several statements");
  return false;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

/// file ::= 'model' IDENT decl*
std::unique_ptr<Module> Parser::parseFile() {
  auto module = std::make_unique<Module>();
  module_ = module.get();
  while (accept(TokenKind::Semicolon)) {
  }
  if (!tok().is(TokenKind::KwModel)) {
    errorAt(tok(), "a model file must start with 'model NAME', found " + describe(tok()));
    // Text before the model line (say, a comment missing its '#'): skip it,
    // so that it is not reported again as a declaration, and a 'model' line
    // after it is taken as the header rather than as a second one.
    if (!tok().startsDecl())
      recoverDeclaration(pos_, /*stopAtNames=*/false);
  }
  if (tok().is(TokenKind::KwModel)) {
    consume();
    if (tok().is(TokenKind::Ident)) {
      module->name = std::string(tok().text);
      module->nameRange = tok().range;
      consume();
    } else {
      if (lineEndsHere())
        reportMissingAtLineEnd("the model's name");
      else
        errorAt(tok(), "expected the model's name after 'model', found " + describe(tok()));
    }
    if (!expectEndOfStatement("model name"))
      recoverDeclaration(pos_);
  }
  while (!tok().is(TokenKind::Eof) && !diag_.atLimit()) {
    if (accept(TokenKind::Semicolon))
      continue;
    size_t start = pos_;
    if (tok().is(TokenKind::KwModel)) {
      errorAt(tok(), "'model' may appear only once, at the start of the file");
      recoverDeclaration(start);
      continue;
    }
    DeclPtr decl = parseDecl();
    if (!decl) {
      // `inpu m` or `Rbar = 0` (no keyword): either name may be meant as declared.
      skipped(*module, start, 0);
      skipped(*module, start, 1);
      recoverDeclaration(start);
      continue;
    }
    Decl &d = *decl;
    if (auto *dim = dyn<DimDecl>(&d))
      knownNames_.insert(dim->name);
    else if (auto *q = dyn<QuantityDecl>(&d))
      knownNames_.insert(q->name);
    else if (auto *r = dyn<RewardDecl>(&d))
      knownNames_.insert(r->name);
    bool block = d.kind == DeclKind::Step || d.kind == DeclKind::Event;
    module->decls.push_back(std::move(decl));
    if (!d.broken && !block && !expectEndOfStatement("declaration"))
      d.broken = true;
    if (d.broken) {
      skipped(*module, start, 1);
      recoverDeclaration(start);
    }
  }
  module->incomplete = diag_.hasErrors();
  for (auto &d : module->decls)
    if (d->kind == DeclKind::Step || d->kind == DeclKind::Event)
      for (auto &name : static_cast<BlockDecl &>(*d).brokenTargets)
        module->skippedNames.push_back(name);
  return module;
}

/// decl ::= dimdecl | quantitydecl | 'step' block | rewarddecl | 'on' 'reward' block
///        | externdecl
DeclPtr Parser::parseDecl() {
  const Token &t = tok();
  if (t.is(TokenKind::KwDim))
    return parseDimDecl();
  if (auto kind = quantityKindOf(t.kind))
    return parseQuantityDecl(*kind);
  if (t.is(TokenKind::KwStep)) {
    Loc begin = t.range.begin;
    consume();
    return parseBlock(DeclKind::Step, begin, "step");
  }
  if (t.is(TokenKind::KwReward))
    return parseRewardDecl();
  if (t.is(TokenKind::KwExtern))
    return parseExternDecl();
  if (t.is(TokenKind::KwOn)) {
    Loc begin = t.range.begin;
    consume();
    if (!tok().is(TokenKind::KwReward)) {
      errorAt(tok(), "expected 'reward' after 'on' (the only event is 'on reward'), found " +
                         describe(tok()));
      return nullptr;
    }
    consume();
    return parseBlock(DeclKind::Event, begin, "on reward");
  }
  // `Note: ...` (prose that lost its '#'): the lexer has reported the line.
  if ((t.is(TokenKind::Ident) || t.is(TokenKind::Number)) && lookahead().is(TokenKind::Invalid) &&
      !lookahead().newlineBefore)
    return nullptr;
  if (t.is(TokenKind::Ident) && lookahead().is(TokenKind::Ident) && !lookahead().newlineBefore) {
    // Two names in a row: a misspelled keyword, as in `inpu m` or `State x`.
    ClosestName keyword{std::string(t.text)};
    for (const char *k : {"dim", "meta", "param", "input", "noise", "state", "weight", "trace",
                          "baseline", "output", "step", "reward"})
      keyword.consider(k);
    if (!keyword.best().empty()) {
      errorAt(t, "expected a declaration, found " + describe(t) + "; did you mean '" +
                     keyword.best() + "'?");
      return nullptr;
    }
  }
  if (t.is(TokenKind::Ident) || t.is(TokenKind::Number))
    errorAt(t, "expected a declaration (dim, meta, param, input, noise, state, weight, trace, "
               "baseline, output, step, reward or on reward), found " +
                   describe(t) + "; statements belong inside 'step { ... }'");
  else
    errorAt(t, "expected a declaration, found " + describe(t));
  return nullptr;
}

bool Parser::parseInteger(const Token &t, int64_t &value, const char *what) {
  bool digitsOnly = std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!t.is(TokenKind::Number) || !digitsOnly) {
    errorAt(t, std::string("expected ") + what + ", found " + describe(t));
    return false;
  }
  auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
  if (ec != std::errc()) {
    errorAt(t, "integer " + quote(t.text) + " is out of range");
    return false;
  }
  return true;
}

/// dimdecl ::= 'dim' IDENT '=' INT
/// (any number, with a leading '-', is accepted here so that Sema can say
/// why `dim N = 12.5` or `dim N = -3` is not a dim; once the name is read, a
/// syntax error still declares the dim, as a broken declaration)
DeclPtr Parser::parseDimDecl() {
  Loc begin = tok().range.begin;
  consume();
  if (!tok().is(TokenKind::Ident)) {
    if (lineEndsHere())
      reportMissingAtLineEnd("the dim's name");
    else
      errorAt(tok(), "expected the dim's name after 'dim', found " + describe(tok()));
    return nullptr;
  }
  auto dim = std::make_unique<DimDecl>(SourceRange{}, std::string(tok().text), tok().range, 0,
                                       SourceRange{});
  consume();
  auto broken = [&] {
    dim->range = from(begin);
    dim->broken = true;
    return std::move(dim);
  };
  if (!expect(TokenKind::Assign, "after the dim's name"))
    return broken();
  Loc valueBegin = tok().range.begin;
  bool negative = accept(TokenKind::Minus);
  const Token &t = tok();
  if (!t.is(TokenKind::Number) && valueMissingAtLineEnd()) {
    reportMissingAtLineEnd("a positive integer for the dim");
    return broken();
  }
  if (!t.is(TokenKind::Number)) {
    errorAt(t, "expected a positive integer for the dim, found " + describe(t));
    return broken();
  }
  dim->isInteger = std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= '0' && c <= '9'; });
  dim->spelling = (negative ? "-" : "") + std::string(t.text);
  if (dim->isInteger) {
    // Too many digits for int64: keep the largest value, which Sema reports
    // as too large (with the number as written).
    auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), dim->value);
    if (ec != std::errc())
      dim->value = std::numeric_limits<int64_t>::max();
    if (negative)
      dim->value = -dim->value;
  }
  consume();
  dim->valueRange = from(valueBegin);
  if (tok().is(TokenKind::Ident) && !tok().newlineBefore &&
      (tok().text == "ms" || tok().text == "s" || tok().text == "Hz")) {
    errorAt(tok(), "a dim is a count and takes no unit, found " + quote(tok().text) +
                       " after " + quote(dim->spelling));
    consume();
  }
  dim->range = from(begin);
  return dim;
}

/// shape ::= '[' dimref (',' dimref)? ']'      dimref ::= IDENT | INT
bool Parser::parseShape(std::vector<DimRef> &dims) {
  BracketGuard bracket(*this);
  consume(); // '['
  do {
    DimRef ref;
    ref.range = tok().range;
    if (tok().is(TokenKind::Ident)) {
      ref.name = std::string(tok().text);
    } else if (!parseInteger(tok(), ref.literal, "a dim name or an integer in the shape")) {
      return false;
    }
    consume();
    dims.push_back(std::move(ref));
  } while (accept(TokenKind::Comma));
  if (dims.size() > 2) {
    error({dims[2].range.begin, dims.back().range.end},
          "a shape has at most two dimensions ([post, pre] for a matrix), found " +
              std::to_string(dims.size()));
    return false;
  }
  return expect(TokenKind::RBracket, "to close the shape");
}

/// quantitydecl ::= KIND IDENT shape? ('=' expr)? 'plastic'?
/// KIND ::= meta | param | input | noise | state | weight | trace | baseline | output
/// (once the name is read, a syntax error still declares the quantity, as a
/// broken declaration)
DeclPtr Parser::parseQuantityDecl(QuantityKind kind) {
  Loc begin = tok().range.begin;
  consume();
  if (!tok().is(TokenKind::Ident)) {
    if (lineEndsHere())
      reportMissingAtLineEnd("a name");
    else
      errorAt(tok(), std::string("expected a name after '") + quantityKindName(kind) + "', found " +
                         describe(tok()));
    return nullptr;
  }
  auto decl = std::make_unique<QuantityDecl>(SourceRange{}, kind, std::string(tok().text), tok().range);
  consume();
  auto broken = [&] {
    decl->range = from(begin);
    decl->broken = true;
    return std::move(decl);
  };
  if (tok().is(TokenKind::LBracket) && !tok().newlineBefore && !parseShape(decl->dims))
    return broken();
  // `param eta 0.05`, `weight W[N, N] normal(0, 1)`: a value without its '='.
  const Token &t = tok();
  if (!t.newlineBefore && (t.is(TokenKind::Number) || t.is(TokenKind::LParen) || t.is(TokenKind::Minus) ||
                           (t.is(TokenKind::Ident) && lookahead().is(TokenKind::LParen)))) {
    errorAt(t, "expected '=' before the initial value of " + quote(decl->name) + ", found " + describe(t));
    return broken();
  }
  if (accept(TokenKind::Assign)) {
    decl->init = parseExpr();
    if (!decl->init)
      return broken();
  }
  if (tok().is(TokenKind::KwPlastic) && !atBreak()) {
    decl->plastic = true;
    decl->plasticRange = tok().range;
    consume();
  }
  decl->range = from(begin);
  return decl;
}

/// block ::= '{' stmt* '}'     (after 'step' or 'on' 'reward')
DeclPtr Parser::parseBlock(DeclKind kind, Loc begin, const char *what) {
  if (!tok().is(TokenKind::LBrace)) {
    errorAt(tok(), std::string("expected '{' after '") + what + "', found " + describe(tok()));
    return nullptr;
  }
  SourceRange open = tok().range;
  consume();
  auto block = std::make_unique<BlockDecl>(kind, SourceRange{});
  while (!diag_.atLimit()) {
    if (accept(TokenKind::Semicolon))
      continue;
    if (accept(TokenKind::RBrace))
      break;
    if (tok().is(TokenKind::Eof) || tok().startsDecl()) {
      errorAt(tok(), std::string("expected '}' to close the '") + what + "' block, found " +
                         describe(tok()) +
                         (tok().startsDecl() ? "; declarations cannot appear inside a block" : ""));
      if (!tok().is(TokenKind::Invalid))
        diag_.note(open, "the block opened here");
      break;
    }
    size_t start = pos_;
    if (tok().is(TokenKind::Ident))
      knownNames_.insert(std::string(tok().text));
    StmtPtr stmt = parseStmt();
    if (stmt && expectEndOfStatement("statement")) {
      block->stmts.push_back(std::move(stmt));
    } else {
      if (toks_[start].is(TokenKind::Ident))
        block->brokenTargets.push_back(std::string(toks_[start].text));
      recoverStatement(start);
    }
  }
  block->range = from(begin);
  return block;
}

/// rewarddecl ::= 'reward' IDENT '=' expr
/// (once the name is read, a syntax error still declares the reward, as a
/// broken declaration)
DeclPtr Parser::parseRewardDecl() {
  Loc begin = tok().range.begin;
  consume();
  if (!tok().is(TokenKind::Ident)) {
    if (lineEndsHere())
      reportMissingAtLineEnd("the reward's name");
    else
      errorAt(tok(), "expected the reward's name after 'reward' (as in 'reward R = ...'), found " +
                         describe(tok()));
    // Still a reward (nameless and broken), so that 'on reward' is not told
    // it has none.
    auto nameless = std::make_unique<RewardDecl>(from(begin), std::string(), SourceRange{}, nullptr);
    nameless->broken = true;
    return nameless;
  }
  auto reward = std::make_unique<RewardDecl>(SourceRange{}, std::string(tok().text), tok().range, nullptr);
  consume();
  if (!expect(TokenKind::Assign, "after the reward's name") || !(reward->value = parseExpr()))
    reward->broken = true;
  reward->range = from(begin);
  return reward;
}

/// externdecl ::= 'extern' STRING '{' IDENT (',' IDENT)* ','? '}'
/// (newlines inside the braces are free, as inside brackets)
DeclPtr Parser::parseExternDecl() {
  Loc begin = tok().range.begin;
  consume(); // 'extern'
  if (!tok().is(TokenKind::String)) {
    errorAt(tok(), "expected the path of a C++ file after 'extern', as in extern \"helpers.cpp\" "
                   "{ rate }, found " + describe(tok()));
    return nullptr;
  }
  const Token path = tok();
  consume();
  if (path.text.size() <= 2) {
    errorAt(path, "the path of an extern is empty");
    return nullptr;
  }
  std::vector<ImportedName> names;
  {
    BracketGuard bracket(*this);
    if (!expect(TokenKind::LBrace, "after the path of an extern (the list of its functions)"))
      return nullptr;
    do {
      if (tok().is(TokenKind::RBrace) && !names.empty())
        break; // a trailing comma
      if (!parseImportedName(names))
        return nullptr;
    } while (accept(TokenKind::Comma));
    if (!expect(TokenKind::RBrace, "to close the list of an extern"))
      return nullptr;
  }
  std::string file(path.text.substr(1, path.text.size() - 2));
  return std::make_unique<ExternDecl>(from(begin), std::move(file), path.range, std::move(names));
}

// One function name of an extern's list. A builtin's name cannot be a
// helper's: `tanh(` must keep one meaning.
bool Parser::parseImportedName(std::vector<ImportedName> &names) {
  const Token &t = tok();
  if (!t.is(TokenKind::Ident)) {
    errorAt(t, "expected the name of a C++ function in the list of an extern, found " + describe(t));
    return false;
  }
  Builtin fn;
  if (builtinFromName(t.text, fn)) {
    errorAt(t, quote(t.text) + " is a built-in function; a C++ helper needs a name of its own");
    return false;
  }
  names.push_back({std::string(t.text), t.range});
  helperNames_.insert(std::string(t.text));
  consume();
  return true;
}

/// stmt   ::= target ('=' | '+=' | '-=' | '*=' | '/=') expr
/// target ::= IDENT | IDENT '[' IDENT ']' | IDENT '[' IDENT ',' IDENT ']'
///          | IDENT '[' INT ']' | IDENT '[' INT ',' INT ']'
/// (names make an indexed statement, integers an element write; the two do
/// not mix)
StmtPtr Parser::parseStmt() {
  if (!tok().is(TokenKind::Ident)) {
    errorAt(tok(), "expected a statement (name = expression), found " + describe(tok()));
    return nullptr;
  }
  auto stmt = std::make_unique<AssignStmt>();
  Loc begin = tok().range.begin;
  stmt->target = std::string(tok().text);
  stmt->targetRange = tok().range;
  consume();
  if (tok().is(TokenKind::LBracket)) {
    BracketGuard bracket(*this);
    consume();
    const char *what = "an index name (such as i or j) or an integer in the target";
    do {
      TargetIndex index;
      index.range = tok().range;
      if (tok().is(TokenKind::Ident)) {
        index.name = std::string(tok().text);
      } else if (!tok().is(TokenKind::Number)) {
        errorAt(tok(), std::string("expected ") + what + ", found " + describe(tok()));
        return nullptr;
      } else if (!parseInteger(tok(), index.literal, what)) {
        return nullptr;
      }
      stmt->indices.push_back(std::move(index));
      consume();
    } while (accept(TokenKind::Comma));
    if (stmt->indices.size() > 2) {
      error(stmt->indices[2].range, "a target has at most two indices, [post, pre]");
      return nullptr;
    }
    if (stmt->indices.size() == 2 && stmt->indices[0].isLiteral() != stmt->indices[1].isLiteral()) {
      auto spell = [](const TargetIndex &t) {
        return t.isLiteral() ? std::to_string(t.literal) : t.name;
      };
      const TargetIndex &fixed = stmt->indices[stmt->indices[0].isLiteral() ? 0 : 1];
      error(fixed.range, "cannot mix an index name with an integer index in the target " +
                             quote(stmt->target + "[" + spell(stmt->indices[0]) + ", " +
                                   spell(stmt->indices[1]) + "]") +
                             ": an indexed statement takes names, as in " + stmt->target +
                             "[i, j] = ..., and an element write integers, as in " +
                             stmt->target + "[0, 1] = ...");
      return nullptr;
    }
    if (!expect(TokenKind::RBracket, "to close the target's indices"))
      return nullptr;
  }
  const Token &op = tok();
  if (op.is(TokenKind::Assign))
    stmt->op = AssignOp::Set;
  else if (op.is(TokenKind::PlusAssign))
    stmt->op = AssignOp::AddTo;
  else if (op.is(TokenKind::MinusAssign))
    stmt->op = AssignOp::SubFrom;
  else if (op.is(TokenKind::StarAssign))
    stmt->op = AssignOp::MulBy;
  else if (op.is(TokenKind::SlashAssign))
    stmt->op = AssignOp::DivBy;
  else {
    errorAt(op, "expected '=', '+=', '-=', '*=' or '/=' after the target, found " + describe(op));
    return nullptr;
  }
  stmt->opRange = op.range;
  consume();
  stmt->value = parseExpr();
  if (!stmt->value)
    return nullptr;
  stmt->range = from(begin);
  return stmt;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr Parser::makeBinary(BinaryOp op, SourceRange opRange, ExprPtr lhs, ExprPtr rhs) {
  SourceRange r{lhs->range.begin, rhs->range.end};
  uint32_t h = std::max(lhs->height, rhs->height) + 1;
  auto e = std::make_unique<BinaryExpr>(r, op, opRange, std::move(lhs), std::move(rhs));
  e->height = h;
  if (!checkHeight(*e))
    return nullptr;
  return e;
}

/// expr ::= additive (('<' | '<=' | '>' | '>=' | '==' | '!=') additive)?
/// (comparisons do not associate: `a < b < c` is an error)
ExprPtr Parser::parseExpr() {
  ExprPtr lhs = parseAdditive();
  if (!lhs || atBreak() || !isComparisonToken(tok().kind))
    return lhs;
  BinaryOp op = binaryOpOf(tok().kind);
  SourceRange opRange = tok().range;
  consume();
  ExprPtr rhs = parseAdditive();
  if (!rhs)
    return nullptr;
  if (!atBreak() && isComparisonToken(tok().kind)) {
    errorAt(tok(), "comparisons do not chain: write (a < b) * (b < c) or use parentheses");
    return nullptr;
  }
  return makeBinary(op, opRange, std::move(lhs), std::move(rhs));
}

/// additive ::= multiplicative (('+' | '-') multiplicative)*
ExprPtr Parser::parseAdditive() {
  ExprPtr lhs = parseMultiplicative();
  while (lhs && !atBreak() && (tok().is(TokenKind::Plus) || tok().is(TokenKind::Minus))) {
    BinaryOp op = binaryOpOf(tok().kind);
    SourceRange opRange = tok().range;
    consume();
    ExprPtr rhs = parseMultiplicative();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(op, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

/// multiplicative ::= unary (('*' | '/' | '@') unary)*
ExprPtr Parser::parseMultiplicative() {
  ExprPtr lhs = parseUnary();
  while (lhs && !atBreak() &&
         (tok().is(TokenKind::Star) || tok().is(TokenKind::Slash) || tok().is(TokenKind::At))) {
    BinaryOp op = binaryOpOf(tok().kind);
    SourceRange opRange = tok().range;
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(op, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

/// unary ::= '-' unary | power
/// (every nested expression passes here once per level, so this is where
/// the nesting depth is counted)
ExprPtr Parser::parseUnary() {
  NestingGuard guard(*this);
  if (guard.tooDeep()) {
    reportTooDeep();
    return nullptr;
  }
  if (!tok().is(TokenKind::Minus))
    return parsePower();
  Loc begin = tok().range.begin;
  consume();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  uint32_t h = operand->height + 1;
  auto e = std::make_unique<UnaryExpr>(from(begin), std::move(operand));
  e->height = h;
  if (!checkHeight(*e))
    return nullptr;
  return e;
}

/// power ::= postfix ('^' unary)?      (right associative: a^b^c = a^(b^c))
ExprPtr Parser::parsePower() {
  ExprPtr base = parsePostfix();
  if (!base || atBreak() || !tok().is(TokenKind::Caret))
    return base;
  SourceRange opRange = tok().range;
  consume();
  ExprPtr exponent = parseUnary();
  if (!exponent)
    return nullptr;
  return makeBinary(BinaryOp::Pow, opRange, std::move(base), std::move(exponent));
}

/// index ::= IDENT | INT
bool Parser::parseIndexArg(IndexArg &arg) {
  arg.range = tok().range;
  if (tok().is(TokenKind::Ident)) {
    arg.name = std::string(tok().text);
  } else if (!parseInteger(tok(), arg.literal, "an index name or a non-negative integer index")) {
    return false;
  }
  consume();
  return true;
}

/// postfix ::= IDENT '[' index (',' index)? ']' | primary
/// (every operand starts here, so this is where a value missing at the end
/// of a line is noticed)
ExprPtr Parser::parsePostfix() {
  if (valueMissingAtLineEnd()) {
    reportMissingAtLineEnd("an expression");
    return nullptr;
  }
  if (!tok().is(TokenKind::Ident) || lookahead().kind != TokenKind::LBracket ||
      (nesting_ == 0 && lookahead().newlineBefore))
    return parsePrimary();
  std::string name(tok().text);
  SourceRange nameRange = tok().range;
  consume();
  BracketGuard bracket(*this);
  consume(); // '['
  std::vector<IndexArg> indices;
  do {
    IndexArg arg;
    if (!parseIndexArg(arg))
      return nullptr;
    indices.push_back(std::move(arg));
  } while (accept(TokenKind::Comma));
  if (indices.size() > 2) {
    error(indices[2].range, "at most two indices, [post, pre], found " + std::to_string(indices.size()));
    return nullptr;
  }
  if (!expect(TokenKind::RBracket, "to close the indices"))
    return nullptr;
  return std::make_unique<IndexExpr>(from(nameRange.begin), std::move(name), nameRange,
                                     std::move(indices));
}

/// primary ::= NUMBER UNIT? | IDENT | '(' expr ')' | call | helpercall | indexsum
ExprPtr Parser::parsePrimary() {
  const Token &t = tok();
  switch (t.kind) {
  case TokenKind::Number:
    return parseNumber();
  case TokenKind::Ident: {
    Builtin fn;
    bool isCall = lookahead().is(TokenKind::LParen);
    if (isCall && builtinFromName(t.text, fn))
      return parseCall(fn);
    if (isCall && helperNames_.count(std::string(t.text)))
      return parseHelperCall();
    if (isCall) {
      reportUnknownFunction(t);
      return nullptr;
    }
    auto e = std::make_unique<NameExpr>(t.range, std::string(t.text));
    consume();
    return e;
  }
  case TokenKind::LParen: {
    BracketGuard bracket(*this);
    consume();
    ExprPtr inner = parseExpr();
    if (!inner || !expect(TokenKind::RParen, "to close the parenthesis"))
      return nullptr;
    return inner;
  }
  default:
    errorAt(t, "expected an expression, found " + describe(t));
    return nullptr;
  }
}

// `Rbar (1 - b)` is a missing operator rather than a call when Rbar was
// declared (or assigned) above; otherwise a close builtin is suggested.
void Parser::reportUnknownFunction(const Token &t) {
  std::string name(t.text);
  if (knownNames_.count(name)) {
    errorAt(t, quote(name) + " is not a function; is an operator missing before '('?");
    return;
  }
  ClosestName builtin(name);
  for (int k = 0; k <= static_cast<int>(Builtin::Bernoulli); ++k)
    builtin.consider(builtinName(static_cast<Builtin>(k)));
  for (const std::string &helper : helperNames_)
    builtin.consider(helper);
  if (!builtin.best().empty())
    errorAt(t, "unknown function " + quote(name) + "; did you mean '" + builtin.best() + "'?");
  else
    errorAt(t, "unknown function " + quote(name) + "; the functions are " + builtinNames());
}

/// NUMBER UNIT?      UNIT ::= 'ms' | 's' | 'Hz' (on the same line)
ExprPtr Parser::parseNumber() {
  const Token &t = tok();
  double value = 0;
  auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
  if (ec != std::errc() || ptr != t.text.data() + t.text.size() || !std::isfinite(value)) {
    errorAt(t, "number " + quote(t.text) +
                   " is out of range (a double holds magnitudes from about 2.2e-308 to 1.8e308)");
    return nullptr;
  }
  bool isInteger = t.text.find_first_of(".eE") == std::string_view::npos;
  Loc begin = t.range.begin;
  consume();
  UnitSuffix suffix = UnitSuffix::None;
  if (tok().is(TokenKind::Ident) && !tok().newlineBefore) {
    std::string_view u = tok().text;
    if (u == "ms")
      suffix = UnitSuffix::Millisecond;
    else if (u == "s")
      suffix = UnitSuffix::Second;
    else if (u == "Hz")
      suffix = UnitSuffix::Hertz;
    else {
      errorAt(tok(), "unexpected " + quote(u) + " after the number " + quote(prev().text) +
                         ": the units are ms, s and Hz (or is an operator missing?)");
      return nullptr;
    }
    consume();
  }
  return std::make_unique<NumberExpr>(from(begin), value, isInteger, suffix);
}

/// call ::= BUILTIN '(' (expr (',' expr)*)? ')'
/// (for `sum`, a term right after the ')' makes it an indexsum instead)
ExprPtr Parser::parseCall(Builtin fn) {
  SourceRange nameRange = tok().range;
  consume(); // name
  std::vector<ExprPtr> args;
  if (!parseArguments(args))
    return nullptr;
  bool termFollows = !atBreak() && (tok().is(TokenKind::Ident) || tok().is(TokenKind::Number) ||
                                    tok().is(TokenKind::LParen));
  if (fn == Builtin::Sum && termFollows)
    return parseIndexSum(nameRange.begin, std::move(args));
  uint32_t h = 1;
  for (auto &a : args)
    h = std::max(h, a->height + 1);
  auto call = std::make_unique<CallExpr>(from(nameRange.begin), fn, nameRange, std::move(args));
  call->height = h;
  if (!checkHeight(*call))
    return nullptr;
  return call;
}

/// args ::= '(' (expr (',' expr)*)? ')'
bool Parser::parseArguments(std::vector<ExprPtr> &args) {
  BracketGuard bracket(*this);
  consume(); // '('
  if (!tok().is(TokenKind::RParen)) {
    do {
      ExprPtr arg = parseExpr();
      if (!arg)
        return false;
      args.push_back(std::move(arg));
    } while (accept(TokenKind::Comma));
  }
  return expect(TokenKind::RParen, "to close the argument list");
}

/// helpercall ::= HELPER args      (HELPER: a name listed by an extern above)
ExprPtr Parser::parseHelperCall() {
  SourceRange nameRange = tok().range;
  std::string name(tok().text);
  consume();
  std::vector<ExprPtr> args;
  if (!parseArguments(args))
    return nullptr;
  uint32_t h = 1;
  for (auto &a : args)
    h = std::max(h, a->height + 1);
  auto call = std::make_unique<HelperCallExpr>(from(nameRange.begin), std::move(name), nameRange,
                                               std::move(args));
  call->height = h;
  if (!checkHeight(*call))
    return nullptr;
  return call;
}

/// indexsum ::= 'sum' '(' IDENT (',' IDENT)* ')' multiplicative
/// (the summand is one multiplicative term: it ends at + - or a comparison)
ExprPtr Parser::parseIndexSum(Loc begin, std::vector<ExprPtr> args) {
  std::vector<IndexVar> vars;
  for (auto &a : args) {
    auto *name = dyn<NameExpr>(a.get());
    if (!name) {
      error(a->range, "the indices of an index sum must be names, as in sum(a, b) theta[a, b]");
      return nullptr;
    }
    vars.push_back({name->name, name->range, nullptr});
  }
  if (vars.empty()) {
    errorAt(tok(), "an index sum needs at least one index, as in sum(a) v[a]");
    return nullptr;
  }
  ExprPtr body = parseMultiplicative();
  if (!body)
    return nullptr;
  uint32_t h = body->height + 1;
  auto e = std::make_unique<IndexSumExpr>(from(begin), std::move(vars), std::move(body));
  e->height = h;
  if (!checkHeight(*e))
    return nullptr;
  return e;
}

ExprPtr Parser::parseWholeExpression() {
  ExprPtr e = parseExpr();
  if (e && !tok().is(TokenKind::Eof)) {
    errorAt(tok(), "unexpected " + describe(tok()) + " after the expression");
    return nullptr;
  }
  return e;
}

} // namespace

std::unique_ptr<Module> parseSource(const SourceFile &file, DiagnosticEngine &diag) {
  return Parser(file, diag).parseFile();
}

ExprPtr parseExpression(const SourceFile &file, DiagnosticEngine &diag) {
  return Parser(file, diag).parseWholeExpression();
}

} // namespace plasticc

//===- dialect/Parser.cpp - reading the printed dialect (*.plir) ----------===//
//
// A recursive-descent parser over IRLexer tokens for the grammar of
// docs/ir.md (each parse function carries its production). The form is line
// oriented: an error inside an op or declaration is reported, the rest of
// its line is skipped and parsing goes on, so one run reports several
// independent errors. A result whose line failed is remembered as
// *poisoned*, so its later uses do not cascade into "undefined" errors.
// Type rules are not restated here: ops are checked with ir::inferType (its
// message is the diagnostic), built through ir::Builder, and the finished
// module goes through ir::verify.
//
//===----------------------------------------------------------------------===//
#include "dialect/Parser.h"

#include "dialect/Builder.h"
#include "dialect/IRLexer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

namespace plasticc::ir {

Loc ParsedLocations::at(const Op *op) const {
  if (op) {
    auto it = ops.find(op);
    if (it != ops.end())
      return it->second;
  }
  return module;
}

bool reportVerifierErrors(const std::vector<VerifierError> &errors,
                          const ParsedLocations &locations, DiagnosticEngine &diag) {
  // In file order, which need not be the verifier's region order; findings
  // at one place keep the verifier's order.
  std::vector<std::tuple<uint32_t, uint32_t, size_t>> order;
  for (size_t i = 0; i < errors.size(); ++i) {
    Loc loc = locations.at(errors[i].op);
    order.emplace_back(loc.line, loc.col, i);
  }
  std::sort(order.begin(), order.end());
  for (const auto &[line, col, i] : order)
    diag.error(Loc{line, col}, errors[i].message);
  return !errors.empty();
}

namespace {

// Limits that keep every later size computation (layout bytes, lanes times
// elements) far from int64 overflow.
constexpr int64_t kMaxDim = int64_t(1) << 31;
constexpr int64_t kMaxLanes = int64_t(1) << 20;
constexpr int64_t kMaxScalars = int64_t(1) << 40; // elements times lanes of one value

/// The SSA values of the region being parsed. A null Op marks a poisoned
/// name (its definition failed): uses of it fail without another message.
struct ValueScope {
  std::unordered_map<std::string, Op *> values;
  std::unordered_map<std::string, Loc> defs;
};

class IRParser {
public:
  IRParser(const SourceFile &file, DiagnosticEngine &diag, ParsedLocations &locs)
      : lexer_(file.text()), diag_(diag), locs_(locs) {
    tok_ = lexer_.next();
  }

  std::unique_ptr<Module> parse();

private:
  // --- tokens -----------------------------------------------------------
  void consume() { tok_ = lexer_.next(); }
  bool is(IRTok k) const { return tok_.kind == k; }
  bool isWord(std::string_view w) const { return tok_.kind == IRTok::Word && tok_.text == w; }
  bool stop() const { return fatal_ || diag_.atLimit(); }

  /// Reports `message` at the current token (its whole extent underlined).
  bool error(std::string message) { return errorAt(tok_, std::move(message)); }
  bool errorAt(const IRToken &t, std::string message) {
    size_t length = t.text.size() + (t.kind == IRTok::Ssa || t.kind == IRTok::Sym ? 1 : 0);
    Loc end{t.loc.line, t.loc.col + static_cast<uint32_t>(std::min<size_t>(length, 200))};
    diag_.error(SourceRange{t.loc, end}, std::move(message));
    return false;
  }
  /// "expected X, got Y" at the current token (a lexer error speaks for itself).
  bool expected(const std::string &what) {
    if (is(IRTok::Error))
      return error(tok_.message);
    return error("expected " + what + ", got " + describe(tok_));
  }
  bool expect(IRTok kind, const char *what) {
    if (!is(kind))
      return expected(what);
    consume();
    return true;
  }
  bool expectWord(std::string_view w) {
    if (!isWord(w))
      return expected("'" + std::string(w) + "'");
    consume();
    return true;
  }
  void skipNewlines() {
    while (is(IRTok::Newline))
      consume();
  }
  /// Error recovery: drop the rest of the current line.
  void skipLine() {
    while (!is(IRTok::Newline) && !is(IRTok::Eof))
      consume();
  }
  bool endOfLine(const char *after);

  // --- numbers, types, locations ----------------------------------------
  bool parseInt(int64_t &out, bool allowMinus);
  bool parseCount(int64_t &out, int64_t lo, int64_t hi, const char *what);
  bool parseDouble(double &out);
  bool parseType(Type &out);
  bool parseOptionalLoc(Loc &out);

  // --- module structure -------------------------------------------------
  bool parseModuleHeader();
  bool parseDim();
  bool parseQuantity(QuantityKind kind);
  bool parseNoiseDist(NoiseDist &out);
  bool parseRegion();

  // --- ops --------------------------------------------------------------
  /// One op line as written, before its semantic checks.
  struct OpText {
    Loc start, loc;
    std::optional<IRToken> result;
    IRToken mnemonic, typeTok, operandTypeTok;
    OpKind kind = OpKind::Const;
    std::vector<Op *> operands;
    bool poisoned = false; // an operand's definition failed
    Attrs attrs;
    Quantity *quantity = nullptr;
    std::optional<Type> written, writtenOperand;
  };
  bool parseOp(Builder &b, ValueScope &scope);
  bool parseOpBody(ValueScope &scope, OpText &op);
  bool parseOperandList(ValueScope &scope, OpText &op);
  bool parseResultType(OpText &op);
  bool buildOp(Builder &b, ValueScope &scope, const OpText &op);
  std::optional<Type> declaredType(const OpText &op) const;
  bool parseOperand(ValueScope &scope, std::vector<Op *> &operands, bool &poisoned);
  bool parseAttrs(OpKind kind, Attrs &attrs);
  Quantity *parseQuantityRef();

  IRLexer lexer_;
  IRToken tok_;
  DiagnosticEngine &diag_;
  ParsedLocations &locs_;
  std::unique_ptr<Module> m_;
  bool fatal_ = false;
  std::unordered_map<std::string, Loc> dimDefs_, quantityDefs_, regionDefs_;
};

/// Ends a line-oriented production: the next token must end the line.
bool IRParser::endOfLine(const char *after) {
  if (is(IRTok::Newline) || is(IRTok::Eof))
    return true;
  if (is(IRTok::Error))
    return error(tok_.message);
  return error(std::string("unexpected ") + describe(tok_) + " after " + after);
}

// int ::= '-'? NUMBER        (no fraction, no exponent; fits in 64 bits)
bool IRParser::parseInt(int64_t &out, bool allowMinus) {
  IRToken first = tok_;
  bool negative = false;
  if (allowMinus && is(IRTok::Minus)) {
    negative = true;
    consume();
  }
  if (!is(IRTok::Number))
    return expected("an integer");
  std::string text = (negative ? "-" : "") + std::string(tok_.text);
  if (text.find_first_of(".eE") != std::string::npos)
    return error("expected an integer, got '" + std::string(tok_.text.substr(0, 40)) + "'");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size())
    return errorAt(first, "integer '" + text.substr(0, 40) + "' out of range");
  consume();
  return true;
}

/// An integer in [lo, hi]; `what` names it in the error.
bool IRParser::parseCount(int64_t &out, int64_t lo, int64_t hi, const char *what) {
  IRToken at = tok_;
  if (!parseInt(out, true))
    return false;
  if (out < lo || out > hi)
    return errorAt(at, std::string(what) + " must be in [" + std::to_string(lo) + ", " +
                           std::to_string(hi) + "], got " + std::to_string(out));
  return true;
}

// double ::= '-'? (NUMBER | 'inf' | 'nan')
bool IRParser::parseDouble(double &out) {
  bool negative = false;
  if (is(IRTok::Minus)) {
    negative = true;
    consume();
  }
  if (isWord("inf") || isWord("nan")) {
    out = isWord("inf") ? std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::quiet_NaN();
  } else if (is(IRTok::Number)) {
    auto [end, ec] = std::from_chars(tok_.text.data(), tok_.text.data() + tok_.text.size(), out);
    if (ec != std::errc() || end != tok_.text.data() + tok_.text.size())
      return error("number '" + std::string(tok_.text.substr(0, 40)) +
                   "' is out of the range of f64");
  } else {
    return expected("a number");
  }
  consume();
  if (negative)
    out = -out;
  return true;
}

// type ::= ('f64' | 'f32') ('<' INT '>')? ('[' INT (',' INT)? ']')?
bool IRParser::parseType(Type &out) {
  IRToken start = tok_;
  out = Type::scalar();
  if (isWord("f64"))
    out.elem = ElemType::F64;
  else if (isWord("f32"))
    out.elem = ElemType::F32;
  else
    return expected("a type (f64, f64[N], f64[N,M], f64<P>[N])");
  consume();
  if (is(IRTok::Less)) {
    consume();
    if (!parseCount(out.lanes, 1, kMaxLanes, "tangent lanes") || !expect(IRTok::Greater, "'>'"))
      return false;
  }
  if (is(IRTok::LSquare)) {
    consume();
    if (!parseCount(out.dims[0], 1, kMaxDim, "a dimension"))
      return false;
    out.rank = 1;
    if (is(IRTok::Comma)) {
      consume();
      if (!parseCount(out.dims[1], 1, kMaxDim, "a dimension"))
        return false;
      out.rank = 2;
    }
    if (!expect(IRTok::RSquare, "']' (types have rank 0, 1 or 2)"))
      return false;
  }
  // Both factors are below 2^31 and 2^20, so the products cannot overflow.
  if (out.numElements() > kMaxScalars / std::max<int64_t>(out.lanes, 1))
    return errorAt(start, "type " + out.str() + " is too large");
  return true;
}

// loc ::= 'loc' '(' INT ':' INT ')'         (a .plast line:col, line >= 1)
bool IRParser::parseOptionalLoc(Loc &out) {
  out = Loc{};
  if (!isWord("loc"))
    return true;
  consume();
  int64_t line = 0, col = 0;
  constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
  if (!expect(IRTok::LParen, "'('") || !parseCount(line, 1, kMax, "a line number") ||
      !expect(IRTok::Colon, "':'") || !parseCount(col, 0, kMax, "a column number") ||
      !expect(IRTok::RParen, "')'"))
    return false;
  out = Loc{static_cast<uint32_t>(line), static_cast<uint32_t>(col)};
  return true;
}

// file   ::= NL* module NL* EOF
// module ::= 'module' SYM 'lanes' INT ('estimator' ('pathwise'|'score'))? '{' NL item* '}'
// item   ::= NL | dim NL | quantity NL | region NL
std::unique_ptr<Module> IRParser::parse() {
  unsigned errorsBefore = diag_.errorCount();
  m_ = std::make_unique<Module>();
  skipNewlines();
  if (!parseModuleHeader())
    return nullptr;
  while (!stop()) {
    skipNewlines();
    if (is(IRTok::RBrace))
      break;
    if (is(IRTok::Eof)) {
      diag_.error(tok_.loc, "expected '}' at the end of the module");
      diag_.note(locs_.module, "module begins here");
      return nullptr;
    }
    QuantityKind kind;
    bool ok;
    if (isWord("dim"))
      ok = parseDim();
    else if (isWord("region"))
      ok = parseRegion();
    else if (is(IRTok::Word) && quantityKindFromName(std::string(tok_.text), kind))
      ok = parseQuantity(kind);
    else
      ok = expected("'dim', a quantity kind (meta, param, ...), 'region' or '}'");
    if (!ok)
      skipLine();
  }
  if (stop())
    return nullptr;
  consume(); // '}'
  skipNewlines();
  if (!is(IRTok::Eof)) {
    expected("end of file after the module");
    return nullptr;
  }
  if (diag_.errorCount() != errorsBefore)
    return nullptr;
  if (reportVerifierErrors(verify(*m_), locs_, diag_))
    return nullptr;
  return std::move(m_);
}

bool IRParser::parseModuleHeader() {
  locs_.module = tok_.loc;
  if (!expectWord("module"))
    return false;
  if (!is(IRTok::Sym))
    return expected("the module name '@name'");
  m_->name = std::string(tok_.text);
  consume();
  if (!expectWord("lanes") || !parseCount(m_->lanes, 0, kMaxLanes, "lanes"))
    return false;
  if (isWord("estimator")) {
    consume();
    if (isWord("pathwise") || isWord("score")) {
      m_->estimator = isWord("score") ? Estimator::Score : Estimator::Pathwise;
      consume();
    } else {
      return expected("an estimator ('pathwise' or 'score')");
    }
  }
  return expect(IRTok::LBrace, "'{'") && endOfLine("'{'");
}

// dim ::= 'dim' WORD '=' INT                  (INT >= 1)
bool IRParser::parseDim() {
  consume(); // 'dim'
  if (!is(IRTok::Word))
    return expected("a dimension name");
  IRToken nameTok = tok_;
  std::string name(tok_.text);
  consume();
  Dim d{name, 0};
  if (!expect(IRTok::Equal, "'='") || !parseCount(d.value, 1, kMaxDim, "a dimension") ||
      !endOfLine("a dim"))
    return false;
  auto [it, fresh] = dimDefs_.emplace(name, nameTok.loc);
  if (!fresh) {
    errorAt(nameTok, "redefinition of dim '" + name + "'");
    diag_.note(it->second, "previous definition is here");
    return false;
  }
  m_->dims.push_back(d);
  return true;
}

// quantity ::= KIND SYM ':' type ('plastic' | 'tangent' | 'score')* noisedist? loc?
bool IRParser::parseQuantity(QuantityKind kind) {
  Loc start = tok_.loc;
  consume(); // kind
  if (!is(IRTok::Sym))
    return expected("a quantity name '@name'");
  IRToken nameTok = tok_;
  std::string name(tok_.text);
  consume();
  Type type;
  IRToken typeTok;
  if (!expect(IRTok::Colon, "':'"))
    return false;
  typeTok = tok_;
  if (!parseType(type))
    return false;
  if (type.lanes)
    return errorAt(typeTok, "a quantity's type is primal (no <lanes>), got " + type.str());
  bool plastic = false, tangent = false, score = false;
  while (isWord("plastic") || isWord("tangent") || isWord("score")) {
    bool &flag = isWord("plastic") ? plastic : isWord("tangent") ? tangent : score;
    if (flag)
      return error("duplicate flag '" + std::string(tok_.text) + "'");
    flag = true;
    consume();
  }
  NoiseDist noise;
  if (isWord("normal") || isWord("uniform") || isWord("bernoulli")) {
    if (kind != QuantityKind::Noise)
      return error("only a noise quantity has a distribution");
    if (!parseNoiseDist(noise))
      return false;
  }
  Loc loc;
  if (!parseOptionalLoc(loc) || !endOfLine("a quantity"))
    return false;
  auto [it, fresh] = quantityDefs_.emplace(name, nameTok.loc);
  if (!fresh) {
    errorAt(nameTok, "redefinition of quantity '@" + name + "'");
    diag_.note(it->second, "previous definition is here");
    return false;
  }
  Quantity *q = m_->addQuantity(name, kind, type, loc, plastic);
  q->hasTangent = tangent;
  q->score = score;
  q->noise = noise;
  locs_.quantities[q] = start;
  return true;
}

// noisedist ::= 'normal' '(' double ',' double ')' | 'uniform' '(' double ',' double ')'
//             | 'bernoulli' '(' double ')'
bool IRParser::parseNoiseDist(NoiseDist &out) {
  out.kind = isWord("normal") ? NoiseDist::Normal
             : isWord("uniform") ? NoiseDist::Uniform
                                 : NoiseDist::Bernoulli;
  consume();
  if (!expect(IRTok::LParen, "'('") || !parseDouble(out.a))
    return false;
  out.b = 0;
  if (out.kind != NoiseDist::Bernoulli && (!expect(IRTok::Comma, "','") || !parseDouble(out.b)))
    return false;
  return expect(IRTok::RParen, "')'");
}

// region ::= 'region' WORD '{' NL (op? NL)* '}'     WORD: init trial step reward
bool IRParser::parseRegion() {
  IRToken start = tok_;
  consume(); // 'region'
  if (!is(IRTok::Word))
    return expected("a region name (init, trial, step or reward)");
  IRToken nameTok = tok_;
  std::string name(tok_.text);
  consume();
  Region *region = nullptr;
  for (Region *r : m_->regions())
    if (r->name == name)
      region = r;
  Region scratch; // the body of a bad region is still checked, then dropped
  if (!region) {
    errorAt(nameTok, "unknown region '" + name + "' (expected init, trial, step or reward)");
    region = &scratch;
  } else if (auto [it, fresh] = regionDefs_.emplace(name, start.loc); !fresh) {
    errorAt(nameTok, "region '" + name + "' defined twice");
    diag_.note(it->second, "previous definition is here");
    region = &scratch;
  }
  if (!expect(IRTok::LBrace, "'{'") || !endOfLine("'{'")) {
    fatal_ = true; // without its brace the extent of the region is unknown
    return false;
  }
  Builder b(*m_, *region);
  ValueScope scope;
  while (!stop()) {
    skipNewlines();
    if (is(IRTok::RBrace)) {
      consume();
      return endOfLine("'}'");
    }
    if (is(IRTok::Eof)) {
      diag_.error(tok_.loc, "expected '}' at the end of region '" + name + "'");
      diag_.note(start.loc, "region begins here");
      fatal_ = true;
      return false;
    }
    if (!parseOp(b, scope))
      skipLine();
  }
  return false;
}

// SYM, naming a quantity declared above.
Quantity *IRParser::parseQuantityRef() {
  if (!is(IRTok::Sym)) {
    expected("a quantity '@name'");
    return nullptr;
  }
  Quantity *q = m_->lookup(std::string(tok_.text));
  if (!q) {
    error("unknown quantity '@" + std::string(tok_.text) + "'");
    return nullptr;
  }
  consume();
  return q;
}

// operand ::= SSA, defined earlier in the region.
bool IRParser::parseOperand(ValueScope &scope, std::vector<Op *> &operands, bool &poisoned) {
  if (!is(IRTok::Ssa))
    return expected("an operand '%name'");
  auto it = scope.values.find(std::string(tok_.text));
  if (it == scope.values.end())
    return error("use of undefined value '%" + std::string(tok_.text) + "'");
  poisoned = poisoned || it->second == nullptr;
  operands.push_back(it->second);
  consume();
  return true;
}

// attrs ::= '{' attr (',' attr)* '}'
// attr  ::= WORD '=' (int | '[' (int (',' int)*)? ']')
// Keys: powi {n}, bcast {axis}, extract {index = [..]}, onehot {flat},
// random.* {stream}.
bool IRParser::parseAttrs(OpKind kind, Attrs &attrs) {
  const char *key = kind == OpKind::Powi                                        ? "n"
                    : kind == OpKind::Bcast                                     ? "axis"
                    : kind == OpKind::Extract                                   ? "index"
                    : kind == OpKind::OneHot                                    ? "flat"
                    : kind == OpKind::RandNormal || kind == OpKind::RandUniform ? "stream"
                                                                                : nullptr;
  consume(); // '{'
  bool seen = false;
  do {
    if (!is(IRTok::Word))
      return expected("an attribute name");
    if (!key)
      return error("'" + std::string(mnemonic(kind)) + "' takes no attributes");
    if (tok_.text != key)
      return error("unknown attribute '" + std::string(tok_.text) + "' of '" + mnemonic(kind) +
                   "' (expected '" + key + "')");
    if (seen)
      return error("duplicate attribute '" + std::string(key) + "'");
    seen = true;
    consume();
    if (!expect(IRTok::Equal, "'='"))
      return false;
    bool list = kind == OpKind::Extract;
    if (list != is(IRTok::LSquare))
      return expected(list ? "a list of integers '[i, j]'" : "an integer");
    if (!list) {
      int64_t v;
      if (!parseInt(v, true))
        return false;
      attrs.ints.push_back(v);
      continue;
    }
    consume(); // '['
    while (!is(IRTok::RSquare)) {
      int64_t v;
      if (!attrs.ints.empty() && !expect(IRTok::Comma, "',' or ']'"))
        return false;
      if (!parseInt(v, true))
        return false;
      attrs.ints.push_back(v);
      if (attrs.ints.size() > 2)
        return error("too many indices (values have rank 0, 1 or 2)");
    }
    consume(); // ']'
  } while (is(IRTok::Comma) && (consume(), true));
  return expect(IRTok::RBrace, "',' or '}'");
}

// op   ::= (SSA '=')? body loc? NL
bool IRParser::parseOp(Builder &b, ValueScope &scope) {
  OpText op;
  op.start = tok_.loc;
  if (is(IRTok::Ssa)) {
    op.result = tok_;
    consume();
    if (!expect(IRTok::Equal, "'='"))
      return false;
  }
  bool ok = parseOpBody(scope, op) && parseOptionalLoc(op.loc) && endOfLine("the op");
  // A poisoned operand's definition failed and was reported already.
  if (ok && !op.poisoned && buildOp(b, scope, op))
    return true;
  // The name of a failed op is poisoned (unless it is already taken).
  if (op.result)
    scope.values.emplace(std::string(op.result->text), nullptr);
  return false;
}

// body ::= 'const' double ':' type
//        | ('read' | 'read.tangent') SYM ':' type
//        | ('write' | 'write.tangent') SYM ',' SSA
//        | 'ret' (SSA (',' SSA)*)?
//        | 'onehot' attrs ':' type
//        | 'bcast' SSA attrs? ':' type '->' type
//        | MNEMONIC SSA (',' SSA)* attrs? ':' type
bool IRParser::parseOpBody(ValueScope &scope, OpText &op) {
  if (!is(IRTok::Word))
    return expected("an op mnemonic");
  op.mnemonic = tok_;
  if (!opKindFromMnemonic(std::string(tok_.text), op.kind))
    return error("unknown op '" + std::string(tok_.text.substr(0, 40)) + "'");
  consume();
  std::string name = mnemonic(op.kind);
  bool hasResult = family(op.kind) != OpFamily::Effect;
  if (hasResult && !op.result)
    return errorAt(op.mnemonic, "'" + name + "' produces a value: write '%name = " + name + " ...'");
  if (!hasResult && op.result)
    return errorAt(*op.result, "'" + name + "' has no result to name");
  switch (op.kind) {
  case OpKind::Const:
    if (!parseDouble(op.attrs.value))
      return false;
    break;
  case OpKind::Read:
  case OpKind::ReadTangent:
    if (!(op.quantity = parseQuantityRef()))
      return false;
    break;
  case OpKind::Write:
  case OpKind::WriteTangent:
    if (!(op.quantity = parseQuantityRef()) || !expect(IRTok::Comma, "','") ||
        !parseOperand(scope, op.operands, op.poisoned))
      return false;
    break;
  case OpKind::Ret:
    if (is(IRTok::Ssa) && !parseOperandList(scope, op))
      return false;
    break;
  case OpKind::OneHot:
    if (!is(IRTok::LBrace))
      return expected("the attributes '{flat = K}'");
    if (!parseAttrs(op.kind, op.attrs))
      return false;
    break;
  default:
    if (!parseOperandList(scope, op) || (is(IRTok::LBrace) && !parseAttrs(op.kind, op.attrs)))
      return false;
    break;
  }
  return !hasResult || parseResultType(op);
}

// SSA (',' SSA)*
bool IRParser::parseOperandList(ValueScope &scope, OpText &op) {
  do
    if (!parseOperand(scope, op.operands, op.poisoned))
      return false;
  while (is(IRTok::Comma) && (consume(), true));
  return true;
}

// ':' type, or for bcast ':' type '->' type (operand type, then result type)
bool IRParser::parseResultType(OpText &op) {
  Type t;
  if (!expect(IRTok::Colon, "':'"))
    return false;
  op.typeTok = tok_;
  if (!parseType(t))
    return false;
  if (op.kind == OpKind::Bcast) {
    op.writtenOperand = t;
    op.operandTypeTok = op.typeTok;
    if (!expect(IRTok::Arrow, "'->' and the result type"))
      return false;
    op.typeTok = tok_;
    if (!parseType(t))
      return false;
  }
  op.written = t;
  return true;
}

/// The semantic checks of a parsed op (the builder's rules, as user
/// diagnostics), then the op itself, built through ir::Builder.
bool IRParser::buildOp(Builder &b, ValueScope &scope, const OpText &op) {
  std::string resultName = op.result ? std::string(op.result->text) : "";
  if (op.result) {
    auto [it, fresh] = scope.defs.emplace(resultName, op.result->loc);
    if (!fresh) {
      errorAt(*op.result, "redefinition of '%" + resultName + "'");
      diag_.note(it->second, "previous definition is here");
      return false;
    }
  }
  if (op.writtenOperand && *op.writtenOperand != op.operands[0]->type)
    return errorAt(op.operandTypeTok, "operand type " + op.writtenOperand->str() +
                                          " does not match its definition, " +
                                          op.operands[0]->type.str());
  std::optional<Type> declared = declaredType(op);
  std::vector<Type> types;
  for (Op *o : op.operands)
    types.push_back(o->type);
  std::string why;
  std::optional<Type> inferred = inferType(op.kind, types, op.attrs, declared, why);
  if (!inferred)
    return errorAt(op.mnemonic, why.empty() ? "ill-formed '" + std::string(mnemonic(op.kind)) + "'"
                                            : why);
  if (op.written && *inferred != *op.written)
    return errorAt(op.typeTok, "written type " + op.written->str() +
                                   " does not match the inferred type " + inferred->str());
  b.setLoc(op.loc);
  bool numbered = resultName.find_first_not_of("0123456789") == std::string::npos;
  Op *built = b.create(op.kind, op.operands, op.attrs, declared, op.quantity,
                       numbered ? "" : resultName);
  locs_.ops[built] = op.start;
  if (op.result)
    scope.values[resultName] = built;
  return true;
}

/// The result type that inferType takes as given (see Builder.h).
std::optional<Type> IRParser::declaredType(const OpText &op) const {
  switch (op.kind) {
  case OpKind::Read: return op.quantity->type;
  case OpKind::ReadTangent:
    // Without lanes the verifier says why a tangent is out of place.
    return m_->lanes > 0 ? op.quantity->type.withLanes(m_->lanes) : *op.written;
  case OpKind::Const:
  case OpKind::OneHot:
  case OpKind::Bcast:
  case OpKind::RandNormal:
  case OpKind::RandUniform: return op.written;
  default: return std::nullopt;
  }
}

} // namespace

std::unique_ptr<Module> parseModule(const SourceFile &file, DiagnosticEngine &diag,
                                    ParsedLocations &locations) {
  return IRParser(file, diag, locations).parse();
}

std::unique_ptr<Module> parseModule(const SourceFile &file, DiagnosticEngine &diag) {
  ParsedLocations locations;
  return parseModule(file, diag, locations);
}

} // namespace plasticc::ir

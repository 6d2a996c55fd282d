//===- compiler/frontend/CppImport.cpp - C++ helpers lifted by Clang ------===//
//
// Three parts, in the order they run:
//
//  * parseCpp: Clang parses the file (buildASTFromCodeWithArgs) with the
//    file's own directory for its includes and Clang's resource directory
//    for <cmath>; a DiagnosticConsumer hands Clang's errors (and their
//    notes) to plasticc's DiagnosticEngine, word for word.
//  * findFunctions: the function definitions of the file and of the
//    non-system headers it includes, by name.
//  * Lifter / BodyLifter: each function's body is run symbolically, the
//    way an abstract interpreter runs straight-line code. Every assignment
//    of a double (or bool) variable becomes a local of the helper (`y`,
//    then `y.1`, ...); an `if` on a run-time condition runs both branches
//    and joins each variable that differs as select(condition, then,
//    else); an `if` containing a `return` splits the rest of the function
//    instead (a continuation, so that guard clauses need no flag); loops
//    must have a trip count known while lifting and are unrolled; integer
//    variables are compile-time constants (loop counters). Calls of other
//    functions of the file are lifted in turn and kept as helper calls
//    (Sema inlines them per call); <cmath> calls become the built-in of
//    the same meaning. The first construct outside the subset ends the
//    lifting of that function with a located error (LiftError unwinds).
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/CppImport.h"

#include "compiler/frontend/Parser.h"
#include "compiler/frontend/Spelling.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/Stmt.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/ASTUnit.h>
#include <clang/Lex/Lexer.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>

#include <cmath>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#ifndef PLASTICC_CLANG_RESOURCE_DIR
#error "PLASTICC_CLANG_RESOURCE_DIR must name Clang's resource directory (cmake/Modules.cmake)"
#endif

namespace plasticc {

using namespace ast;

std::string resolveImportPath(const std::string &modelPath, const std::string &path) {
  std::filesystem::path p(path);
  if (p.is_absolute())
    return path;
  std::filesystem::path dir = std::filesystem::path(modelPath).parent_path();
  return (dir / p).lexically_normal().string();
}

namespace {

/// 'name' for messages.
std::string quote(const std::string &name) { return "'" + name + "'"; }

//===----------------------------------------------------------------------===//
// Locations: Clang's SourceLocations as plasticc's (file, range)
//===----------------------------------------------------------------------===//

/// Maps Clang locations to the SourceFile and 1-based range that plasticc's
/// DiagnosticEngine renders. The imported file keeps the text plasticc read
/// (the text Clang parsed); a header gets a SourceFile made from Clang's
/// buffer the first time a location falls in it.
class Locator {
public:
  explicit Locator(std::shared_ptr<const SourceFile> main) : main_(std::move(main)) {}

  struct Place {
    std::shared_ptr<const SourceFile> file;
    SourceRange range;
  };

  /// Where `r` is written (a macro's use, not its definition); the range
  /// ends after the last token of `r`.
  Place place(const clang::SourceManager &sm, clang::SourceRange r) {
    clang::SourceLocation b = sm.getExpansionLoc(r.getBegin());
    clang::SourceLocation e = sm.getExpansionLoc(r.getEnd().isValid() ? r.getEnd() : r.getBegin());
    Place p;
    p.file = fileOf(sm, b);
    p.range.begin = loc(sm, b);
    p.range.end = p.range.begin;
    if (sm.getFileID(e) == sm.getFileID(b)) {
      clang::LangOptions lang;
      lang.CPlusPlus = lang.CPlusPlus17 = true;
      Loc end = loc(sm, e);
      end.col += clang::Lexer::MeasureTokenLength(e, sm, lang);
      p.range.end = end;
    }
    return p;
  }

  const std::shared_ptr<const SourceFile> &main() const { return main_; }

private:
  static Loc loc(const clang::SourceManager &sm, clang::SourceLocation l) {
    return {sm.getExpansionLineNumber(l), sm.getExpansionColumnNumber(l)};
  }

  std::shared_ptr<const SourceFile> fileOf(const clang::SourceManager &sm, clang::SourceLocation l) {
    clang::FileID id = sm.getFileID(l);
    if (id == sm.getMainFileID())
      return main_;
    std::string name = sm.getFilename(l).str();
    auto &file = headers_[name];
    if (!file)
      file = std::make_shared<SourceFile>(name.empty() ? "<built-in>" : name,
                                          sm.getBufferData(id).str());
    return file;
  }

  std::shared_ptr<const SourceFile> main_;
  std::map<std::string, std::shared_ptr<const SourceFile>> headers_;
};

//===----------------------------------------------------------------------===//
// Clang's own diagnostics
//===----------------------------------------------------------------------===//

/// Passes Clang's errors, and the notes that follow them, to plasticc's
/// engine as Clang words them; warnings stay quiet (the file compiles).
class ForwardErrors : public clang::DiagnosticConsumer {
public:
  ForwardErrors(Locator &locator, DiagnosticEngine &diag, SourceRange importAt)
      : locator_(locator), diag_(diag), importAt_(importAt) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic &info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    bool isError = level >= clang::DiagnosticsEngine::Error;
    bool isNote = level == clang::DiagnosticsEngine::Note;
    if (!isError && !(isNote && forwarding_)) {
      forwarding_ = false;
      return;
    }
    forwarding_ = true;
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    std::string message(text.str());
    if (!info.hasSourceManager() || info.getLocation().isInvalid()) {
      // No place in a file (an unknown option, say): at the extern.
      if (isError)
        diag_.error(importAt_, "in the C++ file: " + message);
      return;
    }
    Locator::Place p = locator_.place(info.getSourceManager(), info.getLocation());
    p.range.end = p.range.begin;
    if (isError)
      diag_.error(p.file, p.range, message);
    else
      diag_.note(p.file, p.range, message);
  }

private:
  Locator &locator_;
  DiagnosticEngine &diag_;
  SourceRange importAt_;
  bool forwarding_ = false; // the last error was passed on: so are its notes
};

/// Clang's AST of the imported file, or nullptr after errors (reported).
std::unique_ptr<clang::ASTUnit> parseCpp(const std::string &path, Locator &locator,
                                         DiagnosticEngine &diag, SourceRange importAt) {
  ForwardErrors forward(locator, diag, importAt);
  // The file's own directory first for "..." includes (Clang's rule too),
  // Clang's resource directory for the headers <cmath> needs.
  // -xc++: whatever the file's extension (.cc, .hpp, none), it is C++.
  std::vector<std::string> args = {
      "-xc++",
      "-std=c++17",
      "-resource-dir=" PLASTICC_CLANG_RESOURCE_DIR,
      "-I" + std::filesystem::path(path).parent_path().string(),
      "-Wno-everything",
  };
  std::unique_ptr<clang::ASTUnit> unit = clang::tooling::buildASTFromCodeWithArgs(
      locator.main()->text(), args, path, "plasticc", std::make_shared<clang::PCHContainerOperations>(),
      clang::tooling::getClangStripDependencyFileAdjuster(), clang::tooling::FileContentMappings(),
      &forward);
  if (!unit || forward.getNumErrors() > 0) {
    if (forward.getNumErrors() == 0)
      diag.error(importAt, "Clang could not parse the C++ file '" + path + "'");
    diag.note(importAt, "in the C++ file imported here");
    return nullptr;
  }
  return unit;
}

//===----------------------------------------------------------------------===//
// The functions of the file
//===----------------------------------------------------------------------===//

/// Function definitions outside system headers, by name, in source order:
/// at namespace scope and inside namespaces and extern "C" blocks.
void findFunctions(const clang::DeclContext *dc, const clang::SourceManager &sm,
                   std::map<std::string, std::vector<const clang::FunctionDecl *>> &out) {
  for (const clang::Decl *d : dc->decls()) {
    if (sm.isInSystemHeader(d->getLocation()))
      continue;
    if (auto *ns = llvm::dyn_cast<clang::NamespaceDecl>(d))
      findFunctions(ns, sm, out);
    else if (auto *ls = llvm::dyn_cast<clang::LinkageSpecDecl>(d))
      findFunctions(ls, sm, out);
    else if (auto *fn = llvm::dyn_cast<clang::FunctionDecl>(d))
      if (fn->isThisDeclarationADefinition() && fn->getIdentifier())
        out[fn->getName().str()].push_back(fn);
  }
}

/// The <cmath> (and <algorithm>) functions a helper may call, with the
/// built-in of the same meaning (docs/language.md "Imports" states where
/// they differ: fmin and fmax with a NaN operand).
struct MathFunction {
  const char *cName;
  const char *builtin;
};
constexpr MathFunction kMathFunctions[] = {
    {"exp", "exp"},     {"log", "log"},     {"sqrt", "sqrt"},   {"tanh", "tanh"},
    {"sin", "sin"},     {"cos", "cos"},     {"tan", "tan"},     {"asin", "asin"},
    {"acos", "acos"},   {"atan", "atan"},   {"atan2", "atan2"}, {"sinh", "sinh"},
    {"cosh", "cosh"},   {"log1p", "log1p"}, {"expm1", "expm1"}, {"fabs", "abs"},
    {"abs", "abs"},     {"floor", "floor"}, {"ceil", "ceil"},   {"pow", "pow"},
    {"fmin", "min"},    {"fmax", "max"},    {"min", "min"},     {"max", "max"},
};

std::string mathFunctionNames() {
  std::string s;
  for (const MathFunction &f : kMathFunctions)
    s += (s.empty() ? "" : " ") + std::string(f.cName);
  return s;
}

const MathFunction *mathFunction(const std::string &name) {
  for (const MathFunction &f : kMathFunctions)
    if (name == f.cName)
      return &f;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Lifting
//===----------------------------------------------------------------------===//

/// Thrown after an error is reported: ends the lifting of the function.
struct LiftError {};

/// What a variable holds while a body runs: nothing yet, a number known
/// while lifting (always, for integers), or a local of the helper.
struct Value {
  enum Kind : uint8_t { Unset, Number, Name, Unknown } kind = Unset;
  double number = 0;
  std::string name;
  friend bool operator==(const Value &a, const Value &b) {
    return a.kind == b.kind && (a.kind != Number || a.number == b.number || (std::isnan(a.number) && std::isnan(b.number))) &&
           a.name == b.name;
  }
};
using Env = std::map<const clang::VarDecl *, Value>;

bool isDouble(clang::QualType t) {
  return t.getCanonicalType()->isSpecificBuiltinType(clang::BuiltinType::Double);
}
bool isBool(clang::QualType t) { return t.getCanonicalType()->isBooleanType(); }
/// The integer types a helper may use: signed int, long and long long,
/// whose arithmetic plasticc folds exactly (in double, to 2^53). Unsigned
/// and narrow types wrap or convert, which it does not model: refused.
bool isInteger(clang::QualType t) {
  const clang::Type *c = t.getCanonicalType().getTypePtr();
  return c->isSpecificBuiltinType(clang::BuiltinType::Int) ||
         c->isSpecificBuiltinType(clang::BuiltinType::Long) ||
         c->isSpecificBuiltinType(clang::BuiltinType::LongLong);
}

/// Whether the integer `v` is a value of type `t` (int: 32 bits; long and
/// long long: as far as a double holds integers exactly, 2^53).
bool fitsInteger(double v, clang::QualType t) {
  double limit = t.getCanonicalType()->isSpecificBuiltinType(clang::BuiltinType::Int)
                     ? 2147483647.0
                     : 9007199254740992.0;
  return v >= -limit - 1 && v <= limit;
}

class Lifter;

/// Lifts the body of one function (see file comment).
class BodyLifter {
public:
  BodyLifter(Lifter &lifter, const clang::FunctionDecl &fn, Helper &helper)
      : l_(lifter), fn_(fn), h_(helper) {}
  void run();

private:
  /// What remains to run, innermost first: a statement, or the head of a
  /// loop being unrolled (its next trip's test).
  struct Cont {
    const clang::Stmt *stmt;
    const Cont *next;
    bool loopHead = false;
    int64_t trip = 0;
  };
  const Cont *push(const clang::Stmt *s, const Cont *next) {
    if (!s)
      return next;
    return &conts_.emplace_back(Cont{s, next});
  }
  ExprPtr runFrom(const Cont *k, Env env);
  const Cont *enterLoop(const clang::Stmt *loop, const Cont *k, Env &env);
  const Cont *loopTrip(const Cont &head, const Cont *k, Env &env);

  // Statements without a return: run in place.
  void exec(const clang::Stmt *s, Env &env);
  void execIf(const clang::IfStmt *s, Env &env);
  void execLoop(const clang::Stmt *loop, Env &env);
  void declare(const clang::VarDecl *v, Env &env);
  void effect(const clang::Expr *e, Env &env);
  void assign(const clang::VarDecl *v, const clang::Expr *value, const clang::Expr *at, Env &env,
              std::optional<clang::BinaryOperatorKind> compound = std::nullopt);
  const clang::VarDecl *localTarget(const clang::Expr *e, const Env &env);
  void join(const Env &before, const std::string &cond, Env &a, const Env &b);

  // Expressions.
  ExprPtr value(const clang::Expr *e, const Env &env);
  ExprPtr castValue(const clang::CastExpr *e, const Env &env);
  ExprPtr unaryValue(const clang::UnaryOperator *e, const Env &env);
  ExprPtr binaryValue(const clang::BinaryOperator *e, const Env &env);
  ExprPtr callValue(const clang::CallExpr *e, const Env &env);
  ExprPtr readVar(const clang::DeclRefExpr *e, const Env &env);
  ExprPtr mask(const clang::Expr *e, const Env &env);
  std::optional<double> constant(const clang::Expr *e, const Env &env);
  std::optional<double> constantBinary(const clang::BinaryOperator *e, const Env &env);
  double integerConstant(const clang::Expr *e, const Env &env, const char *what);
  void checkType(clang::QualType t, const clang::Stmt *at, const std::string &what);
  std::string condition(const clang::Expr *cond, const Env &env);

  // Building the helper.
  ExprPtr number(double v, const clang::Stmt *at);
  ExprPtr name(const std::string &n, const clang::Stmt *at);
  ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b, const clang::Stmt *at);
  ExprPtr call(Builtin fn, std::vector<ExprPtr> args, const clang::Stmt *at);
  ExprPtr finish(ExprPtr e, const clang::Stmt *at);
  std::string let(const std::string &base, ExprPtr value);
  std::string fresh(const std::string &base);
  SourceRange rangeOf(const clang::Stmt *s);
  [[noreturn]] void fail(const clang::Stmt *at, const std::string &message);
  [[noreturn]] void failAt(clang::SourceRange at, const std::string &message);

  Lifter &l_;
  const clang::FunctionDecl &fn_;
  Helper &h_;
  std::deque<Cont> conts_;
  std::unordered_map<std::string, int> used_; // names taken, with their next suffix
  size_t nodes_ = 0;
};

/// Lifts named functions of one parsed file, and what they call.
class Lifter {
public:
  Lifter(clang::ASTContext &ctx, Locator &locator, Module &module, DiagnosticEngine &diag)
      : ctx_(ctx), locator_(locator), module_(module), diag_(diag) {}

  /// The helper lifted from `fn`; nullptr after an error (reported once,
  /// with a note at `importedAs`).
  const Helper *lift(const clang::FunctionDecl &fn, const ImportedName &importedAs);
  /// The same for a function called by a helper being lifted: throws
  /// LiftError if it cannot be lifted (or calls itself).
  const Helper &liftCallee(const clang::FunctionDecl &fn, const clang::CallExpr &call);

  const clang::SourceManager &sm() { return ctx_.getSourceManager(); }
  Locator &locator() { return locator_; }
  /// Reports an error at `at` in the C++ file with the note at the extern.
  void error(clang::SourceRange at, const std::string &message);

private:
  const Helper &liftBody(const clang::FunctionDecl &fn);
  void checkSignature(const clang::FunctionDecl &fn);

  clang::ASTContext &ctx_;
  Locator &locator_;
  Module &module_;
  DiagnosticEngine &diag_;
  const ImportedName *importing_ = nullptr;
  std::unordered_map<const clang::FunctionDecl *, const Helper *> lifted_; // nullptr: failed
  std::vector<const clang::FunctionDecl *> inProgress_;
};

void Lifter::error(clang::SourceRange at, const std::string &message) {
  Locator::Place p = locator_.place(sm(), at);
  diag_.error(p.file, p.range, message);
  diag_.note(importing_->range, quote(importing_->name) + " is imported here");
}

const Helper *Lifter::lift(const clang::FunctionDecl &fn, const ImportedName &importedAs) {
  importing_ = &importedAs;
  try {
    return &liftBody(fn);
  } catch (const LiftError &) {
    return nullptr;
  }
}

const Helper &Lifter::liftCallee(const clang::FunctionDecl &fn, const clang::CallExpr &call) {
  for (const clang::FunctionDecl *f : inProgress_)
    if (f->getCanonicalDecl() == fn.getCanonicalDecl()) {
      error(call.getSourceRange(), quote(fn.getNameAsString()) +
                                       " calls itself (recursion); helpers are inlined, so none "
                                       "may call itself, directly or through others");
      throw LiftError{};
    }
  return liftBody(fn);
}

const Helper &Lifter::liftBody(const clang::FunctionDecl &fn) {
  if (auto it = lifted_.find(fn.getCanonicalDecl()); it != lifted_.end()) {
    if (!it->second)
      throw LiftError{}; // reported when it failed
    return *it->second;
  }
  inProgress_.push_back(&fn);
  auto helper = std::make_unique<Helper>();
  helper->name = fn.getNameAsString();
  Locator::Place at = locator_.place(sm(), fn.getLocation());
  helper->file = at.file;
  helper->range = at.range;
  try {
    checkSignature(fn);
    for (const clang::ParmVarDecl *p : fn.parameters())
      helper->params.push_back(p->getNameAsString());
    BodyLifter(*this, fn, *helper).run();
  } catch (const LiftError &) {
    inProgress_.pop_back();
    lifted_[fn.getCanonicalDecl()] = nullptr;
    throw;
  }
  inProgress_.pop_back();
  const Helper *h = helper.get();
  module_.helpers.push_back(std::move(helper));
  lifted_[fn.getCanonicalDecl()] = h;
  return *h;
}

// double f(double, ...) with named parameters taken by value: the only
// signature an elementwise function of the language has.
void Lifter::checkSignature(const clang::FunctionDecl &fn) {
  std::string name = quote(fn.getNameAsString());
  if (fn.getTemplatedKind() != clang::FunctionDecl::TK_NonTemplate) {
    error(fn.getLocation(), name + " is a template; a lifted helper is a plain function of doubles");
    throw LiftError{};
  }
  if (llvm::isa<clang::CXXMethodDecl>(fn)) {
    error(fn.getLocation(), name + " is a member function; a lifted helper is a free function");
    throw LiftError{};
  }
  if (fn.isVariadic()) {
    error(fn.getLocation(), name + " is variadic; a lifted helper takes a fixed number of doubles");
    throw LiftError{};
  }
  if (!isDouble(fn.getReturnType())) {
    error(fn.getReturnTypeSourceRange().isValid() ? fn.getReturnTypeSourceRange() : fn.getSourceRange(),
          name + " returns '" + fn.getReturnType().getAsString() +
              "'; a lifted helper returns double (plasticc computes in f64)");
    throw LiftError{};
  }
  for (const clang::ParmVarDecl *p : fn.parameters()) {
    clang::QualType t = p->getType();
    std::string what = "parameter " + quote(p->getNameAsString()) + " of " + name;
    if (p->getName().empty())
      what = "an unnamed parameter of " + name;
    if (t->isReferenceType() || t->isPointerType()) {
      error(p->getSourceRange(), what + " is a " + (t->isPointerType() ? "pointer" : "reference") +
                                     "; a lifted helper takes its arguments by value (double)");
      throw LiftError{};
    }
    if (!isDouble(t)) {
      error(p->getSourceRange(), what + " has type '" + t.getAsString() +
                                     "'; a lifted helper takes doubles only");
      throw LiftError{};
    }
  }
}

//===----------------------------------------------------------------------===//
// BodyLifter: building blocks
//===----------------------------------------------------------------------===//

SourceRange BodyLifter::rangeOf(const clang::Stmt *s) {
  return l_.locator().place(l_.sm(), s->getSourceRange()).range;
}

void BodyLifter::fail(const clang::Stmt *at, const std::string &message) {
  failAt(at->getSourceRange(), message);
}

void BodyLifter::failAt(clang::SourceRange at, const std::string &message) {
  l_.error(at, message);
  throw LiftError{};
}

// Every node goes through here: the size and depth limits hold for every
// helper, whatever its loops unroll to.
ExprPtr BodyLifter::finish(ExprPtr e, const clang::Stmt *at) {
  if (++nodes_ > kMaxHelperNodes)
    fail(at, "this function is too large once its loops are unrolled (more than " +
                 std::to_string(kMaxHelperNodes) + " operations)");
  return e;
}

ExprPtr BodyLifter::number(double v, const clang::Stmt *at) {
  return finish(std::make_unique<NumberExpr>(rangeOf(at), v, false, UnitSuffix::None), at);
}

ExprPtr BodyLifter::name(const std::string &n, const clang::Stmt *at) {
  return finish(std::make_unique<NameExpr>(rangeOf(at), n), at);
}

ExprPtr BodyLifter::binary(BinaryOp op, ExprPtr a, ExprPtr b, const clang::Stmt *at) {
  SourceRange r = rangeOf(at);
  if (auto *bo = llvm::dyn_cast<clang::BinaryOperator>(at))
    r = l_.locator().place(l_.sm(), bo->getOperatorLoc()).range;
  uint32_t h = std::max(a->height, b->height) + 1;
  auto e = std::make_unique<BinaryExpr>(r, op, r, std::move(a), std::move(b));
  e->height = h;
  if (h > kMaxExprHeight)
    fail(at, "expression too deep to lift (more than " + std::to_string(kMaxExprHeight) + " levels)");
  return finish(std::move(e), at);
}

ExprPtr BodyLifter::call(Builtin fn, std::vector<ExprPtr> args, const clang::Stmt *at) {
  uint32_t h = 1;
  for (auto &a : args)
    h = std::max(h, a->height + 1);
  SourceRange r = rangeOf(at);
  auto e = std::make_unique<CallExpr>(r, fn, r, std::move(args));
  e->height = h;
  if (h > kMaxExprHeight)
    fail(at, "expression too deep to lift (more than " + std::to_string(kMaxExprHeight) + " levels)");
  return finish(std::move(e), at);
}

std::string BodyLifter::fresh(const std::string &base) {
  auto [it, first] = used_.emplace(base, 1);
  if (first)
    return base;
  for (;;) {
    std::string n = base + "." + std::to_string(it->second++);
    if (used_.emplace(n, 1).second)
      return n;
  }
}

std::string BodyLifter::let(const std::string &base, ExprPtr value) {
  std::string n = fresh(base);
  h_.lets.push_back({n, std::move(value), nullptr});
  return n;
}

void BodyLifter::checkType(clang::QualType t, const clang::Stmt *at, const std::string &what) {
  if (isDouble(t) || isBool(t) || isInteger(t))
    return;
  std::string kind = t->isPointerType()     ? "a pointer"
                     : t->isReferenceType() ? "a reference"
                     : t->isArrayType()     ? "an array"
                                            : "of type '" + t.getAsString() + "'";
  fail(at, what + " is " + kind + "; a helper computes with double (and int, long and bool "
                                  "constants) only");
}

//===----------------------------------------------------------------------===//
// BodyLifter: statements
//===----------------------------------------------------------------------===//

bool containsReturn(const clang::Stmt *s) {
  if (!s)
    return false;
  if (llvm::isa<clang::ReturnStmt>(s))
    return true;
  for (const clang::Stmt *child : s->children())
    if (containsReturn(child))
      return true;
  return false;
}

void BodyLifter::run() {
  for (const clang::ParmVarDecl *p : fn_.parameters())
    used_.emplace(p->getNameAsString(), 1);
  Env env;
  for (const clang::ParmVarDecl *p : fn_.parameters())
    env[p] = Value{Value::Name, 0, p->getNameAsString()};
  h_.result = runFrom(push(fn_.getBody(), nullptr), std::move(env));
}

// Runs the continuation `k` to the function's return: statements without
// a return run in place; an `if` with a return splits the rest (both
// continuations are lifted and the results selected).
ExprPtr BodyLifter::runFrom(const Cont *k, Env env) {
  for (;;) {
    if (!k) {
      auto *body = llvm::dyn_cast<clang::CompoundStmt>(fn_.getBody());
      failAt(body ? body->getRBracLoc() : fn_.getBody()->getEndLoc(),
             "control reaches the end of " + quote(fn_.getNameAsString()) + " without a return");
    }
    const Cont &c = *k;
    k = c.next;
    if (c.loopHead) {
      k = loopTrip(c, k, env);
      continue;
    }
    const clang::Stmt *s = c.stmt;
    if (!containsReturn(s)) {
      exec(s, env);
      continue;
    }
    if (auto *block = llvm::dyn_cast<clang::CompoundStmt>(s)) {
      for (auto it = block->body_rbegin(); it != block->body_rend(); ++it)
        k = push(*it, k);
      continue;
    }
    if (auto *ret = llvm::dyn_cast<clang::ReturnStmt>(s)) {
      if (!ret->getRetValue())
        fail(ret, "a return without a value");
      return value(ret->getRetValue(), env);
    }
    if (auto *ifs = llvm::dyn_cast<clang::IfStmt>(s)) {
      if (ifs->getInit())
        exec(ifs->getInit(), env);
      if (ifs->getConditionVariableDeclStmt())
        fail(ifs->getConditionVariableDeclStmt(), "a declaration in a condition is outside the subset");
      if (std::optional<double> c = constant(ifs->getCond(), env)) {
        k = push(*c != 0 ? ifs->getThen() : ifs->getElse(), k);
        continue;
      }
      std::string cond = condition(ifs->getCond(), env);
      ExprPtr a = runFrom(push(ifs->getThen(), k), env);
      ExprPtr b = runFrom(push(ifs->getElse(), k), env);
      std::vector<ExprPtr> args;
      args.push_back(name(cond, ifs->getCond()));
      args.push_back(std::move(a));
      args.push_back(std::move(b));
      return call(Builtin::Select, std::move(args), ifs);
    }
    if (llvm::isa<clang::ForStmt>(s) || llvm::isa<clang::WhileStmt>(s)) {
      k = enterLoop(s, k, env);
      continue;
    }
    exec(s, env); // reports what is outside the subset
  }
}

// A loop with a return inside, unrolled through the continuation: each
// trip's test is a loop head, so a return in trip t splits the rest.
const BodyLifter::Cont *BodyLifter::enterLoop(const clang::Stmt *loop, const Cont *k, Env &env) {
  if (auto *f = llvm::dyn_cast<clang::ForStmt>(loop); f && f->getInit())
    exec(f->getInit(), env);
  Cont &head = conts_.emplace_back(Cont{loop, k, true, 0});
  return &head;
}

const BodyLifter::Cont *BodyLifter::loopTrip(const Cont &head, const Cont *k, Env &env) {
  const clang::Stmt *loop = head.stmt;
  const clang::Expr *cond = nullptr;
  const clang::Stmt *body = nullptr, *inc = nullptr;
  if (auto *f = llvm::dyn_cast<clang::ForStmt>(loop))
    cond = f->getCond(), body = f->getBody(), inc = f->getInc();
  else if (auto *w = llvm::dyn_cast<clang::WhileStmt>(loop))
    cond = w->getCond(), body = w->getBody();
  if (!cond)
    fail(loop, "a loop without a condition; plasticc unrolls loops, so each needs a trip count "
               "known when the helper is lifted");
  std::optional<double> go = constant(cond, env);
  if (!go)
    fail(cond, "the condition of this loop is not a compile-time constant; plasticc unrolls loops, "
               "so a loop's trip count must not depend on the helper's arguments");
  if (*go == 0)
    return k;
  if (head.trip >= kMaxLoopTrips)
    fail(loop, "this loop runs more than " + std::to_string(kMaxLoopTrips) +
                   " times; plasticc unrolls loops, so keep their trip counts small");
  Cont &next = conts_.emplace_back(Cont{loop, k, true, head.trip + 1});
  return push(body, push(inc, &next));
}

void BodyLifter::exec(const clang::Stmt *s, Env &env) {
  if (!s || llvm::isa<clang::NullStmt>(s))
    return;
  if (auto *block = llvm::dyn_cast<clang::CompoundStmt>(s)) {
    for (const clang::Stmt *child : block->body())
      exec(child, env);
    return;
  }
  if (auto *decls = llvm::dyn_cast<clang::DeclStmt>(s)) {
    for (const clang::Decl *d : decls->decls()) {
      auto *v = llvm::dyn_cast<clang::VarDecl>(d);
      if (!v)
        failAt(d->getSourceRange(), "only variables may be declared in a helper's body");
      declare(v, env);
    }
    return;
  }
  if (auto *e = llvm::dyn_cast<clang::Expr>(s)) {
    effect(e, env);
    return;
  }
  if (auto *ifs = llvm::dyn_cast<clang::IfStmt>(s)) {
    execIf(ifs, env);
    return;
  }
  if (llvm::isa<clang::ForStmt>(s) || llvm::isa<clang::WhileStmt>(s)) {
    execLoop(s, env);
    return;
  }
  if (llvm::isa<clang::BreakStmt>(s) || llvm::isa<clang::ContinueStmt>(s))
    fail(s, std::string("'") + (llvm::isa<clang::BreakStmt>(s) ? "break" : "continue") +
                "' is outside the subset; loops run their whole trip count");
  if (llvm::isa<clang::DoStmt>(s))
    fail(s, "a do-while loop is outside the subset; write it as a for loop with a constant trip count");
  if (llvm::isa<clang::SwitchStmt>(s))
    fail(s, "'switch' is outside the subset; write it with if/else");
  if (llvm::isa<clang::CXXForRangeStmt>(s))
    fail(s, "a range-based for loop is outside the subset (it needs an array)");
  fail(s, std::string("this statement (") + s->getStmtClassName() + ") is outside the subset");
}

// A run-time condition runs both branches and joins the variables that
// differ: select(c, then, else).
void BodyLifter::execIf(const clang::IfStmt *s, Env &env) {
  if (s->getInit())
    exec(s->getInit(), env);
  if (s->getConditionVariableDeclStmt())
    fail(s->getConditionVariableDeclStmt(), "a declaration in a condition is outside the subset");
  if (std::optional<double> c = constant(s->getCond(), env)) {
    exec(*c != 0 ? s->getThen() : s->getElse(), env);
    return;
  }
  std::string cond = condition(s->getCond(), env);
  Env a = env, b = env;
  exec(s->getThen(), a);
  exec(s->getElse(), b);
  join(env, cond, a, b);
  env = std::move(a);
}

void BodyLifter::join(const Env &before, const std::string &cond, Env &a, const Env &b) {
  for (auto &[var, old] : before) {
    Value &x = a[var];
    const Value &y = b.at(var);
    if (x == y)
      continue;
    if (isInteger(var->getType()) || x.kind == Value::Unset || y.kind == Value::Unset ||
        x.kind == Value::Unknown || y.kind == Value::Unknown) {
      // Read later, this is an error (an integer that depends on a
      // run-time branch, or a variable set on one side only).
      x = Value{Value::Unknown, 0, {}};
      continue;
    }
    auto operand = [&](const Value &v) {
      return v.kind == Value::Number ? number(v.number, fn_.getBody()) : name(v.name, fn_.getBody());
    };
    std::vector<ExprPtr> args;
    args.push_back(name(cond, fn_.getBody()));
    args.push_back(operand(x));
    args.push_back(operand(y));
    std::string n = let(var->getNameAsString(), call(Builtin::Select, std::move(args), fn_.getBody()));
    x = Value{Value::Name, 0, n};
  }
}

// Unrolled in place: the condition must be known before each trip.
void BodyLifter::execLoop(const clang::Stmt *loop, Env &env) {
  const Cont *k = enterLoop(loop, nullptr, env);
  while (k) {
    const Cont &c = *k;
    k = c.next;
    if (c.loopHead)
      k = loopTrip(c, k, env);
    else
      exec(c.stmt, env);
  }
}

void BodyLifter::declare(const clang::VarDecl *v, Env &env) {
  std::string what = "variable " + quote(v->getNameAsString());
  if (v->isStaticLocal() || v->hasGlobalStorage())
    fail(v->getInit() ? static_cast<const clang::Stmt *>(v->getInit()) : fn_.getBody(),
         "static " + what + " keeps its value between calls; a helper must be pure");
  if (v->getType()->isReferenceType() || v->getType()->isPointerType() || v->getType()->isArrayType() ||
      !(isDouble(v->getType()) || isBool(v->getType()) || isInteger(v->getType())))
    failAt(v->getSourceRange(), what + " has type '" + v->getType().getAsString() +
                                    "'; a helper's variables are double, bool or integer "
                                    "constants (no pointers, references or arrays)");
  env[v] = Value{Value::Unset, 0, {}};
  if (const clang::Expr *init = v->getInit())
    assign(v, init, init, env);
}

// The local variable an assignment writes, or an error (a parameter is a
// local too; globals, pointers and array elements are not).
const clang::VarDecl *BodyLifter::localTarget(const clang::Expr *e, const Env &env) {
  auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(e->IgnoreParens());
  auto *v = ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  if (v && env.count(v))
    return v;
  if (v && v->hasGlobalStorage())
    fail(e, "writes the global variable " + quote(v->getNameAsString()) + "; a helper must be pure");
  fail(e, "writes something other than a local variable; a helper may assign only its own "
          "variables and parameters");
}

void BodyLifter::assign(const clang::VarDecl *v, const clang::Expr *valueExpr, const clang::Expr *at,
                        Env &env, std::optional<clang::BinaryOperatorKind> compound) {
  if (isInteger(v->getType())) {
    double x = integerConstant(valueExpr, env, "an integer variable's value");
    if (compound) {
      const Value &old = env.at(v);
      if (old.kind != Value::Number)
        fail(at, "integer " + quote(v->getNameAsString()) + " is not known here");
      double y = old.number;
      switch (*compound) {
      case clang::BO_AddAssign: x = y + x; break;
      case clang::BO_SubAssign: x = y - x; break;
      case clang::BO_MulAssign: x = y * x; break;
      case clang::BO_DivAssign:
        if (x == 0)
          fail(at, "integer division by zero");
        x = std::trunc(y / x);
        break;
      default: fail(at, "this compound assignment is outside the subset");
      }
    }
    if (!fitsInteger(x, v->getType()))
      fail(at, "the value of " + quote(v->getNameAsString()) + " overflows '" +
                   v->getType().getAsString() + "' (undefined in C++)");
    env[v] = Value{Value::Number, x, {}};
    return;
  }
  ExprPtr e = isBool(v->getType()) ? mask(valueExpr, env) : value(valueExpr, env);
  if (compound) {
    BinaryOp op = BinaryOp::Add;
    switch (*compound) {
    case clang::BO_AddAssign: op = BinaryOp::Add; break;
    case clang::BO_SubAssign: op = BinaryOp::Sub; break;
    case clang::BO_MulAssign: op = BinaryOp::Mul; break;
    case clang::BO_DivAssign: op = BinaryOp::Div; break;
    default: fail(at, "this compound assignment is outside the subset");
    }
    ExprPtr old = value(llvm::cast<clang::BinaryOperator>(at)->getLHS(), env);
    e = binary(op, std::move(old), std::move(e), at);
  }
  if (auto *n = dyn<NumberExpr>(e.get()))
    env[v] = Value{Value::Number, n->literal, {}};
  else if (auto *nm = dyn<NameExpr>(e.get()))
    env[v] = Value{Value::Name, 0, nm->name};
  else
    env[v] = Value{Value::Name, 0, let(v->getNameAsString(), std::move(e))};
}

// An expression statement: an assignment, ++/--, or a value that is
// dropped (still lifted, so that what it calls is checked).
void BodyLifter::effect(const clang::Expr *e, Env &env) {
  e = e->IgnoreParens();
  if (auto *cleanups = llvm::dyn_cast<clang::ExprWithCleanups>(e))
    e = cleanups->getSubExpr();
  if (auto *bo = llvm::dyn_cast<clang::BinaryOperator>(e); bo && bo->isAssignmentOp()) {
    const clang::VarDecl *v = localTarget(bo->getLHS(), env);
    if (bo->getOpcode() == clang::BO_Assign)
      assign(v, bo->getRHS(), bo, env);
    else
      assign(v, bo->getRHS(), bo, env, bo->getOpcode());
    return;
  }
  if (auto *uo = llvm::dyn_cast<clang::UnaryOperator>(e); uo && uo->isIncrementDecrementOp()) {
    const clang::VarDecl *v = localTarget(uo->getSubExpr(), env);
    double step = uo->isIncrementOp() ? 1 : -1;
    const Value &old = env.at(v);
    if (isInteger(v->getType())) {
      if (old.kind != Value::Number)
        fail(e, "integer " + quote(v->getNameAsString()) + " is not known here");
      if (!fitsInteger(old.number + step, v->getType()))
        fail(e, "the value of " + quote(v->getNameAsString()) + " overflows '" +
                    v->getType().getAsString() + "' (undefined in C++)");
      env[v] = Value{Value::Number, old.number + step, {}};
      return;
    }
    ExprPtr x = value(uo->getSubExpr(), env);
    env[v] = Value{Value::Name, 0,
                   let(v->getNameAsString(), binary(BinaryOp::Add, std::move(x), number(step, e), e))};
    return;
  }
  (void)value(e, env);
}

//===----------------------------------------------------------------------===//
// BodyLifter: expressions
//===----------------------------------------------------------------------===//

// A condition used more than once (by every variable an `if` joins) is a
// local of its own.
std::string BodyLifter::condition(const clang::Expr *cond, const Env &env) {
  ExprPtr m = mask(cond, env);
  if (auto *n = dyn<NameExpr>(m.get()))
    return n->name;
  return let("cond", std::move(m));
}

// A truth value as 1.0 / 0.0: a bool already is one; a double x is x != 0.
ExprPtr BodyLifter::mask(const clang::Expr *e, const Env &env) {
  const clang::Expr *inner = e->IgnoreParens();
  if (auto *cast = llvm::dyn_cast<clang::ImplicitCastExpr>(inner);
      cast && cast->getCastKind() == clang::CK_FloatingToBoolean && isDouble(cast->getSubExpr()->getType()))
    return binary(BinaryOp::Ne, value(cast->getSubExpr(), env), number(0, e), e);
  if (isBool(e->getType()) || isInteger(e->getType()))
    return isBool(e->getType()) ? value(e, env) : number(integerConstant(e, env, "a condition") != 0, e);
  return binary(BinaryOp::Ne, value(e, env), number(0, e), e);
}

double BodyLifter::integerConstant(const clang::Expr *e, const Env &env, const char *what) {
  std::optional<double> c = constant(e, env);
  if (!c)
    fail(e, std::string(what) + " must be a compile-time constant: plasticc computes in double, so "
                                "integers serve only as loop counters and constants");
  return *c;
}

// The value of `e` if it is known while lifting: literals, integer
// variables, double variables holding a known number, const globals, and
// arithmetic, comparisons and logic on those, with C++'s integer rules.
std::optional<double> BodyLifter::constant(const clang::Expr *e, const Env &env) {
  e = e->IgnoreParens();
  if (auto *i = llvm::dyn_cast<clang::IntegerLiteral>(e))
    return static_cast<double>(i->getValue().getSExtValue());
  if (auto *f = llvm::dyn_cast<clang::FloatingLiteral>(e))
    return isDouble(f->getType()) ? std::optional<double>(f->getValue().convertToDouble()) : std::nullopt;
  if (auto *b = llvm::dyn_cast<clang::CXXBoolLiteralExpr>(e))
    return b->getValue() ? 1.0 : 0.0;
  if (auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(e)) {
    if (auto *ec = llvm::dyn_cast<clang::EnumConstantDecl>(ref->getDecl()))
      return static_cast<double>(ec->getInitVal().getSExtValue());
    auto *v = llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
    if (!v)
      return std::nullopt;
    if (auto it = env.find(v); it != env.end())
      return it->second.kind == Value::Number ? std::optional<double>(it->second.number) : std::nullopt;
    if (v->hasGlobalStorage() && v->getType().isConstQualified() && v->getInit()) {
      if (const clang::APValue *val = v->evaluateValue()) {
        if (val->isInt())
          return static_cast<double>(val->getInt().getSExtValue());
        if (val->isFloat() && isDouble(v->getType()))
          return val->getFloat().convertToDouble();
      }
    }
    return std::nullopt;
  }
  if (auto *cast = llvm::dyn_cast<clang::CastExpr>(e)) {
    std::optional<double> x = constant(cast->getSubExpr(), env);
    if (!x)
      return std::nullopt;
    clang::QualType to = cast->getType();
    if (isBool(to))
      return *x != 0 ? 1.0 : 0.0;
    if (isInteger(to))
      return std::isfinite(*x) && std::fabs(*x) < 9.2e18 ? std::optional<double>(std::trunc(*x)) : std::nullopt;
    return isDouble(to) ? x : std::nullopt;
  }
  if (auto *u = llvm::dyn_cast<clang::UnaryOperator>(e)) {
    std::optional<double> x = constant(u->getSubExpr(), env);
    if (!x)
      return std::nullopt;
    switch (u->getOpcode()) {
    case clang::UO_Minus: return -*x;
    case clang::UO_Plus: return *x;
    case clang::UO_LNot: return *x == 0 ? 1.0 : 0.0;
    default: return std::nullopt;
    }
  }
  if (auto *b = llvm::dyn_cast<clang::BinaryOperator>(e))
    return constantBinary(b, env);
  if (auto *c = llvm::dyn_cast<clang::ConditionalOperator>(e)) {
    std::optional<double> cond = constant(c->getCond(), env);
    if (!cond)
      return std::nullopt;
    return constant(*cond != 0 ? c->getTrueExpr() : c->getFalseExpr(), env);
  }
  return std::nullopt;
}

std::optional<double> BodyLifter::constantBinary(const clang::BinaryOperator *b, const Env &env) {
  using namespace clang;
  BinaryOperatorKind op = b->getOpcode();
  std::optional<double> x = constant(b->getLHS(), env);
  if (op == BO_LAnd || op == BO_LOr) { // short-circuit, as C++ does
    if (x && (*x != 0) == (op == BO_LOr))
      return op == BO_LOr ? 1.0 : 0.0;
    std::optional<double> y = constant(b->getRHS(), env);
    if (!x || !y)
      return std::nullopt;
    return *y != 0 ? 1.0 : 0.0;
  }
  std::optional<double> y = constant(b->getRHS(), env);
  if (!x || !y || b->isAssignmentOp() || op == BO_Comma)
    return std::nullopt;
  bool integral = isInteger(b->getType());
  auto checked = [&](double r) -> std::optional<double> {
    if (integral && !fitsInteger(r, b->getType()))
      fail(b, "this integer arithmetic overflows '" + b->getType().getAsString() +
                  "' (undefined in C++)");
    return r;
  };
  switch (op) {
  case BO_Add: return checked(*x + *y);
  case BO_Sub: return checked(*x - *y);
  case BO_Mul: return checked(*x * *y);
  case BO_Div:
    if (integral)
      return *y == 0 ? std::nullopt : std::optional<double>(std::trunc(*x / *y));
    return *x / *y;
  case BO_Rem:
    return integral && *y != 0 ? std::optional<double>(std::fmod(*x, *y)) : std::nullopt;
  case BO_LT: return *x < *y ? 1.0 : 0.0;
  case BO_GT: return *x > *y ? 1.0 : 0.0;
  case BO_LE: return *x <= *y ? 1.0 : 0.0;
  case BO_GE: return *x >= *y ? 1.0 : 0.0;
  case BO_EQ: return *x == *y ? 1.0 : 0.0;
  case BO_NE: return *x != *y ? 1.0 : 0.0;
  default: return std::nullopt;
  }
}

// The value of a double or bool expression as an expression of the
// language; integer subexpressions are constants.
ExprPtr BodyLifter::value(const clang::Expr *e, const Env &env) {
  e = e->IgnoreParens();
  if (auto *ce = llvm::dyn_cast<clang::CallExpr>(e))
    return callValue(ce, env); // before its type: printf's int says less than its name
  if (isInteger(e->getType()))
    return number(integerConstant(e, env, "an integer value"), e);
  checkType(e->getType(), e, "this value");
  if (auto *f = llvm::dyn_cast<clang::FloatingLiteral>(e))
    return number(f->getValue().convertToDouble(), e);
  if (auto *b = llvm::dyn_cast<clang::CXXBoolLiteralExpr>(e))
    return number(b->getValue() ? 1 : 0, e);
  if (auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(e))
    return readVar(ref, env);
  if (auto *cast = llvm::dyn_cast<clang::CastExpr>(e))
    return castValue(cast, env);
  if (auto *u = llvm::dyn_cast<clang::UnaryOperator>(e))
    return unaryValue(u, env);
  if (auto *b = llvm::dyn_cast<clang::BinaryOperator>(e))
    return binaryValue(b, env);
  if (auto *c = llvm::dyn_cast<clang::ConditionalOperator>(e)) {
    if (std::optional<double> cond = constant(c->getCond(), env))
      return value(*cond != 0 ? c->getTrueExpr() : c->getFalseExpr(), env);
    std::vector<ExprPtr> args;
    args.push_back(mask(c->getCond(), env));
    args.push_back(value(c->getTrueExpr(), env));
    args.push_back(value(c->getFalseExpr(), env));
    return call(Builtin::Select, std::move(args), c);
  }
  if (auto *m = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(e))
    return value(m->getSubExpr(), env);
  if (auto *w = llvm::dyn_cast<clang::ExprWithCleanups>(e))
    return value(w->getSubExpr(), env);
  if (auto *d = llvm::dyn_cast<clang::CXXDefaultArgExpr>(e))
    return value(d->getExpr(), env);
  fail(e, std::string("this expression (") + e->getStmtClassName() + ") is outside the subset");
}

ExprPtr BodyLifter::readVar(const clang::DeclRefExpr *e, const Env &env) {
  const clang::ValueDecl *d = e->getDecl();
  auto *v = llvm::dyn_cast<clang::VarDecl>(d);
  if (!v)
    fail(e, quote(d->getNameAsString()) + " is not a variable; a helper reads its parameters and locals");
  if (auto it = env.find(v); it != env.end()) {
    const Value &x = it->second;
    switch (x.kind) {
    case Value::Number: return number(x.number, e);
    case Value::Name: return name(x.name, e);
    case Value::Unset:
      fail(e, quote(v->getNameAsString()) + " is read before it is assigned");
    case Value::Unknown:
      if (isInteger(v->getType()))
        fail(e, "integer " + quote(v->getNameAsString()) + " is set in a branch on a run-time condition, "
                                                           "so its value is not known while lifting");
      fail(e, quote(v->getNameAsString()) + " is assigned on one side of an 'if' only, so it has no "
                                           "value here on every path");
    }
  }
  if (std::optional<double> c = constant(e, env))
    return number(*c, e); // a const global with a constant value
  if (v->hasGlobalStorage())
    fail(e, "reads the global variable " + quote(v->getNameAsString()) +
                "; a helper may read only its parameters, its locals and constants");
  fail(e, "reads " + quote(v->getNameAsString()) + ", which is not a local of this function");
}

ExprPtr BodyLifter::castValue(const clang::CastExpr *e, const Env &env) {
  const clang::Expr *sub = e->getSubExpr();
  switch (e->getCastKind()) {
  case clang::CK_LValueToRValue:
  case clang::CK_NoOp:
    return value(sub, env);
  case clang::CK_FloatingCast:
    if (isDouble(sub->getType()) && isDouble(e->getType()))
      return value(sub, env);
    fail(e, "a conversion between '" + sub->getType().getAsString() + "' and '" +
                e->getType().getAsString() + "'; a helper computes with double only");
  case clang::CK_IntegralToFloating:
    return value(sub, env); // an integer constant, or a bool's 1.0 / 0.0
  case clang::CK_FloatingToBoolean:
  case clang::CK_IntegralToBoolean:
    return mask(sub, env);
  default:
    fail(e, std::string("this conversion (") + e->getCastKindName() + ") is outside the subset");
  }
}

ExprPtr BodyLifter::unaryValue(const clang::UnaryOperator *e, const Env &env) {
  switch (e->getOpcode()) {
  case clang::UO_Minus: {
    ExprPtr x = value(e->getSubExpr(), env);
    uint32_t h = x->height + 1;
    auto u = std::make_unique<UnaryExpr>(rangeOf(e), std::move(x));
    u->height = h;
    return finish(std::move(u), e);
  }
  case clang::UO_Plus:
    return value(e->getSubExpr(), env);
  case clang::UO_LNot:
    return binary(BinaryOp::Eq, mask(e->getSubExpr(), env), number(0, e), e);
  case clang::UO_AddrOf:
  case clang::UO_Deref:
    fail(e, "pointers are outside the subset; a helper computes with values");
  default:
    if (e->isIncrementDecrementOp())
      fail(e, "'++' and '--' inside an expression are outside the subset; write them as statements "
              "of their own");
    fail(e, std::string("the operator '") + clang::UnaryOperator::getOpcodeStr(e->getOpcode()).str() +
                "' is outside the subset");
  }
}

ExprPtr BodyLifter::binaryValue(const clang::BinaryOperator *e, const Env &env) {
  using namespace clang;
  if (e->isAssignmentOp())
    fail(e, "an assignment inside an expression is outside the subset; assign in a statement of its own");
  BinaryOperatorKind op = e->getOpcode();
  if (op == BO_LAnd || op == BO_LOr) {
    // Masks are 0 or 1 (never NaN), so a && b = a * b and a || b =
    // max(a, b); a side known while lifting decides as C++ would.
    if (std::optional<double> x = constant(e->getLHS(), env))
      return (*x != 0) == (op == BO_LOr) ? number(op == BO_LOr ? 1 : 0, e) : mask(e->getRHS(), env);
    ExprPtr a = mask(e->getLHS(), env), b = mask(e->getRHS(), env);
    if (op == BO_LAnd)
      return binary(BinaryOp::Mul, std::move(a), std::move(b), e);
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return call(Builtin::Max, std::move(args), e);
  }
  std::optional<BinaryOp> to;
  switch (op) {
  case BO_Add: to = BinaryOp::Add; break;
  case BO_Sub: to = BinaryOp::Sub; break;
  case BO_Mul: to = BinaryOp::Mul; break;
  case BO_Div: to = BinaryOp::Div; break;
  case BO_LT: to = BinaryOp::Lt; break;
  case BO_GT: to = BinaryOp::Gt; break;
  case BO_LE: to = BinaryOp::Le; break;
  case BO_GE: to = BinaryOp::Ge; break;
  case BO_EQ: to = BinaryOp::Eq; break;
  case BO_NE: to = BinaryOp::Ne; break;
  default:
    fail(e, "the operator '" + BinaryOperator::getOpcodeStr(op).str() + "' is outside the subset");
  }
  if (e->isComparisonOp()) {
    if (std::optional<double> c = constant(e, env))
      return number(*c, e);
  }
  return binary(*to, value(e->getLHS(), env), value(e->getRHS(), env), e);
}

// A function of the file (lifted in turn, called as a helper) or of
// <cmath> (the built-in of the same meaning); nothing else.
ExprPtr BodyLifter::callValue(const clang::CallExpr *e, const Env &env) {
  const clang::FunctionDecl *fn = e->getDirectCallee();
  if (!fn)
    fail(e, "a call through a pointer or an object is outside the subset");
  std::string fname = fn->getNameAsString();
  if (llvm::isa<clang::CXXOperatorCallExpr>(e) || llvm::isa<clang::CXXMemberCallExpr>(e))
    fail(e, "a call of " + quote(fname) + " is outside the subset (a helper calls only <cmath> "
                                          "functions and functions of its file; no I/O)");
  const clang::FunctionDecl *def = nullptr;
  if (fn->hasBody(def) && !l_.sm().isInSystemHeader(def->getLocation())) {
    const Helper &callee = l_.liftCallee(*def, *e);
    std::vector<ExprPtr> args;
    uint32_t h = 1;
    for (const clang::Expr *a : e->arguments()) {
      args.push_back(value(a, env));
      h = std::max(h, args.back()->height + 1);
    }
    SourceRange r = rangeOf(e);
    auto c = std::make_unique<HelperCallExpr>(r, callee.name, r, std::move(args));
    c->helper = &callee;
    c->height = h;
    return finish(std::move(c), e);
  }
  const MathFunction *math = mathFunction(fname);
  bool standard = fn->getBuiltinID() != 0 || l_.sm().isInSystemHeader(fn->getLocation());
  if (!math || !standard)
    fail(e, "a call of " + quote(fname) + ", which is neither a <cmath> function plasticc maps to a "
                                          "built-in (" + mathFunctionNames() +
                ") nor a function defined in the imported file; a helper must be pure (no I/O)");
  Builtin fnKind;
  bool known = builtinFromName(math->builtin, fnKind);
  PLASTICC_INTERNAL_ASSERT(known, std::string("no built-in ") + math->builtin);
  if (static_cast<int>(e->getNumArgs()) != builtinArity(fnKind))
    fail(e, quote(fname) + " with " + std::to_string(e->getNumArgs()) + " arguments is outside the subset");
  std::vector<ExprPtr> args;
  for (const clang::Expr *a : e->arguments())
    args.push_back(value(a, env));
  return call(fnKind, std::move(args), e);
}

//===----------------------------------------------------------------------===//
// Naming the functions
//===----------------------------------------------------------------------===//

/// The definition `name` denotes in the file, or an error at the extern.
const clang::FunctionDecl *
findNamed(const ImportedName &name, const std::map<std::string, std::vector<const clang::FunctionDecl *>> &fns,
          const std::string &file, Lifter &lifter, DiagnosticEngine &diag) {
  auto it = fns.find(name.name);
  if (it == fns.end()) {
    ClosestName closest(name.name);
    for (auto &[n, defs] : fns)
      closest.consider(n);
    std::string hint = closest.best().empty() ? "" : "; did you mean " + quote(closest.best()) + "?";
    diag.error(name.range, "no function " + quote(name.name) + " is defined in '" + file + "'" + hint);
    return nullptr;
  }
  if (it->second.size() > 1) {
    Locator::Place p = lifter.locator().place(lifter.sm(), it->second[1]->getLocation());
    diag.error(p.file, p.range, quote(name.name) + " is defined more than once (overloads or namespaces); "
                                                  "plasticc imports a function by its name, so the name "
                                                  "must be unique in the file");
    diag.note(name.range, quote(name.name) + " is imported here");
    return nullptr;
  }
  return it->second[0];
}

} // namespace

std::string withImportedSources(std::string text, const Module &module) {
  for (const auto &file : module.importedFiles)
    text += "\n# plasticc: extern file\n" + file->text();
  return text;
}

bool importHelpers(const ExternDecl &decl, Module &module, DiagnosticEngine &diag) {
  std::string path = resolveImportPath(diag.file().path(), decl.path);
  std::string err;
  std::shared_ptr<SourceFile> file = SourceFile::read(path, err);
  if (!file) {
    diag.error(decl.pathRange, err);
    return false;
  }
  module.importedFiles.push_back(file);
  Locator locator(file);
  unsigned before = diag.errorCount();
  std::unique_ptr<clang::ASTUnit> unit = parseCpp(path, locator, diag, decl.pathRange);
  if (!unit)
    return false;
  clang::ASTContext &ctx = unit->getASTContext();
  std::map<std::string, std::vector<const clang::FunctionDecl *>> fns;
  findFunctions(ctx.getTranslationUnitDecl(), ctx.getSourceManager(), fns);
  Lifter lifter(ctx, locator, module, diag);
  for (const ImportedName &name : decl.names) {
    const clang::FunctionDecl *fn = findNamed(name, fns, decl.path, lifter, diag);
    if (!fn)
      continue;
    if (const Helper *h = lifter.lift(*fn, name))
      const_cast<Helper *>(h)->imported = true;
  }
  return diag.errorCount() == before;
}

} // namespace plasticc

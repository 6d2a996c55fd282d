//===- compiler/frontend/Defines.cpp - dims and params set on the command line -===//
#include "compiler/frontend/Defines.h"

#include <algorithm>

#include "compiler/frontend/Sema.h"
#include "compiler/frontend/Spelling.h"

#include <charconv>
#include <cmath>

namespace plasticc {

namespace {

std::string quote(const std::string &s) { return "'" + s + "'"; }

/// "20ms", "20 ms", "0.02s", "40 Hz", "1e-3": a finite number and its suffix.
bool parseValue(const std::string &v, double &number, ast::UnitSuffix &suffix) {
  const char *end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, number);
  if (ec != std::errc() || !std::isfinite(number))
    return false;
  std::string rest(p, end);
  while (!rest.empty() && rest.front() == ' ')
    rest.erase(0, 1);
  if (rest.empty())
    suffix = ast::UnitSuffix::None;
  else if (rest == "ms")
    suffix = ast::UnitSuffix::Millisecond;
  else if (rest == "s")
    suffix = ast::UnitSuffix::Second;
  else if (rest == "Hz")
    suffix = ast::UnitSuffix::Hertz;
  else
    return false;
  return true;
}

SourceRange rangeAt(size_t col, size_t length) {
  Loc b{1, static_cast<uint32_t>(col + 1)};
  Loc e{1, static_cast<uint32_t>(col + 1 + std::max<size_t>(length, 1))};
  return {b, e};
}

} // namespace

Defines::Defines(const std::vector<std::string> &args) {
  std::string text;
  for (const std::string &a : args) {
    if (!text.empty())
      text += ' ';
    text += "-D ";
    Entry e;
    e.text = a;
    size_t at = text.size(), eq = a.find('=');
    e.range = rangeAt(at, a.size());
    e.name = a.substr(0, eq);
    e.nameRange = rangeAt(at, e.name.size());
    if (eq != std::string::npos) {
      e.value = a.substr(eq + 1);
      e.valueRange = rangeAt(at + eq + 1, e.value.size());
    }
    text += a;
    entries_.push_back(std::move(e));
  }
  commandLine_ = std::make_shared<SourceFile>("<command line>", text);
}

std::string Defines::hashedSource(const std::string &text) const {
  if (entries_.empty())
    return text;
  // Sorted by name, so that the order of the -D options does not change the
  // hash (a run resumes with its defines in any order).
  std::vector<const Entry *> sorted;
  for (const Entry &e : entries_)
    sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(),
            [](const Entry *a, const Entry *b) { return a->name < b->name; });
  std::string out = text + "\n# plasticc";
  for (const Entry *e : sorted)
    out += " -D " + e->name + "=" + e->value;
  return out + "\n";
}

bool Defines::apply(ast::Module &module, DiagnosticEngine &cmd, DiagnosticEngine &file) const {
  bool ok = true;
  for (size_t k = 0; k < entries_.size(); ++k) {
    const Entry &e = entries_[k];
    bool twice = false;
    for (size_t j = 0; j < k; ++j)
      twice |= entries_[j].name == e.name;
    if (twice) {
      cmd.error(e.nameRange, quote(e.name) + " is set twice with -D");
      ok = false;
      continue;
    }
    ok &= applyOne(module, e, cmd, file);
  }
  return ok;
}

bool Defines::applyOne(ast::Module &module, const Entry &e, DiagnosticEngine &cmd,
                       DiagnosticEngine &file) const {
  if (e.value.empty() || e.text.find('=') == std::string::npos || e.name.empty()) {
    cmd.error(e.range, "-D takes NAME=VALUE, as in -D N=256 or -D tau=20ms, got " + quote(e.text));
    return false;
  }
  ClosestName closest(e.name);
  for (auto &d : module.decls) {
    if (auto *dim = ast::dyn<ast::DimDecl>(d.get())) {
      closest.consider(dim->name);
      if (dim->name != e.name)
        continue;
      int64_t v = 0;
      auto [p, ec] = std::from_chars(e.value.data(), e.value.data() + e.value.size(), v);
      if (ec != std::errc() || p != e.value.data() + e.value.size() || v <= 0 || v > kMaxDim) {
        cmd.error(e.valueRange, "dim " + quote(e.name) + " must be a positive integer (at most " +
                                    std::to_string(kMaxDim) + "), got " + quote(e.value));
        file.note(dim->nameRange, quote(e.name) + " declared here");
        return false;
      }
      dim->value = v;
      dim->isInteger = true;
      dim->spelling = e.value;
      return true;
    }
    auto *q = ast::dyn<ast::QuantityDecl>(d.get());
    if (!q)
      continue;
    if (q->qkind == ast::QuantityKind::Param)
      closest.consider(q->name);
    if (q->name != e.name)
      continue;
    if (q->qkind != ast::QuantityKind::Param) {
      std::string kind = ast::quantityKindName(q->qkind);
      bool vowel = std::string("aeiou").find(kind[0]) != std::string::npos;
      cmd.error(e.nameRange, quote(e.name) + " is " + (vowel ? "an " : "a ") + kind +
                                 "; -D sets only dims and params");
      file.note(q->nameRange, quote(e.name) + " declared here");
      return false;
    }
    double number = 0;
    ast::UnitSuffix suffix = ast::UnitSuffix::None;
    if (!parseValue(e.value, number, suffix)) {
      cmd.error(e.valueRange, "the value of param " + quote(e.name) + " must be a number with an "
                              "optional unit (ms, s, Hz), as in 0.01 or 20ms, got " + quote(e.value));
      return false;
    }
    // A param declared as a number keeps its unit: `tau = 10 ms` takes 20ms.
    auto *old = ast::dyn<ast::NumberExpr>(q->init.get());
    if (old && !(ast::unitOfSuffix(old->suffix) == ast::unitOfSuffix(suffix))) {
      cmd.error(e.valueRange,
                old->suffix == ast::UnitSuffix::None
                    ? "param " + quote(e.name) + " is dimensionless, so its value takes no unit, got " +
                          quote(e.value)
                    : "param " + quote(e.name) + " is declared in " +
                          ast::unitSuffixName(old->suffix) +
                          ", so its value needs a unit of the same kind, got " + quote(e.value));
      file.note(q->init->range, quote(e.name) + " declared here");
      return false;
    }
    SourceRange at = q->init ? q->init->range : q->nameRange;
    // A param declared by an expression has a unit only Sema knows: it
    // checks the value against the declared expression (AST.h).
    if (q->init && !old) {
      q->declaredInit = std::move(q->init);
      q->definedBy = e.text;
    }
    q->init = std::make_unique<ast::NumberExpr>(at, number, false, suffix);
    return true;
  }
  std::string hint = closest.best().empty() ? "" : "; did you mean " + quote(closest.best()) + "?";
  cmd.error(e.nameRange, "model " + quote(module.name) + " has no dim or param " + quote(e.name) + hint);
  return false;
}

} // namespace plasticc

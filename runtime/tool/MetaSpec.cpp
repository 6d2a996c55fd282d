//===- runtime/tool/MetaSpec.cpp - --init and --freeze --------------------===//
#include "runtime/tool/MetaSpec.h"

#include "runtime/tool/Rules.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>
#include <fstream>

namespace plasticc::tool {

std::vector<std::string> splitSpec(const std::string &spec) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  for (char c : spec) {
    depth += c == '[' ? 1 : c == ']' ? -1 : 0;
    if (c == ',' && depth == 0) {
      if (!item.empty())
        items.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  if (!item.empty()) // the last item, or an unclosed '[' with all after it
    items.push_back(item);
  return items;
}

namespace {

/// Splits "theta[1,*]" into "theta" and {"1", "*"} ("eta" into "eta", {}).
void splitName(const std::string &name, std::string &base, std::vector<std::string> &index) {
  size_t open = name.find('[');
  base = name.substr(0, open);
  index.clear();
  if (open == std::string::npos)
    return;
  std::string inner = name.substr(open + 1, name.size() - open - 2);
  size_t from = 0;
  for (size_t at; (at = inner.find(',', from)) != std::string::npos; from = at + 1)
    index.push_back(inner.substr(from, at - from));
  index.push_back(inner.substr(from));
}

} // namespace

bool checkPattern(const std::string &option, const std::string &pattern, std::string &err) {
  size_t open = pattern.find('[');
  if (open == std::string::npos ||
      (pattern.back() == ']' && pattern.find_first_of("[]", open + 1) == pattern.size() - 1))
    return true;
  err = option + ": '" + pattern + "' is malformed: write NAME, NAME[i] or NAME[i,j], where an "
                                   "index may be *";
  return false;
}

bool matchesPattern(const std::string &pattern, const std::string &name) {
  std::string pb, nb;
  std::vector<std::string> pi, ni;
  splitName(pattern, pb, pi);
  splitName(name, nb, ni);
  if (pb != nb)
    return false;
  if (pi.empty())
    return true; // a bare quantity name: every scalar of it
  if (pi.size() != ni.size())
    return false;
  for (size_t d = 0; d < pi.size(); ++d)
    if (pi[d] != "*" && pi[d] != ni[d])
      return false;
  return true;
}

bool applySettings(const std::string &option, const std::string &spec,
                   const meta::ModelBinding &b, std::vector<double> &meta, std::string &err) {
  std::set<std::string> seen;
  for (const std::string &item : splitSpec(spec)) {
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq), num = eq == std::string::npos ? "" : item.substr(eq + 1);
    char *end = nullptr;
    double v = std::strtod(num.c_str(), &end);
    if (num.empty() || *end != '\0') {
      err = option + ": expected NAME=VALUE, got '" + item + "'";
      return false;
    }
    if (!std::isfinite(v)) { // strtod accepts nan and inf
      err = option + ": " + name + " = " + num + " is not a finite number";
      return false;
    }
    int64_t k = b.metaIndex(name);
    if (k < 0) {
      err = option + ": model '" + b.info().name + "' has no meta scalar '" + name + "'";
      return false;
    }
    if (!seen.insert(name).second) {
      err = option + ": '" + name + "' is set twice";
      return false;
    }
    meta[static_cast<size_t>(k)] = v;
  }
  return true;
}

bool applyInit(const std::string &spec, const meta::ModelBinding &b, std::vector<double> &meta,
               std::string &err) {
  if (!spec.ends_with(".json"))
    return applySettings("--init", spec, b, meta, err);
  // A rule of another model with the same meta quantities may start this one.
  std::vector<std::string> notes;
  std::optional<meta::Rule> rule = readRuleFile(spec, "--init", b, false, notes, err);
  if (!rule) {
    err = "--init: " + err;
    return false;
  }
  meta = rule->meta;
  return true;
}

bool parseFreeze(const std::string &spec, const meta::ModelBinding &b, std::vector<bool> &frozen,
                 std::string &err) {
  for (const std::string &pattern : splitSpec(spec)) {
    if (!checkPattern("--freeze", pattern, err))
      return false;
    bool any = false;
    for (int64_t k = 0; k < b.metaScalars(); ++k)
      if (matchesPattern(pattern, b.metaScalarName(k))) {
        frozen[static_cast<size_t>(k)] = true;
        any = true;
      }
    if (!any) {
      err = "--freeze: '" + pattern + "' names no meta scalar of model '" + b.info().name + "'";
      return false;
    }
  }
  return true;
}

std::string frozenNames(const std::vector<bool> &frozen, const meta::ModelBinding &b) {
  std::string s;
  for (size_t k = 0; k < frozen.size(); ++k)
    if (frozen[k])
      s += (s.empty() ? "" : ",") + b.metaScalarName(static_cast<int64_t>(k));
  return s;
}

} // namespace plasticc::tool

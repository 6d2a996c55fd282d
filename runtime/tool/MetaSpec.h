//===- runtime/tool/MetaSpec.h - naming meta scalars on the command line --===//
//
// --init and --freeze name meta scalars the way the logs do ("theta[1,1]"):
// a comma-separated list in which commas inside [...] belong to the name.
// --init gives values (NAME=V) or the rule.json of an earlier run; --freeze
// gives names where an index may be `*` (theta[*,0] is the first column) and
// a bare quantity name means all of its scalars.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/meta/ModelBinding.h"

#include <string>
#include <vector>

namespace plasticc::tool {

/// Splits "a[1,2]=3,b" at the commas outside brackets: {"a[1,2]=3", "b"}.
std::vector<std::string> splitSpec(const std::string &spec);

/// Whether `pattern` is NAME, NAME[...] with one pair of brackets at its
/// end; false and `err` (prefixed by `option`) otherwise ("theta[").
bool checkPattern(const std::string &option, const std::string &pattern, std::string &err);

/// Whether meta scalar `name` ("theta[1,2]") matches `pattern`: the same
/// name, a bare quantity name ("theta"), or indices where * matches any.
bool matchesPattern(const std::string &pattern, const std::string &name);

/// Sets the meta scalars a NAME=V,... list names (`option` prefixes the
/// messages); false and `err` on a malformed item, a non-finite value or
/// an unknown name.
bool applySettings(const std::string &option, const std::string &spec,
                   const meta::ModelBinding &binding, std::vector<double> &meta, std::string &err);

/// Applies --init to `meta` (P values); false and `err` on a bad spec.
bool applyInit(const std::string &spec, const meta::ModelBinding &binding,
               std::vector<double> &meta, std::string &err);

/// Marks the scalars --freeze names in `frozen` (P entries); false and
/// `err` if a pattern matches nothing.
bool parseFreeze(const std::string &spec, const meta::ModelBinding &binding,
                 std::vector<bool> &frozen, std::string &err);

/// The frozen scalars' names, comma-separated (for checkpoints).
std::string frozenNames(const std::vector<bool> &frozen, const meta::ModelBinding &binding);

} // namespace plasticc::tool

//===- compiler/frontend/Spelling.h - "did you mean" suggestions ----------===//
//
// Finds the candidate closest in spelling to a name the user wrote, for the
// "did you mean 'tau'?" part of diagnostics. The parser uses it for
// misspelled declaration keywords, Sema for undeclared names, unknown dims and
// unknown indices; each caller offers only candidates of the right category
// (a shape is offered dims, a value is offered names it could read there).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <string>

namespace plasticc {

/// Edit distance with adjacent transpositions (optimal string alignment):
/// 'sigam' is one edit from 'sigma'.
size_t editDistance(const std::string &a, const std::string &b);

/// Keeps the candidate closest to `name`. Close means a change of case only,
/// or at most one edit per three characters (so a one- or two-letter name is
/// matched only by a change of case); ties go to the alphabetically first
/// candidate, so the suggestion does not depend on the order of offers.
class ClosestName {
public:
  explicit ClosestName(std::string name);
  void consider(const std::string &candidate);
  /// The closest candidate, or "" when none is close.
  const std::string &best() const { return best_; }

private:
  std::string name_;
  std::string lowerName_;
  std::string best_;
  size_t bestDist_;
};

} // namespace plasticc

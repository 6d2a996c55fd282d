//===- compiler/frontend/Spelling.cpp - "did you mean" suggestions --------===//
//
// Edit distance and the closest-candidate search behind Spelling.h. Names
// longer than 64 characters are never compared (a 100k-character identifier
// must not cost a 10^10-cell table).
//
//===----------------------------------------------------------------------===//
#include "compiler/frontend/Spelling.h"

#include <algorithm>
#include <vector>

namespace plasticc {

namespace {

constexpr size_t kMaxComparedLength = 64;

std::string lowerCase(std::string t) {
  for (char &c : t)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}

} // namespace

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

ClosestName::ClosestName(std::string name)
    : name_(std::move(name)), lowerName_(lowerCase(name_)), bestDist_(name_.size() / 3 + 1) {}

void ClosestName::consider(const std::string &candidate) {
  if (candidate.size() > kMaxComparedLength || name_.size() > kMaxComparedLength ||
      candidate == name_)
    return;
  size_t d = lowerCase(candidate) == lowerName_ ? 0 : editDistance(name_, candidate);
  if (d < bestDist_) {
    bestDist_ = d;
    best_ = candidate;
  } else if (d == bestDist_ && !best_.empty() && candidate < best_) {
    best_ = candidate;
  }
}

} // namespace plasticc

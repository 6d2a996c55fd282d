//===- runtime/meta/Report.cpp - table, verdict, ablation -----------------===//
#include "runtime/meta/Report.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace plasticc::meta {

namespace {

std::string num(double v, int precision = 4) {
  if (std::isnan(v))
    return "-";
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

std::string plural(int64_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// "-" without divergence, else "2/96 @41-134" (1-based trials).
std::string divergedCell(const RuleResult &r) {
  std::string s = std::to_string(r.diverged) + "/" + std::to_string(r.networks.size());
  int64_t lo = -1, hi = -1;
  for (const NetworkOutcome &o : r.networks)
    if (o.divergedAt >= 0) {
      lo = lo < 0 ? o.divergedAt : std::min(lo, o.divergedAt);
      hi = std::max(hi, o.divergedAt);
    }
  if (lo >= 0)
    s += " @" + std::to_string(lo + 1) + (hi > lo ? "-" + std::to_string(hi + 1) : "");
  return s;
}

/// "412 [300-601]" (median [quartiles]); "not reached" when the median is
/// censored, ">K" for a censored upper quartile.
std::string criterionCell(const Quartiles &q, int64_t trials) {
  if (q.median < 0)
    return "not reached (" + std::to_string(q.reached) + "/" + std::to_string(q.n) + ")";
  auto one = [&](int64_t v) { return v < 0 ? ">" + std::to_string(trials) : std::to_string(v); };
  return one(q.median) + " [" + one(q.q1) + "-" + one(q.q3) + "]";
}

/// Columns padded to their widest cell; numbers right-aligned, text (the
/// first two columns, and those from `textFrom` on) left-aligned.
std::string formatColumns(const std::vector<std::vector<std::string>> &rows,
                          size_t textFrom = std::numeric_limits<size_t>::max()) {
  std::vector<size_t> width;
  for (const auto &r : rows)
    for (size_t c = 0; c < r.size(); ++c) {
      width.resize(std::max(width.size(), r.size()), 0);
      width[c] = std::max(width[c], r[c].size());
    }
  std::string out;
  for (const auto &r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      std::string pad(width[c] - r[c].size(), ' ');
      line += (c ? "  " : "") + (c < 2 || c >= textFrom ? r[c] + pad : pad + r[c]);
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

} // namespace

std::string verdict(const std::vector<RuleResult> &results) {
  std::string out;
  for (const RuleResult &cand : results) {
    if (!cand.rule.candidate)
      continue;
    const RuleResult *best = nullptr, *bestLoss = nullptr;
    std::string ties, losses;
    for (const RuleResult &r : results) {
      if (r.rule.candidate)
        continue;
      if (!best || r.meanReward.mean > best->meanReward.mean)
        best = &r;
      MeanSem d = pairedDifference(cand.perNetwork, r.perNetwork);
      std::string item = r.rule.name + " (" + num(r.meanReward.mean) + ")";
      if (!(std::fabs(d.mean) > 2 * d.sem)) { // also when the error is unknown (< 2 networks)
        ties += (ties.empty() ? "" : ", ") + item;
      } else if (d.mean < 0) {
        losses += (losses.empty() ? "" : ", ") + item;
        if (!bestLoss || r.meanReward.mean > bestLoss->meanReward.mean)
          bestLoss = &r;
      }
    }
    if (!best)
      return "";
    // The figures are those of the comparison the verdict leads with: the
    // best baseline it loses to, if any (the best baseline overall may be a
    // tie, whose figures would read as contradicting "worse").
    const RuleResult *ref = bestLoss && bestLoss != best ? bestLoss : best;
    MeanSem d = pairedDifference(cand.perNetwork, ref->perNetwork);
    std::string detail = "mean reward during learning " + num(cand.meanReward.mean) + " vs " +
                         num(ref->meanReward.mean) +
                         (ref == best ? " for the best baseline, " : " for the best baseline it loses to, ") +
                         ref->rule.name + ": difference " + num(d.mean) + ", standard error " +
                         num(d.sem) + " over " + plural(d.n, "held-out network");
    out += "verdict: " + cand.rule.name;
    if (!losses.empty())
      out += " does not beat " + losses + " (worse by more than 2 standard errors)" +
             (ties.empty() ? "" : " and ties with " + ties) + "; ";
    else if (!ties.empty())
      out += " ties with " + ties + " (difference within 2 standard errors); ";
    else
      out += " beats every baseline (by more than 2 standard errors); ";
    if (cand.diverged > 0)
      detail += "; " + cand.rule.name + " diverged on " + std::to_string(cand.diverged) + " of " +
                std::to_string(cand.networks.size()) + " held-out networks (scored with the penalty)";
    out += detail + "\n";
  }
  return out;
}

std::string formatTable(const std::vector<RuleResult> &results, const tasks::Task &task,
                        const EvalConfig &config, double penalty,
                        const std::vector<std::string> &extraNotes, double worstCompleted,
                        const std::string &rateName) {
  std::ostringstream s;
  const int64_t K = config.trials;
  const int64_t last = std::max<int64_t>(1, (K + 5) / 10);
  const bool discrete = task.judged();
  const bool criterion = discrete && config.criterionWindow <= K;
  s << "Evaluation on " << plural(config.seeds, "held-out network") << " x "
    << plural(K, "trial") << " of " << task.name
    << " (networks never used in meta-training or tuning)\n";
  const std::string lastText = "(last " + std::to_string(last) + ")";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"rule", "", rateName, "mean reward", "final reward"},
      sub{"", "", "", "(learning, +- s.e.)", lastText};
  if (discrete) {
    head.push_back("correct");
    sub.push_back(lastText);
  }
  if (criterion) {
    head.push_back("to criterion");
    sub.push_back("median [IQR]");
  }
  head.push_back("diverged");
  sub.push_back("");
  rows.push_back(head);
  rows.push_back(sub);
  for (const RuleResult &r : results) {
    std::vector<std::string> row{r.rule.name, r.rule.detail, num(r.eta, 3),
                                 num(r.meanReward.mean) + " +- " + num(r.meanReward.sem, 2),
                                 num(r.finalReward)};
    if (discrete)
      row.push_back(num(r.fractionCorrect, 3));
    if (criterion)
      row.push_back(criterionCell(r.criterion, K));
    row.push_back(divergedCell(r));
    rows.push_back(row);
  }
  s << formatColumns(rows);
  s << "notes:\n";
  s << "  every held-out network counts: from the trial at which a network diverges on, each "
       "trial scores "
    << num(penalty) << " ("
    << (std::isnan(config.penalty) ? "the worst reward of any completed held-out trial in this "
                                     "table, so every trial lost to a divergence scores at or "
                                     "below every completed one"
                                   : "--penalty")
    << ")" << (discrete ? " and counts as incorrect" : "") << "\n";
  if (!std::isnan(config.penalty) && penalty > worstCompleted)
    s << "  warning: --penalty " << num(penalty) << " is above the worst completed trial ("
      << num(worstCompleted) << "): a diverged network can rank above one that completed\n";
  if (discrete)
    s << "  trials to criterion: the trial ending the first window of "
      << config.criterionWindow << " successive trials with at least "
      << num(100 * config.criterionFraction) << "% correct"
      << (criterion ? "; >" + std::to_string(K) + " where not reached"
                    : " (not measured: the window is longer than the " + plural(K, "trial") +
                          " of each network; --criterion-window)")
      << "\n";
  for (const RuleResult &r : results)
    for (const std::string &note : r.notes)
      s << "  " << note << '\n';
  for (const std::string &note : extraNotes)
    s << "  " << note << '\n';
  s << verdict(results);
  return s.str();
}

std::string formatAblation(const RuleResult &full, const std::vector<RuleResult> &ablated,
                           const std::string &rate, bool groups) {
  std::ostringstream s;
  s << "Ablation of " << full.rule.name << ": each " << (groups ? "group" : "term")
    << " set to 0 in turn, at " << rate << ", on the same "
    << plural(static_cast<int64_t>(full.perNetwork.size()), "held-out network")
    << " (full rule: mean reward " << num(full.meanReward.mean)
    << "; each line is its own 2-standard-error test, so about 1 line in 20 crosses by "
       "chance)\n";
  if (ablated.empty())
    return s.str() + (groups ? "  nothing to ablate: every group named is already 0 in the rule\n"
                             : "  nothing to ablate: no term of the rule is non-zero\n");
  std::vector<std::vector<std::string>> rows{{"without", "", "mean reward", "change (+- s.e.)", ""}};
  for (const RuleResult &a : ablated) {
    MeanSem d = pairedDifference(a.perNetwork, full.perNetwork);
    const char *verdict = !(std::fabs(d.mean) > 2 * d.sem) ? "no effect beyond 2 s.e."
                          : d.mean < 0                     ? "the rule needs it"
                                                           : "the rule is better without it";
    rows.push_back({a.rule.name, "", num(a.meanReward.mean), num(d.mean, 3) + " +- " + num(d.sem, 2),
                    verdict});
  }
  return s.str() + formatColumns(rows, 4);
}

} // namespace plasticc::meta

//===- runtime/meta/Report.cpp - table, verdict, ablation -----------------===//
#include "runtime/meta/Report.h"

#include <cmath>
#include <cstdio>
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

/// "412 [300-601]", with ">K" for a censored quantile.
std::string criterionCell(const Quartiles &q, int64_t trials) {
  auto one = [&](int64_t v) { return v < 0 ? ">" + std::to_string(trials) : std::to_string(v); };
  return one(q.median) + " [" + one(q.q1) + "-" + one(q.q3) + "]";
}

} // namespace

std::string verdict(const std::vector<RuleResult> &results) {
  std::string out;
  for (const RuleResult &cand : results) {
    if (!cand.rule.candidate)
      continue;
    const RuleResult *best = nullptr;
    std::string ties, losses;
    for (const RuleResult &r : results) {
      if (r.rule.candidate)
        continue;
      if (!best || r.meanReward.mean > best->meanReward.mean)
        best = &r;
      MeanSem d = pairedDifference(cand.perNetwork, r.perNetwork);
      std::string item = r.rule.name + " (" + num(r.meanReward.mean) + ")";
      if (!(std::fabs(d.mean) > 2 * d.sem)) // also when the error is unknown (< 2 networks)
        ties += (ties.empty() ? "" : ", ") + item;
      else if (d.mean < 0)
        losses += (losses.empty() ? "" : ", ") + item;
    }
    if (!best)
      return "";
    MeanSem d = pairedDifference(cand.perNetwork, best->perNetwork);
    std::string detail = "mean reward during learning " + num(cand.meanReward.mean) + " vs " +
                         num(best->meanReward.mean) + " for the best baseline, " +
                         best->rule.name + ": difference " + num(d.mean) + ", standard error " +
                         num(d.sem) + " over " + plural(d.n, "held-out network");
    out += "verdict: " + cand.rule.name;
    if (!losses.empty())
      out += " does not beat " + losses + " (worse by more than 2 standard errors); ";
    else if (!ties.empty())
      out += " ties with " + ties + " (difference within 2 standard errors); ";
    else
      out += " beats every baseline (by more than 2 standard errors); ";
    out += detail + "\n";
  }
  return out;
}

std::string formatTable(const std::vector<RuleResult> &results, const tasks::Task &task,
                        const EvalConfig &config, double penalty,
                        const std::vector<std::string> &extraNotes) {
  std::ostringstream s;
  const int64_t K = config.trials;
  const int64_t last = std::max<int64_t>(1, (K + 5) / 10);
  const bool discrete = task.discrete();
  const bool criterion = discrete && config.criterionWindow <= K;
  s << "Evaluation on " << plural(config.seeds, "held-out network") << " x "
    << plural(K, "trial") << " of " << task.name
    << " (networks never used in meta-training or tuning)\n";
  const std::string lastText = "(last " + std::to_string(last) + ")";
  char line[512];
  auto row = [&](const std::string &a, const std::string &b, const std::string &c,
                 const std::string &d, const std::string &e, const std::string &f,
                 const std::string &g, const std::string &h) {
    std::snprintf(line, sizeof line, "%-22s %-18s %8s %20s %12s %9s %17s %s\n", a.c_str(),
                  b.c_str(), c.c_str(), d.c_str(), e.c_str(), f.c_str(), g.c_str(), h.c_str());
    s << line;
  };
  row("rule", "", "eta", "mean reward", "final reward", discrete ? "correct" : "",
      criterion ? "to criterion" : "", "diverged");
  row("", "", "", "(learning, +- s.e.)", lastText, discrete ? lastText : "",
      criterion ? "median [IQR]" : "", "");
  for (const RuleResult &r : results)
    row(r.rule.name, r.rule.detail, num(r.eta, 3),
        num(r.meanReward.mean) + " +- " + num(r.meanReward.sem, 2), num(r.finalReward),
        discrete ? num(r.fractionCorrect, 3) : "",
        criterion ? criterionCell(r.criterion, K) : "", divergedCell(r));
  s << "notes:\n";
  s << "  every held-out network counts: from the trial at which a network diverges on, each "
       "trial scores "
    << num(penalty) << " ("
    << (std::isnan(config.penalty) ? "the worst trial reward of any held-out network without "
                                     "plasticity"
                                   : "--penalty")
    << ")" << (discrete ? " and counts as incorrect" : "") << "\n";
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

std::string formatAblation(const RuleResult &full, const std::vector<RuleResult> &ablated) {
  std::ostringstream s;
  s << "Ablation of " << full.rule.name << ": each term set to 0 in turn, at eta "
    << num(full.eta, 3) << ", on the same " << plural(static_cast<int64_t>(full.perNetwork.size()), "held-out network")
    << " (full rule: mean reward " << num(full.meanReward.mean)
    << "; each line is its own 2-standard-error test, so about 1 line in 20 crosses by "
       "chance)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %12s %24s  %s\n", "without", "mean reward",
                "change (+- s.e.)", "");
  s << line;
  for (const RuleResult &a : ablated) {
    MeanSem d = pairedDifference(a.perNetwork, full.perNetwork);
    const char *verdict = !(std::fabs(d.mean) > 2 * d.sem) ? "no effect beyond 2 s.e."
                          : d.mean < 0                     ? "the rule needs it"
                                                           : "the rule is better without it";
    std::snprintf(line, sizeof line, "%-28s %12s %24s  %s\n", a.rule.name.c_str(),
                  num(a.meanReward.mean).c_str(), (num(d.mean, 3) + " +- " + num(d.sem, 2)).c_str(),
                  verdict);
    s << line;
  }
  return s.str();
}

} // namespace plasticc::meta

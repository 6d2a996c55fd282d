//===- runtime/tasks/Task.cpp - the TOML task loader ----------------------===//
//
// toml++ parses the file; this loader walks the tree, checks every key and
// value against the format of docs/runtime.md, and reports each problem at
// its line. It goes on after an error (each table and epoch is checked), so
// a user sees every mistake in one run.
//
//===----------------------------------------------------------------------===//
#include "runtime/tasks/Task.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace plasticc::tasks {

int64_t Task::steps() const {
  if (randomTiming())
    return 0;
  int64_t n = 0;
  for (const Epoch &e : epochs)
    n += e.steps;
  return n;
}

bool Task::randomTiming() const {
  return std::any_of(epochs.begin(), epochs.end(),
                     [](const Epoch &e) { return e.duration.random(); });
}

std::vector<std::string> Task::variableNames() const {
  std::vector<std::string> names = conditionNames();
  names.push_back("dt");
  names.push_back("t");
  for (const Epoch &e : epochs)
    names.push_back("dur_" + e.name);
  return names;
}

int64_t Task::trialTypes() const {
  int64_t n = 1;
  for (const Condition &c : conditions) {
    if (c.continuous)
      return 0;
    n *= static_cast<int64_t>(c.values.size());
  }
  return n;
}

std::vector<std::string> Task::conditionNames() const {
  std::vector<std::string> names;
  for (const Condition &c : conditions)
    names.push_back(c.name);
  return names;
}

std::string Task::locatedError(Loc loc, const std::string &message) const {
  std::ostringstream out;
  if (!file)
    return message;
  if (!loc.valid()) // about the whole file (e.g. a default it does not set)
    return file->path() + ": error: " + message + "\n";
  DiagnosticEngine diag(file, out);
  diag.error(loc, message);
  return out.str();
}

namespace {

Loc locOf(const toml::source_region &r) {
  return {static_cast<uint32_t>(r.begin.line), static_cast<uint32_t>(r.begin.column)};
}

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

/// A formula as quoted in a message: at most 60 characters, then "...".
std::string shortened(const std::string &formula) {
  return formula.size() <= 60 ? formula : formula.substr(0, 57) + "...";
}

/// Walks one parsed file into a Task, reporting through `diag`.
class TaskLoader {
public:
  TaskLoader(DiagnosticEngine &diag, std::ostream &out, Task &task)
      : diag_(diag), out_(out), task_(task) {}

  /// Problems of the file as a whole (a key it lacks) have no line to point
  /// at: they are reported as "file: error: ..." rather than at a made-up place.
  unsigned fileErrors() const { return fileErrors_; }

  void run(const toml::table &root) {
    checkKeys(root, {"name", "description", "dt", "inputs", "outputs", "reward", "choices",
                     "conditions", "epoch", "model", "order", "correct_below", "actions",
                     "rewards"},
              "the task file");
    task_.name = string(root, "name", "").value_or("");
    task_.description = string(root, "description", "").value_or("");
    readTimingAndWidths(root);
    if (const toml::node *c = root.get("conditions"))
      readConditions(*c);
    declareVariables(root);
    if (const toml::node *a = root.get("actions"))
      readActions(*a);
    readEpochs(root);
    readReward(root);
    readActionRewards(root);
    readOrder(root);
    if (const toml::node *m = root.get("model"))
      readModelNames(*m);
  }

private:
  void readTimingAndWidths(const toml::table &root) {
    if (const toml::node *dt = root.get("dt")) {
      task_.dtLoc = locOf(dt->source());
      if (auto v = number(*dt, "dt")) {
        if (*v <= 0 || !std::isfinite(*v))
          diag_.error(task_.dtLoc, "dt must be a positive number of milliseconds");
        else
          task_.dtMs = *v;
      }
    }
    task_.inputs = count(root, "inputs", 0, task_.inputsLoc);
    task_.outputs = count(root, "outputs", 1, task_.outputsLoc);
  }

  /// A required non-negative integer key; `min` is its least allowed value.
  int64_t count(const toml::table &root, const char *key, int64_t min, Loc &loc) {
    const toml::node *n = root.get(key);
    if (!n) {
      fileError(std::string("missing required key '") + key + "'");
      return min;
    }
    loc = locOf(n->source());
    auto v = n->value_exact<int64_t>();
    if (!v || *v < min || *v > 1'000'000) {
      diag_.error(loc, std::string("'") + key + "' must be an integer >= " + std::to_string(min));
      return min;
    }
    return *v;
  }

  // [conditions]: name = [values...] | { values = [...], weights = [...] } | { uniform = [lo, hi] }
  void readConditions(const toml::node &node) {
    const toml::table *t = node.as_table();
    if (!t) {
      diag_.error(locOf(node.source()), "'conditions' must be a table of variables");
      return;
    }
    for (const auto &[key, value] : *t) {
      Condition c;
      c.name = std::string(key.str());
      c.loc = locOf(key.source());
      if (!validIdentifier(c.name)) {
        diag_.error(c.loc, "condition name '" + c.name + "' is not an identifier");
        continue;
      }
      if (value.is_array()) {
        c.values = numbers(value, "the values of '" + c.name + "'");
      } else if (const toml::table *spec = value.as_table()) {
        readConditionSpec(*spec, c);
      } else {
        diag_.error(locOf(value.source()),
                    "condition '" + c.name + "' must be a list of values or a table");
        continue;
      }
      if (!c.continuous && c.values.empty())
        diag_.error(c.loc, "condition '" + c.name + "' has no values to draw from");
      task_.conditions.push_back(std::move(c));
    }
    checkTrialTypes();
  }

  /// The product of the discrete conditions' value counts, bounded where it
  /// is formed (it would pass int64 at 63 two-valued conditions).
  void checkTrialTypes() {
    int64_t types = 1;
    for (const Condition &c : task_.conditions) {
      if (c.continuous || c.values.empty())
        continue;
      types *= static_cast<int64_t>(c.values.size()); // both <= 10^6 here: no overflow
      if (types > kMaxTrialTypes) {
        diag_.error(c.loc, "the conditions combine into more than 10^6 trial types by condition '" +
                               c.name + "' (the model's condition input has one entry per type)");
        return;
      }
    }
  }

  void readConditionSpec(const toml::table &spec, Condition &c) {
    checkKeys(spec, {"values", "weights", "uniform"}, "condition '" + c.name + "'");
    if (const toml::node *u = spec.get("uniform")) {
      std::vector<double> r = numbers(*u, "'uniform'");
      c.continuous = true; // even if malformed: one error, not a cascade
      if (r.size() != 2 || !(r[0] < r[1]) || !std::isfinite(r[1] - r[0])) {
        diag_.error(locOf(u->source()), "'uniform' must be [lo, hi] with lo < hi and hi - lo "
                                        "finite (a draw is lo + (hi - lo) u)");
      } else {
        c.lo = r[0];
        c.hi = r[1];
      }
      if (spec.get("values"))
        diag_.error(locOf(spec.get("values")->source()), "give either 'values' or 'uniform'");
      return;
    }
    if (const toml::node *v = spec.get("values"))
      c.values = numbers(*v, "'values'");
    if (const toml::node *w = spec.get("weights")) {
      c.weights = numbers(*w, "'weights'");
      double sum = 0;
      bool bad = c.weights.size() != c.values.size();
      for (double x : c.weights) {
        bad |= x < 0;
        sum += x;
      }
      if (bad || sum <= 0 || !std::isfinite(sum))
        diag_.error(locOf(w->source()), "'weights' must be as many non-negative numbers as "
                                        "'values', not all zero, with a finite sum");
      else
        for (double &x : c.weights)
          x /= sum;
    }
  }

  void readEpochs(const toml::table &root) {
    const toml::node *node = root.get("epoch");
    if (!node) {
      fileError("the task has no epochs (add [[epoch]] tables)");
      return;
    }
    const toml::array *arr = node->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      diag_.error(locOf(node->source()), "'epoch' must be an array of tables ([[epoch]])");
      return;
    }
    std::set<std::string> seen;
    int64_t total = 0; // each epoch is at most kMaxSteps: no overflow
    epochIndex_ = 0;
    for (const toml::node &e : *arr) {
      Epoch ep = readEpoch(*e.as_table());
      ++epochIndex_;
      if (!ep.name.empty() && !seen.insert(ep.name).second)
        diag_.error(ep.loc, "duplicate epoch name '" + ep.name + "'");
      if (!ep.name.empty() && !validIdentifier(ep.name))
        diag_.error(ep.loc, "epoch name '" + ep.name + "' is not an identifier (formulas name its "
                            "duration dur_" + ep.name + ")");
      if (total <= kMaxSteps && (total += ep.steps) > kMaxSteps)
        diag_.error(ep.loc, "the trial is more than 10^7 steps long by the end of epoch '" +
                                ep.name + "'");
      task_.epochs.push_back(std::move(ep));
    }
    bool anyScored = false;
    for (const Epoch &ep : task_.epochs)
      anyScored |= ep.mask > 0;
    if (!anyScored && !task_.epochs.empty())
      diag_.error(task_.epochs.front().loc,
                  "no epoch is scored (set 'scored = true' in the response epoch): every "
                  "trial's reward would be 0");
  }

  // [[epoch]]: name, duration (ms), input = [...], input_noise, target = [...],
  // scored; with [actions]: fixate, answer
  Epoch readEpoch(const toml::table &t) {
    Epoch ep;
    ep.loc = locOf(t.source());
    checkKeys(t, {"name", "duration", "input", "input_noise", "target", "scored", "fixate", "answer"},
              "[[epoch]]");
    ep.name = string(t, "name", "[[epoch]]").value_or("");
    if (const toml::node *d = t.get("duration"))
      readDuration(*d, ep);
    else
      diag_.error(ep.loc, "epoch '" + ep.name + "' has no 'duration'");
    ep.input = formulas(t, "input", task_.inputs, ep.name);
    ep.target = formulas(t, "target", task_.outputs, ep.name);
    ep.targetGiven = t.get("target") != nullptr;
    ep.inputNoise.assign(static_cast<size_t>(task_.inputs), TaskExpr::constant(0.0));
    if (const toml::node *n = t.get("input_noise"))
      readInputNoise(t, *n, ep);
    readActionKeys(t, ep);
    if (const toml::node *s = t.get("scored")) {
      if (auto b = s->value_exact<bool>())
        ep.mask = *b ? 1.0 : 0.0;
      else if (auto v = number(*s, "scored"); v && *v >= 0)
        ep.mask = *v;
      else
        diag_.error(locOf(s->source()), "'scored' must be true, false or a weight >= 0");
    }
    return ep;
  }

  /// input_noise = sd (every channel) | [sd per channel] (numbers or formulas)
  void readInputNoise(const toml::table &t, const toml::node &n, Epoch &ep) {
    if (n.is_array() || n.is_string()) { // per channel, or one formula for all
      if (n.is_array())
        ep.inputNoise = formulas(t, "input_noise", task_.inputs, ep.name);
      else
        ep.inputNoise.assign(static_cast<size_t>(task_.inputs), formula(n, "input_noise"));
      for (const TaskExpr &f : ep.inputNoise)
        if (std::string at = valueWhere(f, [](double v) { return v < 0; }); !at.empty()) {
          diag_.error(locOf(n.source()), "input_noise must be >= 0 (a standard deviation)" + at);
          break;
        }
      return;
    }
    if (auto v = number(n, "input_noise")) {
      if (*v < 0)
        diag_.error(locOf(n.source()), "input_noise must be >= 0 (a standard deviation)");
      else
        ep.inputNoise.assign(static_cast<size_t>(task_.inputs), TaskExpr::constant(*v));
    }
  }

  /// fixate = true, answer = "formula": only with an [actions] table.
  void readActionKeys(const toml::table &t, Epoch &ep) {
    for (const char *key : {"fixate", "answer"}) {
      const toml::node *n = t.get(key);
      if (n && !task_.actions)
        diag_.error(locOf(n->source()), std::string("'") + key +
                                            "' needs an [actions] table (the actions it refers to)");
    }
    if (const toml::node *f = t.get("fixate")) {
      if (auto b = f->value_exact<bool>())
        ep.fixate = *b;
      else
        diag_.error(locOf(f->source()), "'fixate' must be true or false");
    }
    if (const toml::node *a = t.get("answer")) {
      ep.answer = formula(*a, "answer");
      const double actions = static_cast<double>(task_.outputs);
      auto notAction = [&](double v) {
        return std::isfinite(v) && (v != std::round(v) || v < 0 || v >= actions);
      };
      // An answer that reads t is checked at every step of a fixed epoch.
      const int64_t steps = ep.answer->uses(task_.timeVar()) && !ep.duration.random() ? ep.steps : 1;
      std::string at;
      for (int64_t k = 0; k < steps && at.empty() && k < 100000; ++k)
        at = valueWhere(*ep.answer, notAction, static_cast<double>(k) * task_.dtMs);
      if (task_.actions && !at.empty())
        diag_.error(locOf(a->source()), "the answer of epoch '" + ep.name +
                                            "' must be an action: 0 to " +
                                            std::to_string(task_.outputs - 1) + at);
      if (ep.fixate)
        diag_.error(locOf(a->source()), "epoch '" + ep.name +
                                            "' cannot both require fixation and take a response");
    }
  }

  /// One number or formula string (`what` names it in messages).
  TaskExpr formula(const toml::node &e, const std::string &what) {
    if (auto s = e.value_exact<std::string>()) {
      std::string why;
      size_t pos = 0;
      if (auto f = TaskExpr::parse(*s, vars_, why, pos)) {
        if (std::string at = nonFiniteAt(*f); !at.empty())
          diag_.error(locOf(e.source()), "formula \"" + shortened(*s) + "\" is not a finite number" + at);
        return std::move(*f);
      }
      Loc l = locOf(e.source());
      l.col += static_cast<uint32_t>(1 + pos); // past the opening quote
      diag_.error(l, "in formula \"" + shortened(*s) + "\": " + why);
    } else if (auto v = number(e, what)) {
      return TaskExpr::constant(*v);
    }
    return TaskExpr::constant(0.0);
  }

  void readDuration(const toml::node &d, Epoch &ep) {
    if (d.is_table() || d.is_string()) {
      readRandomDuration(d, ep);
      return;
    }
    Loc loc = locOf(d.source());
    auto v = number(d, "duration");
    if (!v)
      return;
    if (!(*v > 0) || !std::isfinite(*v)) {
      diag_.error(loc, "duration of epoch '" + ep.name + "' must be positive (got " +
                           fmtNumber(*v) + " ms)");
      return;
    }
    double steps = *v / task_.dtMs;
    if (std::fabs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
      diag_.error(loc, "duration " + fmtNumber(*v) + " ms of epoch '" + ep.name +
                           "' is not a multiple of dt = " + fmtNumber(task_.dtMs) + " ms");
      return;
    }
    if (steps > static_cast<double>(kMaxSteps)) {
      diag_.error(loc, "duration of epoch '" + ep.name + "' is more than 10^7 steps");
      return;
    }
    ep.durationMs = *v;
    ep.duration.ms = *v;
    ep.steps = static_cast<int64_t>(std::llround(steps));
  }

  // duration = { uniform = [lo, hi] } | { truncated_exponential = [mean, min, max] }
  //          | { choice = [...] } | "formula of the conditions and earlier durations"
  void readRandomDuration(const toml::node &d, Epoch &ep) {
    Duration &dur = ep.duration;
    const Loc loc = locOf(d.source());
    if (d.is_string()) {
      dur.kind = Duration::Kind::Formula;
      dur.formula = formula(d, "duration");
      const int32_t own = task_.timeVar() + 1 + static_cast<int32_t>(epochIndex_);
      if (dur.formula.uses(task_.timeVar()))
        diag_.error(loc, "the duration of epoch '" + ep.name + "' cannot depend on 't' (the time "
                                                                "within an epoch)");
      else if (dur.formula.maxVar() >= own)
        diag_.error(loc, "the duration of epoch '" + ep.name +
                             "' may use the durations of earlier epochs only (they are drawn in "
                             "order)");
      return;
    }
    const toml::table &t = *d.as_table();
    checkKeys(t, {"uniform", "truncated_exponential", "choice"}, "the duration of epoch '" + ep.name + "'");
    if (t.size() != 1) {
      diag_.error(loc, "the duration of epoch '" + ep.name +
                           "' must give one distribution: uniform, truncated_exponential or choice");
      return;
    }
    const auto &[key, value] = *t.begin();
    const std::string k(key.str());
    std::vector<double> a = numbers(value, "'" + k + "'");
    const Loc at = locOf(value.source());
    const double maxMs = static_cast<double>(kMaxSteps) * task_.dtMs;
    if (k == "uniform") {
      dur.kind = Duration::Kind::Uniform;
      if (a.size() != 2 || a[0] < 0 || !(a[0] < a[1]) || a[1] > maxMs)
        diag_.error(at, "'uniform' must be [lo, hi] in ms with 0 <= lo < hi");
      else
        std::tie(dur.lo, dur.hi) = std::pair(a[0], a[1]);
    } else if (k == "truncated_exponential") {
      dur.kind = Duration::Kind::TruncatedExponential;
      if (a.size() != 3)
        diag_.error(at, "'truncated_exponential' must be [mean, min, max] in ms");
      else if (!(a[0] > 0))
        diag_.error(at, "the mean of a truncated exponential must be positive (got " +
                            fmtNumber(a[0]) + " ms)");
      else if (a[1] < 0)
        diag_.error(at, "the minimum of a truncated exponential must be >= 0 (got " +
                            fmtNumber(a[1]) + " ms)");
      else if (!(a[2] > a[1]))
        diag_.error(at, "the truncation of a truncated exponential (max " + fmtNumber(a[2]) +
                            " ms) must be above its minimum (" + fmtNumber(a[1]) + " ms)");
      else if (a[2] > maxMs)
        diag_.error(at, "the truncation of a truncated exponential is more than 10^7 steps");
      else
        std::tie(dur.mean, dur.lo, dur.hi) = std::tuple(a[0], a[1], a[2]);
    } else if (k == "choice") {
      dur.kind = Duration::Kind::Choice;
      if (a.empty() || std::any_of(a.begin(), a.end(), [&](double x) { return x < 0 || x > maxMs; }))
        diag_.error(at, "'choice' must list durations in ms, each >= 0");
      else
        dur.values = a;
    }
  }

  /// `key = [f0, f1, ...]` with `width` entries, each a number or a formula
  /// string; absent means all zero.
  std::vector<TaskExpr> formulas(const toml::table &t, const char *key, int64_t width,
                                 const std::string &epoch) {
    std::vector<TaskExpr> out(static_cast<size_t>(width), TaskExpr::constant(0.0));
    const toml::node *n = t.get(key);
    if (!n)
      return out;
    const toml::array *arr = n->as_array();
    if (!arr) {
      diag_.error(locOf(n->source()), std::string("'") + key + "' must be a list of " +
                                          std::to_string(width) + " numbers or formulas");
      return out;
    }
    if (static_cast<int64_t>(arr->size()) != width) {
      const char *what = std::string(key) == "target" ? "outputs" : "inputs";
      diag_.error(locOf(n->source()), std::string("'") + key + "' of epoch '" + epoch +
                                          "' has " + std::to_string(arr->size()) +
                                          (arr->size() == 1 ? " entry" : " entries") +
                                          " but the task has " + what + " = " +
                                          std::to_string(width));
      return out;
    }
    for (size_t i = 0; i < arr->size(); ++i)
      out[i] = formula(*arr->get(i), key);
    return out;
  }

  /// The names formulas may read (Task::variableNames()), known before the
  /// epochs are read so that any formula may name any epoch's duration.
  void declareVariables(const toml::table &root) {
    vars_ = task_.conditionNames();
    vars_.push_back("dt");
    vars_.push_back("t");
    if (const toml::array *arr = root.get_as<toml::array>("epoch"))
      for (const toml::node &e : *arr)
        if (const toml::table *t = e.as_table())
          vars_.push_back("dur_" + (*t)["name"].value_or(std::string()));
    for (const Condition &c : task_.conditions)
      if (c.name == "dt" || c.name == "t" || c.name.starts_with("dur_"))
        diag_.error(c.loc, "condition name '" + c.name +
                               "' is reserved (formulas read dt, t and dur_EPOCH)");
  }

  /// Where `f` is NaN or infinite, as " (nan for c = 1, d = 0)", trying
  /// every combination of the discrete conditions' values and the ends of
  /// the continuous ones (at most kMaxCombinations); "" if nowhere.
  std::string nonFiniteAt(const TaskExpr &f) const {
    return valueWhere(f, [](double v) { return !std::isfinite(v); });
  }

  /// The first value of `f` for which `bad` holds, as " (VALUE for c = 1,
  /// d = 0)", trying every combination of the discrete conditions' values
  /// and the ends of the continuous ones (at most kMaxCombinations), with dt
  /// as given, t = 0 and every duration one step; "" if none.
  template <typename Bad>
  std::string valueWhere(const TaskExpr &f, Bad bad, double t = 0.0) const {
    constexpr int64_t kMaxCombinations = 4096;
    const std::vector<Condition> &cs = task_.conditions;
    std::vector<std::vector<double>> candidates;
    int64_t combos = 1;
    for (const Condition &c : cs) {
      candidates.push_back(c.continuous ? std::vector<double>{c.lo, c.hi} : c.values);
      combos = std::min(kMaxCombinations,
                        combos * std::max<int64_t>(1, candidates.back().size()));
    }
    std::vector<double> vars(vars_.size(), task_.dtMs);
    if (vars.size() > cs.size() + 1)
      vars[cs.size() + 1] = t;
    for (int64_t k = 0; k < combos; ++k) {
      int64_t rest = k;
      for (size_t i = 0; i < cs.size(); ++i) { // combination k in mixed radix
        const std::vector<double> &v = candidates[i];
        if (v.empty())
          continue;
        vars[i] = v[static_cast<size_t>(rest % static_cast<int64_t>(v.size()))];
        rest /= static_cast<int64_t>(v.size());
      }
      double value = f.eval(vars);
      if (!bad(value))
        continue;
      std::ostringstream at;
      at << " (" << (std::isnan(value) ? "nan" : std::isinf(value) ? (value > 0 ? "inf" : "-inf") : fmtNumber(value));
      for (size_t i = 0; i < cs.size(); ++i)
        at << (i ? ", " : " for ") << cs[i].name << " = " << vars[i];
      if (t != 0)
        at << (cs.empty() ? " for " : ", ") << "t = " << t;
      return at.str() + ")";
    }
    return "";
  }


  void readReward(const toml::table &root) {
    if (const toml::node *c = root.get("choices"))
      readChoices(*c);
    readCorrectBelow(root);
    const toml::node *r = root.get("reward");
    if (!r)
      return;
    auto s = r->value_exact<std::string>();
    if (s && *s == "neg_mse")
      task_.reward = RewardKind::NegMSE;
    else if (s && *s == "neg_mae")
      task_.reward = RewardKind::NegMAE;
    else if (s && *s == "correct") {
      task_.reward = RewardKind::Correct;
      if (!task_.judged())
        diag_.error(locOf(r->source()), "reward \"correct\" needs 'choices' (the target of each "
                                        "response) or 'correct_below' (an error threshold)");
    } else if (s && *s == "actions") {
      task_.reward = RewardKind::Actions;
      if (!task_.actions)
        diag_.error(locOf(r->source()), "reward \"actions\" needs an [actions] table");
    } else
      diag_.error(locOf(r->source()),
                  "unknown reward (known: \"neg_mse\", \"neg_mae\", \"correct\", \"actions\")");
  }

  // [actions]: names = [...] (one per output, fixation first), read =
  // "argmax" | "threshold", threshold = 0.5, abort_ends_trial = false
  void readActions(const toml::node &n) {
    ActionSpec a;
    a.loc = locOf(n.source());
    const toml::table *t = n.as_table();
    if (!t) {
      diag_.error(a.loc, "'actions' must be a table ([actions])");
      return;
    }
    checkKeys(*t, {"names", "read", "threshold", "abort_ends_trial"}, "[actions]");
    if (const toml::node *names = t->get("names")) {
      const toml::array *arr = names->as_array();
      for (size_t i = 0; arr && i < arr->size(); ++i)
        if (auto s = arr->get(i)->value_exact<std::string>())
          a.names.push_back(*s);
      const Loc at = locOf(names->source());
      if (!arr || a.names.size() != arr->size())
        diag_.error(at, "'names' must be a list of strings, one per action");
      else if (static_cast<int64_t>(a.names.size()) != task_.outputs)
        diag_.error(at, "[actions] names " + std::to_string(a.names.size()) +
                            " actions but the task has outputs = " + std::to_string(task_.outputs) +
                            ": each output must be the score of one action (fixation first)");
      else if (a.names.size() < 2)
        diag_.error(at, "[actions] needs at least two actions: fixation and a response");
      else if (std::set<std::string>(a.names.begin(), a.names.end()).size() != a.names.size())
        diag_.error(at, "[actions] names an action twice; each output is its own action");
    } else {
      diag_.error(a.loc, "[actions] needs 'names': one action per output, fixation first");
    }
    if (auto r = string(*t, "read", "[actions]")) {
      if (*r == "threshold")
        a.read = ActionSpec::Read::Threshold;
      else if (*r != "argmax")
        diag_.error(locOf(t->get("read")->source()), "unknown read (known: \"argmax\", \"threshold\")");
    }
    if (const toml::node *th = t->get("threshold")) {
      if (a.read != ActionSpec::Read::Threshold)
        diag_.error(locOf(th->source()), "'threshold' is used only with read = \"threshold\"");
      if (auto v = number(*th, "threshold"))
        a.threshold = *v;
    }
    if (const toml::node *ab = t->get("abort_ends_trial")) {
      if (auto b = ab->value_exact<bool>())
        a.abortEndsTrial = *b;
      else
        diag_.error(locOf(ab->source()), "'abort_ends_trial' must be true or false");
    }
    task_.actions = std::move(a);
  }

  // [rewards]: correct, fail, abort, miss (numbers or formulas)
  void readActionRewards(const toml::table &root) {
    const toml::node *n = root.get("rewards");
    if (!task_.actions) {
      if (n)
        diag_.error(locOf(n->source()), "[rewards] is the reward table of actions; it needs an "
                                        "[actions] table");
      return;
    }
    if (const toml::node *c = root.get("choices"))
      diag_.error(locOf(c->source()), "give either 'choices' (responses read from the mean output) "
                                      "or [actions] (one output per action), not both");
    if (const toml::node *c = root.get("correct_below"))
      diag_.error(locOf(c->source()), "give either 'correct_below' (an error threshold) or "
                                      "[actions] (whose answers judge a trial), not both");
    if (!root.get("reward"))
      task_.reward = RewardKind::Actions;
    bool anyAnswer = std::any_of(task_.epochs.begin(), task_.epochs.end(),
                                 [](const Epoch &e) { return e.answer.has_value(); });
    if (!anyAnswer && !task_.epochs.empty())
      diag_.error(task_.actions->loc, "an [actions] task needs a response epoch: give one epoch "
                                      "an 'answer' (the correct action)");
    if (!n)
      return;
    const toml::table *t = n->as_table();
    if (!t) {
      diag_.error(locOf(n->source()), "'rewards' must be a table ([rewards])");
      return;
    }
    checkKeys(*t, {"correct", "fail", "abort", "miss"}, "[rewards]");
    RewardTable &r = task_.rewards;
    for (auto [key, into] : {std::pair{"correct", &r.correct}, std::pair{"fail", &r.fail},
                             std::pair{"abort", &r.abort}, std::pair{"miss", &r.miss}})
      if (const toml::node *v = t->get(key))
        *into = formula(*v, key);
  }

  // correct_below = 1.0: a trial is correct when its error is below it.
  void readCorrectBelow(const toml::table &root) {
    const toml::node *n = root.get("correct_below");
    if (!n)
      return;
    if (auto v = number(*n, "correct_below")) {
      if (*v > 0 && std::isfinite(*v))
        task_.correctBelow = *v;
      else
        diag_.error(locOf(n->source()), "correct_below must be a positive number (an error "
                                        "threshold: a trial is correct when its error is below it)");
    }
  }

  // order = "random" | "cycle"
  void readOrder(const toml::table &root) {
    const toml::node *n = root.get("order");
    if (!n)
      return;
    const Loc at = locOf(n->source());
    auto s = n->value_exact<std::string>();
    if (s && *s == "random")
      return;
    if (!s || *s != "cycle") {
      diag_.error(at, "unknown order (known: \"random\", \"cycle\")");
      return;
    }
    task_.order = TrialOrder::Cycle;
    for (const Condition &c : task_.conditions)
      if (c.continuous || !c.weights.empty())
        diag_.error(at,
                    "order \"cycle\" takes every combination of the conditions in turn, so each "
                    "must be a list of values without weights ('" + c.name + "' is not)");
  }

  // choices = [1, -1] (one output) | [[1, 0], [0, 1]] (several outputs)
  void readChoices(const toml::node &n) {
    const toml::array *arr = n.as_array();
    Loc loc = locOf(n.source());
    if (!arr || arr->size() < 2) {
      diag_.error(loc, "'choices' must list at least two responses");
      return;
    }
    for (const toml::node &c : *arr) {
      std::vector<double> v;
      if (c.is_array())
        v = numbers(c, "a choice");
      else if (auto x = number(c, "a choice"))
        v = {*x};
      if (static_cast<int64_t>(v.size()) != task_.outputs) {
        diag_.error(locOf(c.source()), "each choice must have outputs = " +
                                           std::to_string(task_.outputs) +
                                           (task_.outputs == 1 ? " entry" : " entries"));
        return;
      }
      task_.choices.push_back(std::move(v));
    }
  }

  // [model]: input = "u", target = "y", mask = "m", output = "z"
  void readModelNames(const toml::node &n) {
    const toml::table *t = n.as_table();
    task_.modelLoc = locOf(n.source());
    if (!t) {
      diag_.error(task_.modelLoc, "'model' must be a table of quantity names");
      return;
    }
    checkKeys(*t, {"input", "target", "mask", "output", "condition", "trial"}, "[model]");
    auto name = [&](const char *key, std::string &into) {
      if (auto s = string(*t, key, "[model]"); s && !s->empty())
        into = *s;
    };
    name("input", task_.names.input);
    name("target", task_.names.target);
    name("mask", task_.names.mask);
    name("output", task_.names.output);
    name("condition", task_.names.condition);
    name("trial", task_.names.trial);
    // Each role feeds its own model quantity.
    const TaskBindingNames &names = task_.names;
    const std::pair<const char *, const std::string *> roles[] = {
        {"input", &names.input}, {"target", &names.target}, {"mask", &names.mask},
        {"output", &names.output}, {"condition", &names.condition}, {"trial", &names.trial}};
    for (size_t a = 0; a < std::size(roles); ++a)
      for (size_t b = a + 1; b < std::size(roles); ++b)
        if (*roles[a].second == *roles[b].second)
          diag_.error(task_.modelLoc, std::string("[model] gives '") + roles[a].first + "' and '" +
                                          roles[b].first + "' the same quantity '" +
                                          *roles[a].second + "'; each role needs its own");
  }

  // --- helpers ---------------------------------------------------------

  void fileError(const std::string &message) {
    out_ << diag_.file().path() << ": error: " << message << '\n';
    ++fileErrors_;
  }

  void checkKeys(const toml::table &t, std::initializer_list<const char *> known,
                 const std::string &where) {
    for (const auto &[key, value] : t) {
      std::string k(key.str());
      bool found = false;
      for (const char *kn : known)
        found |= k == kn;
      if (found)
        continue;
      std::string best;
      size_t bestDist = 3;
      std::string list;
      for (const char *kn : known) {
        list += std::string(list.empty() ? "" : ", ") + kn;
        size_t d = editDistance(k, kn);
        if (d < bestDist) {
          bestDist = d;
          best = kn;
        }
      }
      std::string msg = "unknown key '" + k + "' in " + where;
      msg += best.empty() ? " (known: " + list + ")" : "; did you mean '" + best + "'?";
      diag_.error(locOf(key.source()), msg);
    }
  }

  std::optional<std::string> string(const toml::table &t, const char *key,
                                    const std::string &where) {
    const toml::node *n = t.get(key);
    if (!n)
      return std::nullopt;
    auto s = n->value_exact<std::string>();
    if (!s)
      diag_.error(locOf(n->source()), std::string("'") + key + "' must be a string");
    return s;
  }

  std::optional<double> number(const toml::node &n, const std::string &what) {
    if (auto i = n.value_exact<int64_t>())
      return static_cast<double>(*i);
    if (auto d = n.value_exact<double>()) {
      if (std::isfinite(*d))
        return d;
      diag_.error(locOf(n.source()), what + " must be a finite number");
      return std::nullopt;
    }
    diag_.error(locOf(n.source()), what + " must be a number");
    return std::nullopt;
  }

  std::vector<double> numbers(const toml::node &n, const std::string &what) {
    std::vector<double> out;
    const toml::array *arr = n.as_array();
    if (!arr) {
      diag_.error(locOf(n.source()), what + " must be a list of numbers");
      return out;
    }
    for (const toml::node &e : *arr)
      if (auto v = number(e, "each of " + what))
        out.push_back(*v);
    return out;
  }

  static bool validIdentifier(const std::string &s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
      return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
  }

  static std::string fmtNumber(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  DiagnosticEngine &diag_;
  std::ostream &out_;
  Task &task_;
  unsigned fileErrors_ = 0;
  std::vector<std::string> vars_; // what formulas read (declareVariables)
  size_t epochIndex_ = 0;         // the epoch being read
};

} // namespace

std::optional<Task> parseTask(const std::string &text, const std::string &path, std::string &err) {
  auto file = std::make_shared<SourceFile>(path, text);
  std::ostringstream out;
  DiagnosticEngine diag(file, out);
  Task task;
  task.file = file;
  TaskLoader loader(diag, out, task);
  try {
    toml::table root = toml::parse(text, path);
    loader.run(root);
  } catch (const toml::parse_error &e) {
    Loc loc = locOf(e.source());
    if (loc.valid())
      diag.error(loc, std::string(e.description()));
    else
      out << path << ": error: " << e.description() << '\n';
  }
  if (diag.hasErrors() || loader.fileErrors() > 0 || !out.str().empty()) {
    err = out.str();
    return std::nullopt;
  }
  if (task.name.empty()) {
    // Default name: the file's stem.
    std::string stem = path.substr(path.find_last_of('/') + 1);
    task.name = stem.substr(0, stem.rfind(".toml"));
  }
  return task;
}

std::optional<Task> loadTask(const std::string &path, std::string &err) {
  auto file = SourceFile::read(path, err);
  if (!file)
    return std::nullopt;
  return parseTask(file->text(), path, err);
}

} // namespace plasticc::tasks

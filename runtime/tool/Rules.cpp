//===- runtime/tool/Rules.cpp - rule files, rule specs, baselines ---------===//
#include "runtime/tool/Rules.h"

#include "runtime/meta/Checkpoint.h"
#include "runtime/tool/MetaSpec.h"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace plasticc::tool {

std::string trainingBudget(int64_t iterations, int64_t batch, int64_t trials,
                           const std::string &estimator, const std::string &scoreBaseline) {
  const bool twice = estimator == "es" || (estimator == "score" && (scoreBaseline == "pairs" ||
                                                                     scoreBaseline == "mirror"));
  return (twice ? "2 x " : "") + std::to_string(iterations * batch * trials) +
         " network-trials " + (estimator == "es" ? "without tangents" : "with tangents");
}

namespace {

/// The model's meta quantity `name`, or nullptr.
const meta::MetaEntry *metaEntry(const meta::ModelBinding &b, const std::string &name) {
  for (const meta::MetaEntry &e : b.metaEntries())
    if (e.name == name)
      return &e;
  return nullptr;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

/// "trained on cue_delay_response (seed 1): 60 meta-iterations x B = 8 x K = 10
/// in /path/out".
std::string describeProvenance(const nlohmann::json &p) {
  std::ostringstream s;
  s << "trained on " << p.value("task", std::string("?")) << " (seed "
    << p.value("seed", uint64_t{0}) << "): " << p.value("iterations", int64_t{0})
    << " meta-iterations x B = " << p.value("batch", int64_t{0}) << " networks x K = "
    << p.value("trials", int64_t{0}) << " trials ("
    << trainingBudget(p.value("iterations", int64_t{0}), p.value("batch", int64_t{0}),
                      p.value("trials", int64_t{0}), p.value("estimator", std::string("pathwise")),
                      p.value("score_baseline", std::string("batch")))
    << "), " << p.value("estimator", std::string("pathwise")) << " estimator";
  if (p.value("estimator", std::string("pathwise")) == "es")
    s << " (sigma " << p.value("es_sigma", 0.0) << ", "
      << (p.value("es_shaping", std::string()) == "sign" ? "sign of each pair, " : "")
      << p.value("reward", std::string("model")) << " reward)";
  if (p.value("estimator", std::string("pathwise")) == "score")
    s << " (" << p.value("reward", std::string("model")) << " reward, "
      << p.value("score_baseline", std::string("batch")) << " baseline)";
  s << ", in " << p.value("out", std::string("?"));
  return s.str();
}

/// Checks the "meta" array of a rule.json against the model's quantities.
bool checkShapes(const nlohmann::json &j, const std::string &path, const meta::ModelBinding &b,
                 std::string &err) {
  if (!j.contains("meta"))
    return true;
  for (const nlohmann::json &q : j.at("meta")) {
    std::string name = q.at("name").get<std::string>();
    std::vector<int64_t> shape;
    for (const nlohmann::json &d : q.at("shape")) {
      // A number past int64 parses as a double, whose conversion would be
      // undefined: only integers that fit are a shape.
      if (!d.is_number_integer() ||
          (d.is_number_unsigned() && d.get<uint64_t>() > uint64_t(INT64_MAX))) {
        err = "rule '" + path + "': the shape of meta '" + name + "' must be a list of integers";
        return false;
      }
      shape.push_back(d.get<int64_t>());
    }
    const meta::MetaEntry *entry = metaEntry(b, name);
    if (!entry) {
      err = "rule '" + path + "' sets meta '" + name + "', which model '" + b.info().name +
            "' does not have";
      return false;
    }
    if (entry->shape != shape) {
      err = "rule '" + path + "' has meta '" + name + "' of shape " + shapeText(shape) +
            "; model '" + b.info().name + "' declares it with shape " + shapeText(entry->shape);
      return false;
    }
  }
  return true;
}

/// The nested "values" of each meta entry agree with the flat "scalars" (a
/// hand edit of one and not the other is refused, not silently ignored),
/// and no quantity appears twice.
bool checkValues(const nlohmann::json &j, const std::string &path, const meta::ModelBinding &b,
                 std::string &err) {
  if (!j.contains("meta"))
    return true;
  std::set<std::string> seen;
  for (const nlohmann::json &q : j.at("meta")) {
    std::string name = q.at("name").get<std::string>();
    if (!seen.insert(name).second) {
      err = "rule '" + path + "' lists meta '" + name + "' twice";
      return false;
    }
    std::vector<double> flat;
    std::function<void(const nlohmann::json &)> walk = [&](const nlohmann::json &v) {
      if (v.is_array())
        for (const nlohmann::json &x : v)
          walk(x);
      else
        flat.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    };
    walk(q.at("values"));
    const meta::MetaEntry *e = metaEntry(b, name);
    for (int64_t k = 0; e && k < e->count && k < static_cast<int64_t>(flat.size()); ++k) {
      std::string scalar = b.metaScalarName(e->offset + k);
      const nlohmann::json &s = j.at("scalars");
      if (s.contains(scalar) && s.at(scalar).is_number() &&
          !(s.at(scalar).get<double>() == flat[static_cast<size_t>(k)])) {
        err = "rule '" + path + "': " + scalar + " is " + s.at(scalar).dump() + " in 'scalars' "
              "but " + nlohmann::json(flat[static_cast<size_t>(k)]).dump() + " in 'meta' (edit both, "
              "or remove 'meta')";
        return false;
      }
    }
  }
  return true;
}

} // namespace

std::optional<meta::Rule> readRuleFile(const std::string &path, const std::string &name,
                                       const meta::ModelBinding &b, bool sameModel,
                                       std::vector<std::string> &notes, std::string &err) {
  std::string text;
  if (!meta::readFile(path, text, err)) {
    err = "cannot read rule '" + path + "': " + err;
    return std::nullopt;
  }
  meta::Rule rule;
  rule.name = name;
  rule.detail = fs::path(path).filename().string();
  rule.meta.assign(static_cast<size_t>(b.metaScalars()), std::nan(""));
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    std::string model = j.at("model").get<std::string>();
    if (sameModel && model != b.info().name) {
      err = "rule '" + path + "' is a rule of model '" + model + "', not of '" + b.info().name + "'";
      return std::nullopt;
    }
    if (!checkShapes(j, path, b, err) || !checkValues(j, path, b, err))
      return std::nullopt;
    for (const auto &[scalar, v] : j.at("scalars").items()) {
      int64_t k = b.metaIndex(scalar);
      if (k < 0) {
        err = "rule '" + path + "' sets '" + scalar + "', which model '" + b.info().name +
              "' does not have";
        return std::nullopt;
      }
      if (!v.is_number() || !std::isfinite(v.get<double>())) {
        err = "rule '" + path + "': " + scalar + " = " + v.dump() + " is not a finite number";
        return std::nullopt;
      }
      rule.meta[static_cast<size_t>(k)] = v.get<double>();
    }
    for (int64_t k = 0; k < b.metaScalars(); ++k)
      if (std::isnan(rule.meta[static_cast<size_t>(k)])) {
        err = "rule '" + path + "' has no value for " + b.metaScalarName(k);
        return std::nullopt;
      }
    std::string hash = j.value("model_hash", std::string());
    if (model == b.info().name && !hash.empty() && hash != b.info().sourceHash)
      notes.push_back(name + ": rule '" + path + "' was learned on another version of model '" +
                      model + "' (source hash " + hash.substr(0, 12) + " vs " +
                      b.info().sourceHash.substr(0, 12) + ")");
    rule.origin = "trained on " + j.value("task", std::string("?")) + " (no provenance recorded)";
    if (j.contains("provenance")) {
      try { // informative only: a damaged record does not make the rule unusable
        rule.origin = describeProvenance(j.at("provenance"));
      } catch (const nlohmann::json::exception &) {
        rule.origin = "provenance in '" + path + "' is unreadable";
      }
    }
  } catch (const nlohmann::json::exception &e) {
    err = "rule '" + path + "' is not a rule.json of plasticc-meta: " + e.what();
    return std::nullopt;
  }
  return rule;
}

std::optional<meta::Rule> parseRule(const std::string &spec, const meta::ModelBinding &b,
                                    const std::vector<double> &defaults,
                                    std::vector<std::string> &notes, std::string &err) {
  std::error_code ec;
  // LABEL:BODY, unless the whole spec is a path (a colon may be in one).
  std::string label, body = spec;
  size_t colon = spec.find(':');
  if (colon != std::string::npos && !fs::exists(spec, ec)) {
    label = spec.substr(0, colon);
    body = spec.substr(colon + 1);
  }
  for (char c : label)
    if (static_cast<unsigned char>(c) < 0x20) {
      err = "--rule: a label cannot contain control characters (a newline, a tab)";
      return std::nullopt;
    }
  if (spec.empty() || (colon != std::string::npos && label.empty())) {
    err = "--rule: '" + spec + "' names nothing (expected a rule.json, [LABEL:]NAME=V,... or "
          "LABEL: for the model's declared rule)";
    return std::nullopt;
  }
  if (!body.empty() && splitSpec(body).empty()) {
    err = "--rule: '" + spec + "' sets nothing (expected NAME=V,...)";
    return std::nullopt;
  }
  if (body.find('=') == std::string::npos && !body.empty()) { // a path
    if (fs::is_directory(body, ec)) {
      err = "--rule: '" + body + "' is a directory" +
            (fs::exists(fs::path(body) / "rule.json", ec)
                 ? " (did you mean " + (fs::path(body) / "rule.json").string() + "?)"
                 : "");
      return std::nullopt;
    }
    std::string name = label;
    if (name.empty()) // the run's directory, or the file's own name
      name = fs::absolute(body, ec).parent_path().filename().string();
    if (name.empty())
      name = fs::path(body).stem().string();
    return readRuleFile(body, name, b, true, notes, err);
  }
  meta::Rule rule{label.empty() ? body : label, label.empty() ? "" : body, defaults};
  rule.candidate = true;
  rule.origin = body.empty() ? "the model's declared meta values" : "given on the command line";
  if (body.empty()) {
    rule.detail = "declared";
    return rule;
  }
  if (!applySettings("--rule", body, b, rule.meta, err))
    return std::nullopt;
  return rule;
}

std::string sidecarBaselines(const std::string &modelPath) {
  fs::path p(modelPath);
  fs::path side = p.parent_path() / (p.stem().string() + ".baselines.toml");
  std::error_code ec;
  return fs::is_regular_file(side, ec) ? side.string() : "";
}

namespace {

std::string at(const std::string &path, const toml::source_region &r) {
  return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column) +
         ": error: ";
}

std::string at(const std::string &path, const toml::node &n) { return at(path, n.source()); }

/// The reference family's baselines (docs/model.md "One trial k").
std::vector<meta::Rule> builtin(const meta::ModelBinding &b, const std::vector<double> &defaults,
                                std::vector<std::string> &notes) {
  const meta::MetaEntry *theta = metaEntry(b, "theta");
  if (theta && !(theta->shape.size() == 2 && theta->shape[0] == theta->shape[1] &&
                 theta->shape[0] >= 2))
    theta = nullptr; // not the polynomial rule's square matrix
  if (!theta) {
    notes.push_back("baselines: model '" + b.info().name + "' declares none (no baselines file, "
                    "no square meta 'theta'); only 'no plasticity' is compared (--baselines FILE "
                    "names others)");
    return {};
  }
  std::vector<double> zero = defaults;
  std::fill(zero.begin() + theta->offset, zero.begin() + theta->offset + theta->count, 0.0);
  std::vector<meta::Rule> rules;
  for (auto [name, coefficient] : {std::pair{"node perturbation", "theta[1,1]"},
                                   std::pair{"Miconi supralinear", "theta[3,3]"}}) {
    int64_t i = b.metaIndex(coefficient);
    if (i < 0) {
      notes.push_back(std::string("baseline '") + name + "' skipped: model '" + b.info().name +
                      "' has no " + coefficient);
      continue;
    }
    meta::Rule r{name, std::string(coefficient) + " = 1", zero};
    r.meta[static_cast<size_t>(i)] = 1.0;
    r.tune = true;
    r.origin = "built-in";
    rules.push_back(std::move(r));
  }
  notes.push_back("baselines: built-in for the polynomial rule of docs/model.md (theta[a,b] "
                  "weighs pre^a post^b with post = x - xbar); a model of another form should "
                  "name its own in MODEL.baselines.toml or with --baselines FILE");
  return rules;
}

bool readBaseline(const toml::table &t, const std::string &path, const meta::ModelBinding &b,
                  const std::vector<double> &defaults, meta::Rule &rule, std::string &err) {
  for (auto &&[key, node] : t)
    if (key != "name" && key != "set" && key != "zero" && key != "tune") {
      err = at(path, key.source()) + "unknown key '" + std::string(key.str()) +
            "' in a baseline (expected name, set, zero, tune)";
      return false;
    }
  std::optional<std::string> name = t["name"].value<std::string>();
  if (!name || name->empty()) {
    err = at(path, t) + "a baseline needs a name (name = \"...\")";
    return false;
  }
  rule = {*name, "", defaults};
  rule.tune = true;
  if (const toml::node *tune = t.get("tune")) {
    if (!tune->is_boolean()) {
      err = at(path, *tune) + "'tune' must be true or false";
      return false;
    }
    rule.tune = tune->value_or(true);
  }
  rule.origin = path;
  const toml::node *zeroNode = t.get("zero");
  if (zeroNode && !zeroNode->is_array()) {
    err = at(path, *zeroNode) + "'zero' must be a list of names, e.g. zero = [\"theta\"]";
    return false;
  }
  if (const toml::array *zero = t["zero"].as_array())
    for (const toml::node &z : *zero) {
      std::optional<std::string> pattern = z.value<std::string>();
      if (!pattern) {
        err = at(path, z) + "'zero' entries are names (strings), e.g. \"theta[0,*]\"";
        return false;
      }
      bool any = false;
      for (int64_t k = 0; pattern && k < b.metaScalars(); ++k)
        if (matchesPattern(*pattern, b.metaScalarName(k))) {
          rule.meta[static_cast<size_t>(k)] = 0;
          any = true;
        }
      if (!any) {
        err = at(path, z) + "'zero' entry names no meta scalar of model '" + b.info().name + "'";
        return false;
      }
    }
  const toml::table *set = t["set"].as_table();
  if (!set || set->empty()) {
    err = at(path, t) + "baseline '" + *name + "' needs a table 'set' of meta values, e.g. "
                        "set = { \"theta[1,1]\" = 1 }";
    return false;
  }
  for (auto &&[key, node] : *set) {
    std::string scalar(key.str());
    int64_t k = b.metaIndex(scalar);
    std::optional<double> v = node.value<double>();
    if (k < 0) {
      err = at(path, key.source()) + "model '" + b.info().name + "' has no meta scalar '" + scalar +
            "'";
      return false;
    }
    if (!v || !std::isfinite(*v)) {
      err = at(path, node) + scalar + " must be a finite number";
      return false;
    }
    rule.meta[static_cast<size_t>(k)] = *v;
    std::ostringstream text;
    text << *v;
    rule.detail += (rule.detail.empty() ? "" : ", ") + scalar + " = " + text.str();
  }
  return true;
}

} // namespace

std::optional<std::vector<meta::Rule>> baselines(const std::string &file,
                                                 const meta::ModelBinding &b,
                                                 const std::vector<double> &defaults,
                                                 std::vector<std::string> &notes,
                                                 std::string &err) {
  if (file.empty())
    return builtin(b, defaults, notes);
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error &e) {
    const toml::source_region &r = e.source();
    err = file + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column) +
          ": error: " + std::string(e.description());
    return std::nullopt;
  }
  std::vector<meta::Rule> rules;
  for (auto &&[key, node] : root)
    if (key != "baseline") {
      err = at(file, key.source()) + "unknown key '" + std::string(key.str()) +
            "' (expected [[baseline]])";
      return std::nullopt;
    }
  const toml::array *list = root["baseline"].as_array();
  if (!list || list->empty()) {
    err = file + ": error: no [[baseline]] entries";
    return std::nullopt;
  }
  for (const toml::node &n : *list) {
    const toml::table *t = n.as_table();
    if (!t) {
      err = at(file, n) + "'baseline' must be an array of tables ([[baseline]])";
      return std::nullopt;
    }
    meta::Rule rule;
    if (!readBaseline(*t, file, b, defaults, rule, err))
      return std::nullopt;
    rules.push_back(std::move(rule));
  }
  notes.push_back("baselines: from " + file);
  return rules;
}

std::optional<std::vector<meta::Rule>> ablations(const meta::Rule &rule, const std::string &spec,
                                                 const meta::ModelBinding &b,
                                                 const std::vector<double> &defaults,
                                                 std::vector<std::string> &notes, std::string &err) {
  std::vector<meta::Rule> out;
  // A variant that sets nothing non-zero to 0 is the rule itself: noted, not run.
  auto without = [&](const std::string &name, auto &&pick) {
    meta::Rule r{name, "set to 0", rule.meta};
    r.scale = rule.scale;
    r.plastic = rule.plastic;
    bool changes = false;
    for (int64_t k = 0; k < b.metaScalars(); ++k)
      if (pick(k)) {
        changes = changes || r.meta[static_cast<size_t>(k)] != 0;
        r.meta[static_cast<size_t>(k)] = 0;
      }
    if (changes)
      out.push_back(std::move(r));
    else
      notes.push_back("ablation: '" + name + "' is already 0 in " + rule.name + "; not run");
  };
  if (spec.empty()) {
    // The rule's terms: scalars declared 0 (coefficients), not time
    // constants or rates the model declares with a value of their own.
    for (int64_t k = 0; k < b.metaScalars(); ++k)
      if (rule.meta[static_cast<size_t>(k)] != 0 && defaults[static_cast<size_t>(k)] == 0)
        without(b.metaScalarName(k), [k](int64_t i) { return i == k; });
    return out;
  }
  for (const std::string &pattern : splitSpec(spec)) {
    if (!checkPattern("--ablate-groups", pattern, err))
      return std::nullopt;
    bool any = false;
    for (int64_t k = 0; k < b.metaScalars(); ++k)
      any = any || matchesPattern(pattern, b.metaScalarName(k));
    if (!any) {
      err = "--ablate-groups: '" + pattern + "' names no meta scalar of model '" + b.info().name +
            "'";
      return std::nullopt;
    }
    without(pattern, [&](int64_t k) { return matchesPattern(pattern, b.metaScalarName(k)); });
  }
  return out;
}

} // namespace plasticc::tool

//===- runtime/tool/MetaRun.cpp - train, evaluate, write, plot ------------===//
#include "runtime/tool/MetaRun.h"

#include "runtime/meta/Checkpoint.h"
#include "runtime/meta/Evaluation.h"
#include "runtime/meta/Logs.h"
#include "runtime/meta/MetaLearner.h"
#include "runtime/meta/ParallelFor.h"
#include "runtime/meta/Progress.h"
#include "runtime/tasks/Task.h"
#include "runtime/tool/MetaSpec.h"
#include "runtime/tool/ModelLoader.h"
#include "runtime/tool/Plots.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

#ifndef PLASTICC_SOURCE_DIR
#define PLASTICC_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;

namespace plasticc::tool {

namespace {

constexpr const char *kTool = "plasticc-meta";

int fail(int code, const std::string &message) {
  // Located diagnostics (file:line:col: error: ...) already say what they are.
  if (message.find(": error: ") == std::string::npos)
    std::cerr << kTool << ": error: ";
  std::cerr << message;
  if (message.empty() || message.back() != '\n')
    std::cerr << '\n';
  return code;
}

std::vector<std::string> taskDirs() {
  std::vector<std::string> dirs;
  if (const char *env = std::getenv("PLASTICC_TASKS_DIR"))
    dirs.push_back(env);
  dirs.push_back(std::string(PLASTICC_SOURCE_DIR) + "/examples/tasks");
  return dirs;
}

/// Reports each failed network as it happens, on its own line.
class Observer final : public meta::TrainingObserver {
public:
  Observer(const Options &o, meta::CsvLog &log, meta::Progress &progress,
           const meta::Checkpoint &base, std::string checkpointPath)
      : o_(o), log_(log), progress_(progress), base_(base), path_(std::move(checkpointPath)) {}

  void onFailure(const meta::NetworkFailure &f, bool skipped) override {
    progress_.message(std::string(kTool) + ": warning: " + f.describe() +
                      (skipped ? "; this network is skipped for this meta-iteration"
                               : "; stopping (--on-divergence=stop)"));
  }

  bool onIteration(const meta::IterationRecord &r, const meta::TrainingState &state) override {
    std::string err;
    if (!log_.append(r, err))
      writeError_ = err;
    progress_.update(state.iteration, r.J, r.gradNorm);
    if (state.iteration % o_.checkpointEvery == 0 || state.iteration == o_.iters)
      if (!save(state, err))
        writeError_ = err;
    return writeError_.empty();
  }

  bool save(const meta::TrainingState &state, std::string &err) const {
    meta::Checkpoint cp = base_;
    cp.state = state;
    return meta::writeCheckpoint(path_, cp, err);
  }

  const std::string &writeError() const { return writeError_; }

private:
  const Options &o_;
  meta::CsvLog &log_;
  meta::Progress &progress_;
  const meta::Checkpoint &base_;
  std::string path_;
  std::string writeError_;
};

/// The model's `dt` param (if any) must be the task's time step.
bool checkTimeStep(const meta::ModelBinding &b, const tasks::Task &task, const void *state,
                   std::string &err) {
  const runtime::QuantityInfo *dt = b.scalarParam("dt");
  if (!dt)
    return true;
  double v = 0;
  std::memcpy(&v, static_cast<const char *>(state) + dt->offset, sizeof v);
  double want = task.dtMs * 1e-3; // the model stores SI seconds
  if (std::fabs(v - want) <= 1e-9 * std::max(std::fabs(v), want))
    return true;
  char text[160];
  std::snprintf(text, sizeof text, "task time step dt = %g ms but model '%s' has param dt = %g ms",
                task.dtMs, b.info().name.c_str(), v * 1e3);
  err = task.locatedError(task.dtLoc, text); // no `dt` key: about the whole file
  return false;
}

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

std::string resolveTask(const std::string &name, std::string &err) {
  std::error_code ec;
  if (fs::is_regular_file(name, ec))
    return name;
  bool looksLikeFile = name.find('/') != std::string::npos || name.ends_with(".toml");
  if (looksLikeFile) {
    err = "cannot read task file '" + name + "'" + (fs::exists(name, ec) ? "" : ": no such file");
    return "";
  }
  std::set<std::string> known;
  for (const std::string &dir : taskDirs()) {
    std::string p = dir + "/" + name + ".toml";
    if (fs::is_regular_file(p, ec))
      return p;
    for (const auto &e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".toml")
        known.insert(e.path().stem().string());
  }
  err = "unknown task '" + name + "' (shipped tasks:";
  for (const std::string &k : known)
    err += " " + k;
  err += known.empty() ? " none found)" : ")";
  return "";
}

int runMeta(const Options &o) {
  std::string err;
  // The task first: its mistakes are the user's and cheap to find.
  std::string taskPath = resolveTask(o.task, err);
  if (taskPath.empty())
    return fail(ExitUsage, err);
  std::optional<tasks::Task> task = tasks::loadTask(taskPath, err);
  if (!task)
    return fail(ExitUsage, err);

  std::error_code ec;
  if (!fs::exists(o.model, ec))
    return fail(ExitUsage, "cannot read model '" + o.model + "': no such file");
  if (fs::is_directory(o.model, ec))
    return fail(ExitUsage, "cannot read model '" + o.model + "': it is a directory");
  if (::access(o.model.c_str(), R_OK) != 0)
    return fail(ExitUsage, "cannot read model '" + o.model + "': " + std::strerror(errno));
  std::unique_ptr<LoadedModel> model = loadModel(o.model, {o.interpret}, err);
  if (!model)
    return fail(ExitUsage, err);
  meta::BackendPool pool([&] { return model->makeBackend(); });
  const runtime::ModelInfo &info = pool.info();
  std::optional<meta::ModelBinding> binding = meta::ModelBinding::make(info, *task, err);
  if (!binding)
    return fail(ExitUsage, err);
  tasks::TaskGenerator gen(*task, o.steps);
  meta::NetworkRunner runner(pool, *binding, gen);

  // One network drawn with the defaults: the model's timing and meta defaults.
  std::vector<double> defaults(static_cast<size_t>(binding->metaScalars()));
  {
    auto ws = runner.workspace(0);
    runner.initOnly(meta::networkSeed(o.seed, meta::SeedDomain::Training, 0, 0), nullptr, *ws);
    if (!checkTimeStep(*binding, *task, ws->state(), err))
      return fail(ExitUsage, err);
    binding->readMeta(ws->state(), defaults.data());
  }
  if (!o.init.empty() && !applyInit(o.init, *binding, defaults, err))
    return fail(ExitUsage, err);
  std::vector<bool> frozen(defaults.size(), false);
  if (!o.freeze.empty() && !parseFreeze(o.freeze, *binding, frozen, err))
    return fail(ExitUsage, err);

  fs::create_directories(o.out, ec);
  if (ec || !fs::is_directory(o.out))
    return fail(ExitUsage, "cannot create output directory '" + o.out + "'" +
                               (ec ? ": " + ec.message() : ""));
  const std::string cpPath = o.out + "/checkpoint.json";

  meta::MetaConfig cfg;
  cfg.iterations = o.iters;
  cfg.batch = o.batch;
  cfg.trials = o.trials;
  cfg.threads = o.threads > 0 ? o.threads : meta::defaultThreads();
  cfg.seed = o.seed;
  cfg.adam.lr = o.lr;
  cfg.adam.clip = o.clip;
  cfg.weightBound = o.weightBound;
  cfg.onDivergence = o.onDivergence == "stop" ? meta::DivergencePolicy::Stop
                                              : meta::DivergencePolicy::Skip;
  cfg.frozen = frozen;
  meta::MetaLearner learner(runner, cfg);

  meta::Checkpoint base;
  base.identity = {info.name,  info.sourceHash.empty() ? meta::textHash(readAll(o.model))
                                                       : info.sourceHash,
                   task->name, meta::textHash(task->file->text()),
                   o.batch,    o.trials,
                   gen.steps(), o.seed,
                   cfg.adam,   o.weightBound,
                   o.onDivergence, frozenNames(frozen, *binding)};
  base.totalIterations = o.iters;

  meta::TrainingState state = learner.initialState(defaults);
  if (o.resume) {
    std::optional<meta::Checkpoint> cp = meta::readCheckpoint(cpPath, err);
    if (!cp)
      return fail(ExitUsage, err + " (--resume needs the checkpoint of an earlier run in --out)");
    std::string why = cp->identity.mismatch(base.identity);
    if (!why.empty())
      return fail(ExitUsage, "cannot resume from '" + cpPath + "': " + why);
    if (static_cast<int64_t>(cp->state.meta.size()) != binding->metaScalars())
      return fail(ExitUsage, "cannot resume from '" + cpPath + "': it holds " +
                                 std::to_string(cp->state.meta.size()) + " meta scalars, the model " +
                                 std::to_string(binding->metaScalars()));
    state = std::move(cp->state);
  }

  if (!o.quiet)
    std::cerr << kTool << ": " << info.name << " (P = " << binding->metaScalars()
              << " meta scalars, " << model->backendName() << ") on " << task->name << " (T = "
              << gen.steps() << " steps): " << o.iters << " meta-iterations of B = " << o.batch
              << " networks x K = " << o.trials << " trials, " << cfg.threads << " thread"
              << (cfg.threads == 1 ? "" : "s")
              << (o.resume ? ", resumed at meta-iteration " + std::to_string(state.iteration) : "")
              << "\n";

  meta::CsvLog log;
  if (!log.open(o.out + "/log.csv", *binding, state.history, err))
    return fail(ExitFailure, err);
  meta::Progress progress(o.iters, !o.quiet && meta::Progress::stderrIsTerminal());
  if (state.history.empty())
    progress.start(0, std::nan(""), std::nan(""));
  else
    progress.start(state.iteration, state.history.back().J, state.history.back().gradNorm);
  Observer observer(o, log, progress, base, cpPath);
  std::string why;
  meta::MetaLearner::Status status = learner.train(state, observer, why);
  progress.finish();
  if (!observer.writeError().empty())
    return fail(ExitFailure, observer.writeError());
  // The end state is always saved, so a finished run can be extended with
  // --resume --iters N and a stopped one resumed after a change of flags.
  if (!observer.save(state, err) ||
      !meta::writeRuleJson(o.out + "/rule.json", *binding, state.meta, state, err))
    return fail(ExitFailure, err);

  if (status == meta::MetaLearner::Status::Stopped) {
    if (o.plots && !drawPlots(o.python,
                              o.plotScript.empty() ? PLASTICC_SOURCE_DIR "/scripts/plot.py"
                                                   : o.plotScript,
                              o.out, err))
      std::cerr << kTool << ": warning: " << err << '\n';
    return fail(ExitDiverged, why + "\n(log, checkpoint and rule in '" + o.out +
                                  "' are up to date; rerun with --resume after a change)");
  }

  if (o.evaluate) {
    meta::EvalConfig ec2;
    ec2.seeds = o.evalSeeds;
    ec2.trials = o.evalTrials > 0 ? o.evalTrials : o.trials;
    ec2.sweepSeeds = o.sweepSeeds;
    ec2.sweep = o.sweep;
    ec2.threads = cfg.threads;
    ec2.seed = o.seed;
    ec2.weightBound = o.weightBound;
    meta::Evaluator evaluator(runner, ec2);
    std::vector<std::string> notes;
    std::vector<meta::Rule> rules{{"learned", "meta-trained", state.meta, false}};
    for (meta::Rule &r : evaluator.baselines(notes))
      rules.push_back(std::move(r));
    if (!o.quiet)
      std::cerr << kTool << ": evaluating " << rules.size() << " rules on " << ec2.seeds
                << " held-out networks...\n";
    std::vector<meta::RuleResult> results;
    for (const meta::Rule &r : rules)
      results.push_back(evaluator.evaluate(r));
    std::string table = meta::formatTable(results, *task, ec2, notes);
    if (!o.quiet)
      std::cout << table << std::flush;
    if (!meta::writeEvaluation(o.out, results, table, err))
      return fail(ExitFailure, err);
  }

  if (o.plots && !drawPlots(o.python,
                            o.plotScript.empty() ? PLASTICC_SOURCE_DIR "/scripts/plot.py"
                                                 : o.plotScript,
                            o.out, err))
    std::cerr << kTool << ": warning: plots not drawn: " << err << '\n';
  return ExitOk;
}

} // namespace plasticc::tool

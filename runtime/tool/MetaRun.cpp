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
#include <sys/resource.h>
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

/// "1 network", "2 networks".
std::string count(int64_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
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

/// Bytes of memory a process may use: physical memory, or less under RLIMIT_AS.
double availableMemory() {
  double phys = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                static_cast<double>(::sysconf(_SC_PAGE_SIZE));
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    phys = std::min(phys, static_cast<double>(lim.rlim_cur));
  return phys;
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

namespace {

/// One invocation, step by step; each step returns an exit code or -1 to go on.
class Run {
public:
  explicit Run(const Options &o) : o_(o) {}

  int main() {
    int code = -1;
    for (int (Run::*step)() : {&Run::loadTaskFile, &Run::loadModelFile, &Run::bind,
                                &Run::startingPoint, &Run::prepareOutputs, &Run::train,
                                &Run::evaluate})
      if ((code = (this->*step)()) >= 0)
        return code;
    plots("plots not drawn: ");
    return ExitOk;
  }

private:
  int loadTaskFile() {
    // The task first: its mistakes are the user's and cheap to find.
    std::string path = resolveTask(o_.task, err_);
    if (path.empty())
      return fail(ExitUsage, err_);
    task_ = tasks::loadTask(path, err_);
    return task_ ? -1 : fail(ExitUsage, err_);
  }

  int loadModelFile() {
    std::error_code ec;
    if (!fs::exists(o_.model, ec))
      return fail(ExitUsage, "cannot read model '" + o_.model + "': no such file");
    if (fs::is_directory(o_.model, ec))
      return fail(ExitUsage, "cannot read model '" + o_.model + "': it is a directory");
    if (::access(o_.model.c_str(), R_OK) != 0)
      return fail(ExitUsage, "cannot read model '" + o_.model + "': " + std::strerror(errno));
    model_ = loadModel(o_.model, {o_.interpret}, err_);
    if (!model_)
      return fail(ExitUsage, err_);
    threads_ = o_.threads > 0 ? o_.threads : meta::defaultThreads();
    if (!checkMemory(err_))
      return fail(ExitUsage, err_);
    pool_ = std::make_unique<meta::BackendPool>([this] { return model_->makeBackend(); });
    return -1;
  }

  /// Refuses a model whose states (one per network in flight, i.e. per
  /// worker thread) exceed the memory of the machine (or RLIMIT_AS), before
  /// anything of that size is allocated.
  bool checkMemory(std::string &err) const {
    double perNetwork = static_cast<double>(model_->stateBytes());
    double need = perNetwork * threads_;
    double have = availableMemory();
    if (need <= have)
      return true;
    char text[400];
    std::snprintf(text, sizeof text,
                  "model '%s' needs %.1e bytes of state per network; cannot allocate (%d "
                  "network%s in flight need%s %.1e bytes, this machine has %.1e)%s",
                  model_->modelName().c_str(), perNetwork, threads_, threads_ == 1 ? "" : "s",
                  threads_ == 1 ? "s" : "", need, have,
                  perNetwork <= have ? "; try fewer --threads" : "");
    err = text;
    return false;
  }

  /// Why a trial with no scored step is refused: J and its gradient would be
  /// 0 at every iteration, and the evaluation meaningless.
  std::string noScoredStep() const {
    int64_t start = gen_->naturalScoredStart();
    if (start < 0)
      return "the task " + task_->name + " scores no step (no epoch has scored = true)";
    int64_t T0 = task_->steps();
    return "with --steps " + std::to_string(o_.steps) + " the task " + task_->name +
           " scores no step: its scored window starts at step " + std::to_string(start) +
           " of " + std::to_string(T0) + " and rounds away when the trial is rescaled to " +
           std::to_string(gen_->steps()) + " step" + (gen_->steps() == 1 ? "" : "s") +
           " (use more --steps)";
  }

  int bind() {
    binding_ = meta::ModelBinding::make(pool_->info(), *task_, err_);
    if (!binding_)
      return fail(ExitUsage, err_);
    gen_ = std::make_unique<tasks::TaskGenerator>(*task_, o_.steps);
    if (gen_->scoredSteps() == 0)
      return fail(ExitUsage, noScoredStep());
    runner_ = std::make_unique<meta::NetworkRunner>(*pool_, *binding_, *gen_);
    return -1;
  }

  /// The meta values training starts from (defaults, --init), --freeze,
  /// and the model's time step checked against the task's.
  int startingPoint() {
    start_.assign(static_cast<size_t>(binding_->metaScalars()), 0.0);
    auto ws = runner_->workspace(0);
    runner_->initOnly(meta::networkSeed(o_.seed, meta::SeedDomain::Training, 0, 0), nullptr, *ws);
    if (!checkTimeStep(*binding_, *task_, ws->state(), err_))
      return fail(ExitUsage, err_);
    binding_->readMeta(ws->state(), start_.data());
    if (!o_.init.empty() && !applyInit(o_.init, *binding_, start_, err_))
      return fail(ExitUsage, err_);
    frozen_.assign(start_.size(), false);
    if (!o_.freeze.empty() && !parseFreeze(o_.freeze, *binding_, frozen_, err_))
      return fail(ExitUsage, err_);
    return -1;
  }

  /// The output directory, the learner, and its state: fresh or resumed.
  int prepareOutputs() {
    std::error_code ec;
    fs::create_directories(o_.out, ec);
    if (ec || !fs::is_directory(o_.out))
      return fail(ExitUsage, "cannot create output directory '" + o_.out + "'" +
                                 (ec ? ": " + ec.message() : ""));
    meta::MetaConfig cfg;
    cfg.iterations = o_.iters;
    cfg.batch = o_.batch;
    cfg.trials = o_.trials;
    cfg.threads = threads_;
    cfg.seed = o_.seed;
    cfg.adam.lr = o_.lr;
    cfg.adam.clip = o_.clip;
    cfg.weightBound = o_.weightBound;
    cfg.onDivergence = o_.onDivergence == "stop" ? meta::DivergencePolicy::Stop
                                                 : meta::DivergencePolicy::Skip;
    cfg.frozen = frozen_;
    learner_ = std::make_unique<meta::MetaLearner>(*runner_, cfg);

    const runtime::ModelInfo &info = pool_->info();
    base_.identity = {info.name,
                      info.sourceHash.empty() ? meta::textHash(readAll(o_.model)) : info.sourceHash,
                      task_->name,
                      meta::textHash(task_->file->text()),
                      o_.batch,
                      o_.trials,
                      gen_->steps(),
                      o_.seed,
                      cfg.adam,
                      o_.weightBound,
                      o_.onDivergence,
                      frozenNames(frozen_, *binding_)};
    base_.totalIterations = o_.iters;
    state_ = learner_->initialState(start_);
    return o_.resume ? resume() : -1;
  }

  int resume() {
    std::optional<meta::Checkpoint> cp = meta::readCheckpoint(checkpointPath(), err_);
    if (!cp)
      return fail(ExitUsage, err_ + " (--resume needs the checkpoint of an earlier run in --out)");
    std::string why = cp->identity.mismatch(base_.identity);
    if (!why.empty())
      return fail(ExitUsage, "cannot resume from '" + checkpointPath() + "': " + why +
                                 " (--resume continues only an identical run; to change "
                                 "settings start a new run, e.g. with --init " + o_.out +
                                 "/rule.json, in a new --out)");
    if (static_cast<int64_t>(cp->state.meta.size()) != binding_->metaScalars())
      return fail(ExitUsage, "cannot resume from '" + checkpointPath() + "': it holds " +
                                 count(static_cast<int64_t>(cp->state.meta.size()), "meta scalar") +
                                 ", the model " +
                                 std::to_string(binding_->metaScalars()));
    state_ = std::move(cp->state);
    if (state_.iteration >= o_.iters && !o_.quiet)
      std::cerr << kTool << ": the run in '" << o_.out << "' is already complete ("
                << count(state_.iteration, "meta-iteration")
                << "); nothing to train (--resume --iters N with a larger N extends it)\n";
    return -1;
  }

  int train() {
    if (binding_->metaScalars() == 0) {
      // Nothing to differentiate: evaluate the model's rule as it is.
      if (!o_.quiet)
        std::cerr << kTool << ": model '" << pool_->info().name
                  << "' has nothing to meta-learn (P = 0); skipping training, evaluating only\n";
      std::string err;
      if (!meta::writeRuleJson(o_.out + "/rule.json", *binding_, state_.meta, state_, err))
        return fail(ExitFailure, err);
      return -1;
    }
    if (state_.iteration >= o_.iters && o_.resume)
      return -1; // already complete (said in resume()); outputs are up to date
    if (!o_.quiet)
      std::cerr << kTool << ": " << pool_->info().name << " (P = "
                << count(binding_->metaScalars(), "meta scalar") << ", " << model_->backendName()
                << ") on " << task_->name << " (T = " << count(gen_->steps(), "step")
                << "): " << count(o_.iters, "meta-iteration") << " of B = "
                << count(o_.batch, "network") << " x K = " << count(o_.trials, "trial") << ", "
                << count(threads_, "thread")
                << (o_.resume ? ", resumed at meta-iteration " + std::to_string(state_.iteration)
                              : "")
                << "\n";
    meta::CsvLog log;
    if (!log.open(o_.out + "/log.csv", *binding_, state_.history, err_))
      return fail(ExitFailure, err_);
    meta::Progress progress(o_.iters, !o_.quiet && meta::Progress::stderrIsTerminal());
    if (state_.history.empty())
      progress.start(0, std::nan(""), std::nan(""));
    else
      progress.start(state_.iteration, state_.history.back().J, state_.history.back().gradNorm);
    Observer observer(o_, log, progress, base_, checkpointPath());
    std::string why;
    meta::MetaLearner::Status status = learner_->train(state_, observer, why);
    progress.finish();
    if (!observer.writeError().empty())
      return fail(ExitFailure, observer.writeError());
    // The end state is always saved, so a finished run can be extended with
    // --resume --iters N; a stopped one would stop again if resumed as it
    // was (--resume refuses changed settings), so the advice is a new run.
    if (!observer.save(state_, err_) ||
        !meta::writeRuleJson(o_.out + "/rule.json", *binding_, state_.meta, state_, err_))
      return fail(ExitFailure, err_);
    if (status != meta::MetaLearner::Status::Stopped)
      return -1;
    plots("");
    return fail(ExitDiverged,
                why + "\n(log, checkpoint and rule in '" + o_.out +
                    "' are up to date; rerun with a smaller --lr, a --clip or a --freeze, from "
                    "scratch or from the rule reached with --init " + o_.out +
                    "/rule.json, in a new --out; --resume continues only an identical run)");
  }

  /// The learned rule and the baselines on held-out networks (Evaluation.h).
  int evaluate() {
    if (!o_.evaluate)
      return -1;
    meta::EvalConfig ec;
    ec.seeds = o_.evalSeeds;
    ec.trials = o_.evalTrials > 0 ? o_.evalTrials : o_.trials;
    ec.sweepSeeds = o_.sweepSeeds;
    ec.sweep = o_.sweep;
    ec.threads = threads_;
    ec.seed = o_.seed;
    ec.weightBound = o_.weightBound;
    meta::Evaluator evaluator(*runner_, ec);
    std::vector<std::string> notes;
    std::vector<meta::Rule> rules{{"learned", "meta-trained", state_.meta, false}};
    for (meta::Rule &r : evaluator.baselines(notes))
      rules.push_back(std::move(r));
    if (!o_.quiet)
      std::cerr << kTool << ": evaluating " << count(static_cast<int64_t>(rules.size()), "rule")
                << " on " << count(ec.seeds, "held-out network") << "...\n";
    std::vector<meta::RuleResult> results;
    for (const meta::Rule &r : rules)
      results.push_back(evaluator.evaluate(r));
    std::string table = meta::formatTable(results, *task_, ec, notes);
    if (!o_.quiet)
      std::cout << table << std::flush;
    if (!meta::writeEvaluation(o_.out, results, table, err_))
      return fail(ExitFailure, err_);
    return -1;
  }

  /// Draws the PNGs; a failure is only a warning (prefixed by `what`).
  void plots(const std::string &what) {
    if (!o_.plots)
      return;
    std::string script =
        o_.plotScript.empty() ? std::string(PLASTICC_SOURCE_DIR) + "/scripts/plot.py" : o_.plotScript;
    std::string err;
    if (!drawPlots(o_.python, script, o_.out, err))
      std::cerr << kTool << ": warning: " << what << err << '\n';
  }

  std::string checkpointPath() const { return o_.out + "/checkpoint.json"; }

  const Options &o_;
  std::string err_;
  std::optional<tasks::Task> task_;
  std::unique_ptr<LoadedModel> model_;
  std::unique_ptr<meta::BackendPool> pool_;
  std::optional<meta::ModelBinding> binding_;
  std::unique_ptr<tasks::TaskGenerator> gen_;
  std::unique_ptr<meta::NetworkRunner> runner_;
  int threads_ = 1;
  std::vector<double> start_;
  std::vector<bool> frozen_;
  std::unique_ptr<meta::MetaLearner> learner_;
  meta::Checkpoint base_;
  meta::TrainingState state_;
};

} // namespace

int runMeta(const Options &options) { return Run(options).main(); }

} // namespace plasticc::tool

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
#include "runtime/tool/OutputDir.h"
#include "runtime/tool/DataDir.h"
#include "runtime/tool/EvalRun.h"
#include "runtime/tool/Plots.h"
#include "runtime/tool/Ranks.h"
#include "runtime/tool/Rules.h"
#include "runtime/tool/Session.h"
#include "support/Files.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace plasticc::tool {

namespace {

constexpr const char *kTool = "plasticc-meta";

/// A number as messages print it ("%g").
std::string shortNumber(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

/// Reports each failed network as it happens, on its own line.
class Observer final : public meta::TrainingObserver {
public:
  Observer(const Options &o, Ranks &ranks, meta::CsvLog &log, meta::Progress &progress,
           const meta::Checkpoint &base, std::string checkpointPath, const StopRequest &stop)
      : o_(o), ranks_(ranks), log_(log), progress_(progress), base_(base),
        path_(std::move(checkpointPath)), stop_(stop) {}

  void onFailure(const meta::NetworkFailure &f, bool skipped) override {
    progress_.message(std::string(kTool) + ": warning: " + f.describe() +
                      (!skipped                        ? "; stopping (--on-divergence=stop)"
                       : o_.onDivergence == "penalize" ? "; each trial it lost scores the "
                                                         "divergence penalty"
                                                       : "; this network is skipped for this "
                                                         "meta-iteration"));
  }

  bool onIteration(const meta::IterationRecord &r, const meta::TrainingState &state) override {
    if (r.gradNorm == 0 && !warnedZero_) {
      // A reward that is piecewise constant in the output (a choice) has a
      // pathwise gradient of 0 almost everywhere: say so, once.
      warnedZero_ = true;
      progress_.message(std::string(kTool) + ": warning: the meta-gradient is exactly 0 at "
                        "meta-iteration " + std::to_string(r.iteration) +
                        (o_.trials == 1
                             ? ": with K = 1 no learning precedes the only reward, so it cannot "
                               "depend on the rule (use more --trials)"
                         : o_.estimator == "score"
                             ? ": every score was weighed by 0 (rewards to go equal to their "
                               "baselines, or constant rewards)"
                         : o_.estimator == "es"
                             ? ": each network scored the same J at meta + sigma eps and meta - "
                               "sigma eps (a reward that changes little within --es-sigma, or "
                               "every network skipped)"
                             : ": the reward does not depend on the meta parameters here; a "
                               "reward that is piecewise constant in the output (a correct "
                               "choice, a threshold) has a pathwise gradient of 0 almost "
                               "everywhere: use --estimator score"));
    }
    if (r.diverged > 0 && !std::isnan(o_.divergencePenalty) && r.divergencePenalty > r.worstTrial &&
        !warnedPenalty_) {
      warnedPenalty_ = true;
      progress_.message(std::string(kTool) + ": warning: --divergence-penalty " +
                        shortNumber(r.divergencePenalty) + " is above the worst completed trial "
                        "of meta-iteration " + std::to_string(r.iteration) + " (" +
                        shortNumber(r.worstTrial) + "): a network gains by diverging");
    }
    std::string err;
    if (ranks_.lead() && !log_.append(r, err))
      writeError_ = err;
    progress_.update(state.iteration, r.J, r.gradNorm);
    if (state.iteration % o_.checkpointEvery == 0 || state.iteration == o_.iters)
      if (!save(state, err))
        writeError_ = err;
    // Every rank goes on only if rank 0 wrote what it had to and no rank
    // was asked to stop.
    int code = !writeError_.empty() ? ExitFailure : stop_ && stop_() ? ExitInterrupted : -1;
    code = ranks_.settle(code);
    interrupted_ = code == ExitInterrupted;
    return code < 0;
  }

  /// Rank 0 writes the checkpoint; every rank notes it (Ranks.h).
  bool save(const meta::TrainingState &state, std::string &err) const {
    meta::Checkpoint cp = base_;
    cp.state = state;
    if (ranks_.lead() && !meta::writeCheckpoint(path_, cp, err))
      return false;
    ranks_.noteCheckpoint(path_, state.iteration, o_.iters);
    return true;
  }

  const std::string &writeError() const { return writeError_; }
  bool interrupted() const { return interrupted_; }

private:
  const Options &o_;
  Ranks &ranks_;
  meta::CsvLog &log_;
  meta::Progress &progress_;
  const meta::Checkpoint &base_;
  std::string path_;
  const StopRequest &stop_;
  std::string writeError_;
  bool interrupted_ = false;
  bool warnedZero_ = false;
  bool warnedPenalty_ = false;
};

/// Draws the PNGs of --out unless --no-plots; a failure is only a warning
/// (prefixed by `what`).
void plots(const Options &o, const std::string &what) {
  if (!o.plots)
    return;
  std::string script =
      o.plotScript.empty() ? dataDir() + "/scripts/plot.py" : o.plotScript;
  std::string err;
  if (!drawPlots(o.python, script, o.out, err))
    std::cerr << kTool << ": warning: " << what << err << '\n';
}

/// The files `plasticc-meta evaluate` writes into --out.
std::vector<std::string> evaluationOutputs() {
  return {"evaluation.txt", "evaluation.csv",      "curves.csv",      "networks.csv",
          "trials.csv",     "ablation.csv",        "learning_curves.png", "activity/",
          "activity.png",   "weight_change.png",   "rule_surface.png"};
}

/// The files a training run writes into --out: its own, its evaluation's,
/// and the plots (scripts/plot.py: a heat map per matrix meta quantity).
std::vector<std::string> runOutputs(const meta::ModelBinding &b) {
  std::vector<std::string> files = {"checkpoint.json", "log.csv", "rule.json", "J.png"};
  for (const std::string &f : evaluationOutputs())
    files.push_back(f);
  for (const runtime::QuantityInfo &q : b.info().quantities)
    if (q.kind == "meta" && q.shape.size() == 2)
      files.push_back(q.name + ".png");
  return files;
}

/// The model's identity: the source hash of a compiled library's descriptor,
/// else a hash of the model file's text.
std::string modelHash(const Session &session, const std::string &modelPath) {
  if (const std::string &hash = session.pool().info().sourceHash; !hash.empty())
    return hash;
  std::string text, err;
  readFile(modelPath, text, err); // the model was read before: a failure hashes ""
  return meta::textHash(text);
}

/// More ranks than the `n` networks of a loop they share: "3 ranks but
/// --batch 2: each rank needs at least one network of every meta-iteration
/// (use at most 2 ranks, or a larger --batch)".
int tooManyRanks(int ranks, const std::string &option, int64_t n, const std::string &what,
                 const std::string &otherwise) {
  return fail(ExitUsage, count(ranks, "rank") + " but " + option + " " + std::to_string(n) +
                             ": each rank needs at least one " + what + " (use at most " +
                             count(n, "rank") + otherwise + ")");
}

/// A rank whose run is not rank 0's (Ranks::differsFromLead) stops them all.
int differentInputs(const std::string &keys) {
  std::cerr << kTool << ": error: this rank's run differs from rank 0's in " << keys
            << ": every rank must read the same model, task and rule files (identical on "
               "every node) with the same options\n";
  return ExitUsage;
}

/// Runs `job`'s steps in order on every rank; after each, the ranks agree
/// whether to go on (a step returns an exit code, or -1 to go on). Rank 0
/// draws the plots of a job that ran to its end.
template <typename Job>
int runSteps(Job &job, Ranks &ranks, const Options &o, std::initializer_list<int (Job::*)()> steps) {
  for (int (Job::*step)() : steps)
    if (int code = ranks.settle((job.*step)()); code >= 0)
      return code;
  if (ranks.lead())
    plots(o, "plots not drawn: ");
  return ExitOk;
}

/// One invocation, step by step; each step returns an exit code or -1 to go on.
class Run {
public:
  Run(const Options &o, Ranks &ranks, StopRequest stop)
      : o_(o), ranks_(ranks), stop_(std::move(stop)) {}

  /// Every rank takes every step; after each, they agree whether to go on.
  int main() {
    return runSteps(*this, ranks_, o_,
                    {&Run::checkRanks, &Run::open, &Run::startingPoint, &Run::prepareEvaluation,
                     &Run::claimOutputs, &Run::prepareLearner, &Run::train, &Run::evaluate});
  }

private:
  /// Every rank needs at least one network of each loop it shares.
  int checkRanks() {
    const int R = ranks_.size();
    if (R > o_.batch)
      return tooManyRanks(R, "--batch", o_.batch, "network of every meta-iteration",
                          ", or a larger --batch");
    if (o_.evaluate && R > o_.eval.seeds)
      return tooManyRanks(R, "--eval-seeds", o_.eval.seeds, "held-out network",
                          ", more --eval-seeds, or --no-eval");
    return -1;
  }

  int open() {
    if (!o_.evaluate && (!o_.eval.record.empty() || o_.eval.recordAsked))
      return fail(ExitUsage, "--record records held-out networks of the evaluation, which "
                             "--no-eval skips: give one of them");
    if (o_.reward == "task" && o_.estimator == "pathwise")
      return fail(ExitUsage, "--reward task needs --estimator score or es: the pathwise "
                             "estimator differentiates the model's own reward R");
    if (o_.estimator != "es" && !std::isnan(o_.esSigma))
      return fail(ExitUsage, "--es-sigma applies only with --estimator es");
    if (o_.estimator != "es" && !o_.esShaping.empty())
      return fail(ExitUsage, "--es-shaping applies only with --estimator es");
    if (o_.weightChangePenalty > 0 && o_.reward == "task")
      return fail(ExitUsage, "--weight-change-penalty is subtracted from the model's reward; with "
                             "--reward task J is the task's reward, which it would not enter");
    if (o_.weightChangePenalty > 0 && o_.estimator == "score")
      return fail(ExitUsage, "--weight-change-penalty needs the pathwise estimator (its "
                             "derivative flows through the weights' tangents)");
    if (o_.curriculum >= o_.trials)
      return fail(ExitUsage, "--curriculum " + std::to_string(o_.curriculum) + " must be below "
                             "--trials " + std::to_string(o_.trials) + " (it is where lifetimes start)");
    if (!std::isnan(o_.divergencePenalty) && o_.onDivergence != "penalize")
      return fail(ExitUsage, "--divergence-penalty applies only with --on-divergence penalize");
    if (o_.estimator != "score" && o_.scoreBaseline != "batch")
      return fail(ExitUsage, "--score-baseline applies only with --estimator score");
    if (int code = session_.open({o_.model, o_.task, o_.steps, o_.interpret, o_.threads,
                                  o_.estimator == "score" ? "score" : "pathwise", o_.defines,
                                  o_.quiet});
        code >= 0)
      return code;
    if (o_.estimator != "pathwise" && session_.binding().metaScalars() == 0)
      return fail(ExitUsage, "model '" + session_.pool().info().name + "' has no meta "
                             "parameter (P = 0): the " + o_.estimator +
                             " estimator has nothing to estimate");
    const runtime::QuantityInfo *z = session_.pool().info().find(session_.task().names.output);
    if (o_.reward == "task" && o_.estimator == "score" && z && z->tangentOffset >= 0)
      return fail(ExitUsage, "--reward task: the output '" + z->name + "' depends on the meta "
                             "parameters directly (it has a tangent), so the task's reward does "
                             "too, and --reward task would drop that derivative; use --reward "
                             "model");
    return -1;
  }

  /// --es-sigma, or its default.
  double esSigma() const { return std::isnan(o_.esSigma) ? 0.1 : o_.esSigma; }
  std::string esShaping() const { return o_.esShaping.empty() ? "difference" : o_.esShaping; }

  /// The evaluation's rules and files are checked before training starts.
  int prepareEvaluation() {
    if (!o_.evaluate)
      return -1;
    meta::Rule learned{"learned", "meta-trained", start_};
    learned.origin = "meta-trained here: " + count(o_.iters, "meta-iteration") + " x B = " +
                     count(o_.batch, "network") + " x K = " + count(o_.trials, "trial") + " (" +
                     trainingBudget(o_.iters, o_.batch, o_.trials, o_.estimator,
                                    o_.scoreBaseline) +
                     ")";
    return eval_.prepare({learned}, o_.trials, 2 * o_.batch);
  }

  /// The meta values training starts from (defaults, --init), --freeze,
  /// and the model's time step checked against the task's.
  int startingPoint() {
    if (int code = session_.defaultMeta(o_.seed, start_); code >= 0)
      return code;
    if (!o_.init.empty() && !applyInit(o_.init, session_.binding(), start_, err_))
      return fail(ExitUsage, err_);
    frozen_.assign(start_.size(), false);
    if (!o_.freeze.empty() && !parseFreeze(o_.freeze, session_.binding(), frozen_, err_))
      return fail(ExitUsage, err_);
    return -1;
  }

  /// The output directory, claimed by rank 0 alone (the only writer).
  int claimOutputs() {
    if (o_.resume && o_.force)
      return fail(ExitUsage, "--resume continues the run in --out and --force replaces it: "
                             "give one of them");
    if (!ranks_.lead())
      return -1;
    outDir_ = OutputDir::claim(o_.out, runOutputs(session_.binding()),
                               o_.resume  ? OutputPolicy::Resume
                               : o_.force ? OutputPolicy::Replace
                                          : OutputPolicy::Fresh,
                               err_);
    return outDir_ ? -1 : fail(ExitUsage, err_);
  }

  /// The learner and its state: fresh or resumed.
  int prepareLearner() {
    meta::MetaConfig cfg;
    cfg.iterations = o_.iters;
    cfg.batch = o_.batch;
    cfg.trials = o_.trials;
    cfg.threads = session_.threads();
    cfg.cluster = &ranks_.cluster();
    cfg.seed = o_.seed;
    cfg.adam.lr = o_.lr;
    cfg.adam.clip = o_.clip;
    cfg.weightBound = o_.weightBound;
    cfg.onDivergence = o_.onDivergence == "stop"       ? meta::DivergencePolicy::Stop
                       : o_.onDivergence == "penalize" ? meta::DivergencePolicy::Penalize
                                                       : meta::DivergencePolicy::Skip;
    cfg.divergencePenalty = o_.divergencePenalty;
    cfg.frozen = frozen_;
    cfg.scoreEstimator = o_.estimator == "score";
    cfg.evolutionSigma = o_.estimator == "es" ? esSigma() : 0.0;
    cfg.evolutionSign = o_.esShaping == "sign";
    cfg.curriculumStart = o_.curriculum;
    cfg.normalizeGradient = o_.normalizeGrad;
    cfg.weightChangePenalty = o_.weightChangePenalty;
    cfg.score.reward = o_.reward == "task" ? meta::RewardSource::Task : meta::RewardSource::Model;
    cfg.score.baseline = o_.scoreBaseline == "mirror" ? meta::ScoreOptions::Baseline::Mirror
                         : o_.scoreBaseline == "pairs"  ? meta::ScoreOptions::Baseline::Pairs
                         : o_.scoreBaseline == "none" ? meta::ScoreOptions::Baseline::None
                                                      : meta::ScoreOptions::Baseline::Batch;
    learner_ = std::make_unique<meta::MetaLearner>(session_.runner(), cfg);

    const runtime::ModelInfo &info = session_.pool().info();
    base_.identity = {info.name,
                      modelHash(session_, o_.model),
                      session_.task().name,
                      meta::textHash(session_.task().file->text()),
                      o_.batch,
                      o_.trials,
                      session_.generator().steps(),
                      o_.seed,
                      cfg.adam,
                      o_.weightBound,
                      o_.onDivergence,
                      frozenNames(frozen_, session_.binding()),
                      o_.estimator,
                      o_.reward,
                      o_.scoreBaseline,
                      o_.curriculum,
                      o_.normalizeGrad,
                      o_.weightChangePenalty,
                      o_.divergencePenalty,
                      o_.estimator == "es" ? esSigma() : 0.0,
                      o_.estimator == "es" ? esShaping() : ""};
    base_.totalIterations = o_.iters;
    if (std::string keys = ranks_.differsFromLead(meta::toJson(base_.identity)); !keys.empty())
      return differentInputs(keys);
    state_ = learner_->initialState(start_);
    return o_.resume ? resume() : -1;
  }

  /// Rank 0 reads the checkpoint and every rank parses its text: the
  /// other ranks need not see --out. It holds no rank count, so any number
  /// of ranks continues it.
  int resume() {
    std::string text;
    bool read = !ranks_.lead() || meta::readFile(checkpointPath(), text, err_);
    text = meta::shareFromRoot(ranks_.cluster(), read ? text : "");
    std::optional<meta::Checkpoint> cp =
        read ? meta::parseCheckpoint(text, checkpointPath(), err_) : std::nullopt;
    if (!read)
      err_ = "cannot read checkpoint '" + checkpointPath() + "': " + err_;
    if (!cp)
      return fail(ExitUsage, err_ + " (--resume needs the checkpoint of an earlier run in --out)");
    std::string why = cp->identity.mismatch(base_.identity);
    if (!why.empty())
      return fail(ExitUsage, "cannot resume from '" + checkpointPath() + "': " + why +
                                 " (--resume continues only an identical run; to change "
                                 "settings start a new run, e.g. with --init " + o_.out +
                                 "/rule.json, in a new --out)");
    if (static_cast<int64_t>(cp->state.meta.size()) != session_.binding().metaScalars())
      return fail(ExitUsage, "cannot resume from '" + checkpointPath() + "': it holds " +
                                 count(static_cast<int64_t>(cp->state.meta.size()), "meta scalar") +
                                 ", the model " +
                                 std::to_string(session_.binding().metaScalars()));
    state_ = std::move(cp->state);
    ranks_.noteCheckpoint(checkpointPath(), state_.iteration, o_.iters);
    if (state_.iteration >= o_.iters && !o_.quiet)
      std::cerr << kTool << ": the run in '" << o_.out << "' is already complete ("
                << count(state_.iteration, "meta-iteration")
                << "); nothing to train (--resume --iters N with a larger N extends it)\n";
    return -1;
  }

  int train() {
    if (session_.binding().metaScalars() == 0) {
      // Nothing to differentiate: evaluate the model's rule as it is.
      if (!o_.quiet)
        std::cerr << kTool << ": model '" << session_.pool().info().name
                  << "' has nothing to meta-learn (P = 0); skipping training, evaluating only\n";
      std::string err;
      if (ranks_.lead() && !meta::writeRuleJson(o_.out + "/rule.json", session_.binding(),
                                                state_.meta, state_, provenance(), err))
        return fail(ExitFailure, err);
      return -1;
    }
    if (state_.iteration >= o_.iters && o_.resume)
      return -1; // already complete (said in resume()); outputs are up to date
    if (!o_.quiet)
      std::cerr << kTool << ": " << session_.pool().info().name << " (P = "
                << count(session_.binding().metaScalars(), "meta scalar") << ", " << session_.model().backendName()
                << ") on " << session_.task().name << " (T = "
                << (session_.task().randomTiming() ? std::string("drawn per trial")
                                                    : count(session_.generator().steps(), "step"))
                << "): " << count(o_.iters, "meta-iteration") << " of B = "
                << count(o_.batch, "network") << " x K = " << count(o_.trials, "trial")
                << (o_.curriculum > 0 ? " (from " + std::to_string(o_.curriculum) +
                                            " over the first half)"
                                      : "")
                << ", " << count(session_.threads(), "thread")
                << (ranks_.size() > 1 ? " on each of " + count(ranks_.size(), "rank") : "")
                << (o_.estimator == "score"
                        ? ", score estimator (" + o_.reward + " reward, " +
                              (o_.scoreBaseline == "batch"   ? "leave-one-out baseline"
                               : o_.scoreBaseline == "pairs" ? "paired rollouts"
                               : o_.scoreBaseline == "mirror" ? "mirrored rollouts"
                                                             : "no baseline") +
                              ")"
                    : o_.estimator == "es"
                        ? ", evolution strategies (sigma " + shortNumber(esSigma()) + ", " +
                              (esShaping() == "sign" ? "sign of each pair, " : "") + o_.reward +
                              " reward)"
                        : "")
                << (o_.resume ? ", resumed at meta-iteration " + std::to_string(state_.iteration)
                              : "")
                << "\n";
    meta::CsvLog log; // rank 0's
    int code = -1;
    if (ranks_.lead() && !log.open(o_.out + "/log.csv", session_.binding(), state_.history, err_))
      code = fail(ExitFailure, err_);
    if ((code = ranks_.settle(code)) >= 0)
      return code;
    meta::Progress progress(o_.iters, !o_.quiet && o_.progress != "never" &&
                                          (o_.progress == "always" ||
                                           meta::Progress::stderrIsTerminal()));
    if (state_.history.empty())
      progress.start(0, std::nan(""), std::nan(""));
    else
      progress.start(state_.iteration, state_.history.back().J, state_.history.back().gradNorm);
    Observer observer(o_, ranks_, log, progress, base_, checkpointPath(), stop_);
    std::string why;
    meta::MetaLearner::Status status = learner_->train(state_, observer, why);
    progress.finish();
    if (!observer.writeError().empty())
      return fail(ExitFailure, observer.writeError());
    // The end state is always saved, so a finished run can be extended with
    // --resume --iters N; a stopped one would stop again if resumed as it
    // was (--resume refuses changed settings), so the advice is a new run.
    if (!observer.save(state_, err_) ||
        (ranks_.lead() && !meta::writeRuleJson(o_.out + "/rule.json", session_.binding(),
                                               state_.meta, state_, provenance(), err_)))
      return fail(ExitFailure, err_);
    if (observer.interrupted())
      return fail(ExitInterrupted, "interrupted after meta-iteration " +
                                       std::to_string(state_.iteration) + " of " +
                                       std::to_string(o_.iters) + "; log, checkpoint and rule in '" +
                                       o_.out + "' are up to date (--resume continues the run)");
    if (status != meta::MetaLearner::Status::Stopped)
      return -1;
    if (ranks_.lead())
      plots(o_, "");
    return fail(ExitDiverged,
                why + "\n(log, checkpoint and rule in '" + o_.out +
                    "' are up to date; rerun with a smaller --lr, a --clip or a --freeze, from "
                    "scratch or from the rule reached with --init " + o_.out +
                    "/rule.json, in a new --out; --resume continues only an identical run)");
  }

  /// The learned rule and the baselines on held-out networks (EvalRun.h).
  int evaluate() {
    if (!o_.evaluate)
      return -1;
    eval_.setCandidateMeta(state_.meta);
    ranks_.noteEvaluating(o_.out, true);
    return eval_.run();
  }

  meta::Provenance provenance() const {
    std::error_code ec;
    std::string out = fs::absolute(o_.out, ec).lexically_normal().string();
    return {base_.identity, state_.iteration, ec ? o_.out : out};
  }

  std::string checkpointPath() const { return o_.out + "/checkpoint.json"; }

  const Options &o_;
  Ranks &ranks_;
  StopRequest stop_;
  std::string err_;
  Session session_;
  EvalRun eval_{o_, session_, ranks_};
  std::vector<double> start_;
  std::vector<bool> frozen_;
  std::optional<OutputDir> outDir_; // rank 0's, held while the run writes
  std::unique_ptr<meta::MetaLearner> learner_;
  meta::Checkpoint base_;
  meta::TrainingState state_;
};

/// `plasticc-meta evaluate`: rules from files or the command line, no training.
class Evaluate {
public:
  Evaluate(const Options &o, Ranks &ranks) : o_(o), ranks_(ranks) {}

  /// Every rank prepares and evaluates; rank 0 alone claims --out and writes.
  int main() {
    return runSteps(*this, ranks_, o_,
                    {&Evaluate::prepare, &Evaluate::claimOutputs, &Evaluate::run});
  }

private:
  int prepare() {
    if (ranks_.size() > o_.eval.seeds)
      return tooManyRanks(ranks_.size(), "--networks", o_.eval.seeds, "held-out network",
                          " or more --networks");
    if (int code = session_.open(
            {o_.model, o_.task, o_.steps, o_.interpret, o_.threads, "", o_.defines, o_.quiet});
        code >= 0)
      return code;
    std::vector<double> defaults;
    if (int code = session_.defaultMeta(o_.seed, defaults); code >= 0)
      return code;
    std::vector<meta::Rule> candidates;
    std::string err;
    for (const std::string &spec : o_.rules) {
      auto rule = parseRule(spec, session_.binding(), defaults, eval_.notes, err);
      if (!rule)
        return fail(ExitUsage, err);
      candidates.push_back(std::move(*rule));
    }
    // The rules by their values, not their paths: a rule file edited on
    // another node differs here.
    nlohmann::json rules = nlohmann::json::array();
    for (const meta::Rule &r : candidates)
      rules.push_back({{"name", r.name}, {"meta", r.meta}});
    nlohmann::json identity = {{"model_hash", modelHash(session_, o_.model)},
                               {"task_hash", meta::textHash(session_.task().file->text())},
                               {"seed", o_.seed},
                               {"rules", rules}};
    if (std::string keys = ranks_.differsFromLead(identity); !keys.empty())
      return differentInputs(keys);
    return eval_.prepare(candidates, 20, 16);
  }

  int claimOutputs() {
    if (!ranks_.lead())
      return -1;
    std::error_code ec;
    std::string err;
    for (const char *run : {"checkpoint.json", "log.csv"})
      if (fs::exists(fs::path(o_.out) / run, ec))
        return fail(ExitUsage, "'" + o_.out + "' holds a training run (" + run + "); evaluate "
                               "would replace its evaluation: choose another --out");
    outDir_ = OutputDir::claim(o_.out, evaluationOutputs(),
                               o_.force ? OutputPolicy::Replace : OutputPolicy::Fresh, err);
    return outDir_ ? -1 : fail(ExitUsage, err);
  }

  int run() {
    ranks_.noteEvaluating(o_.out, false);
    return eval_.run();
  }

  const Options &o_;
  Ranks &ranks_;
  Session session_;
  EvalRun eval_{o_, session_, ranks_};
  std::optional<OutputDir> outDir_; // rank 0's, held while the evaluation writes
};

} // namespace

int runMeta(const Options &options, Ranks &ranks, StopRequest stop) {
  if (options.command == "evaluate")
    return Evaluate(options, ranks).main();
  return Run(options, ranks, std::move(stop)).main();
}

} // namespace plasticc::tool

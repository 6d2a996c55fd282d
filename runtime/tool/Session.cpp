//===- runtime/tool/Session.cpp - load, check and bind a model and a task -===//
#include "runtime/tool/Session.h"

#include "runtime/tool/TaskFit.h"

#include "runtime/meta/ParallelFor.h"
#include "runtime/meta/Seeds.h"
#include "runtime/tool/DataDir.h"
#include "runtime/tool/MetaRun.h"
#include "runtime/tool/Options.h"
#include "support/Files.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace plasticc::tool {

int fail(int code, const std::string &message) {
  // Located diagnostics (file:line:col: error: ...) already say what they are.
  if (message.find(": error: ") == std::string::npos)
    std::cerr << "plasticc-meta: error: ";
  std::cerr << message;
  if (message.empty() || message.back() != '\n')
    std::cerr << '\n';
  return code;
}

std::string count(int64_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

namespace {

std::vector<std::string> taskDirs() {
  std::vector<std::string> dirs;
  if (const char *env = std::getenv("PLASTICC_TASKS_DIR"))
    dirs.push_back(env);
  dirs.push_back(dataDir() + "/examples/tasks");
  return dirs;
}

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
  char text[320];
  std::snprintf(text, sizeof text,
                "task time step dt = %g ms but model '%s' has param dt = %g ms (set it with "
                "-D dt=%gms, and its time constants with it)",
                task.dtMs, b.info().name.c_str(), v * 1e3, task.dtMs);
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

} // namespace

std::string resolveTask(const std::string &name, std::string &err) {
  std::error_code ec;
  // A path (with '/' or ending in .toml) is a file; a bare name is always a
  // shipped task, even when a file of that name is in the current directory
  // (./NAME reads that file). A shipped task may sit in a subdirectory of
  // the task directory (neurogym/go_nogo), so a name with '/' that is not a
  // file, has no .toml and no '.' is looked up there too.
  bool looksLikeFile = name.find('/') != std::string::npos || name.ends_with(".toml");
  if (looksLikeFile && fs::is_regular_file(name, ec))
    return name;
  bool shippedName = !name.empty() && name.find('.') == std::string::npos && name[0] != '/';
  if (looksLikeFile && !shippedName) {
    err = "cannot read task file '" + name + "'" + (fs::exists(name, ec) ? "" : ": no such file");
    return "";
  }
  std::set<std::string> known;
  for (const std::string &dir : taskDirs()) {
    std::string p = dir + "/" + name + ".toml";
    if (fs::is_regular_file(p, ec))
      return p;
    for (const auto &e : fs::recursive_directory_iterator(dir, ec))
      if (e.path().extension() == ".toml")
        known.insert(fs::relative(e.path(), dir, ec).replace_extension().string());
  }
  err = "unknown task '" + name + "' (shipped tasks:";
  for (const std::string &k : known)
    err += " " + k;
  err += known.empty() ? " none found)" : ")";
  if (fs::is_regular_file(name, ec))
    err += "; to read the file '" + name + "' in this directory, write ./" + name;
  return "";
}

int Session::open(const SessionConfig &config) {
  config_ = config;
  for (int (Session::*step)() : {&Session::loadTaskFile, &Session::loadModelFile, &Session::bind})
    if (int code = (this->*step)(); code >= 0)
      return code;
  return -1;
}

int Session::defaultMeta(uint64_t seed, std::vector<double> &meta) const {
  meta.assign(static_cast<size_t>(binding_->metaScalars()), 0.0);
  auto ws = runner_->workspace(0);
  runner_->initOnly(meta::networkSeed(seed, meta::SeedDomain::Training, 0, 0), nullptr, *ws);
  std::string err;
  if (!checkTimeStep(*binding_, *task_, ws->state(), err))
    return fail(ExitUsage, err);
  binding_->readMeta(ws->state(), meta.data());
  return -1;
}

int Session::loadTaskFile() {
  std::string path = resolveTask(config_.task, err_);
  if (path.empty())
    return fail(ExitUsage, err_);
  task_ = tasks::loadTask(path, err_);
  return task_ ? -1 : fail(ExitUsage, err_);
}

/// The user's -D plus the dims that size a .plast source to the task
/// (TaskFit.h), said once on stderr so a reader knows the model changed.
std::vector<std::string> Session::definesForTask(const std::string &model) const {
  std::vector<std::string> defines = config_.defines;
  if (!model.ends_with(".plast"))
    return defines;
  std::string err;
  auto file = SourceFile::read(model, err);
  if (!file)
    return defines; // the load reports it
  std::vector<std::string> fit = taskDims(model, file->text(), *task_, config_.defines);
  if (fit.empty())
    return defines;
  std::string said;
  for (const std::string &d : fit)
    said += " -D " + d;
  if (!config_.quiet)
    std::cerr << "plasticc-meta: sized to task " << task_->name << ":" << said << '\n';
  defines.insert(defines.begin(), fit.begin(), fit.end());
  return defines;
}

int Session::loadModelFile() {
  const std::string &m = config_.model;
  std::error_code ec;
  if (!fs::exists(m, ec))
    return fail(ExitUsage, "cannot read model '" + m + "': no such file");
  if (fs::is_directory(m, ec))
    return fail(ExitUsage, "cannot read model '" + m + "': it is a directory");
  if (::access(m.c_str(), R_OK) != 0)
    return fail(ExitUsage, "cannot read model '" + m + "': " + std::strerror(errno));
  model_ = loadModel(m, {config_.interpret, config_.estimator, definesForTask(m)}, err_);
  if (!model_)
    return fail(ExitUsage, err_);
  threads_ = config_.threads > 0 ? config_.threads : meta::defaultThreads();
  if (!checkMemory(err_))
    return fail(ExitUsage, err_);
  pool_ = std::make_unique<meta::BackendPool>([this] { return model_->makeBackend(); });
  return -1;
}

/// Refuses a model whose states (one per network in flight, i.e. per
/// worker thread) exceed the memory of the machine (or RLIMIT_AS), before
/// anything of that size is allocated.
bool Session::checkMemory(std::string &err) const {
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

namespace {

/// "0.5 ms"
std::string msText(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g ms", ms);
  return text;
}

} // namespace

/// Why a trial with no scored step is refused: J and its gradient would be
/// 0 at every iteration, and the evaluation meaningless.
std::string Session::noScoredStep() const {
  int64_t start = gen_->naturalScoredStart();
  if (start < 0) {
    std::string scored;
    for (const tasks::Epoch &e : task_->epochs)
      if (e.mask != 0)
        scored += (scored.empty() ? "'" : ", '") + e.name + "'";
    if (scored.empty())
      return "the task " + task_->name + " scores no step (no epoch has scored = true)";
    return "the task " + task_->name + " scores no step: its scored epochs (" + scored +
           ") last less than one time step (dt = " + msText(task_->dtMs) + ") on every trial";
  }
  int64_t T0 = task_->steps();
  return "with --steps " + std::to_string(config_.steps) + " the task " + task_->name +
         " scores no step: its scored window starts at step " + std::to_string(start) + " of " +
         std::to_string(T0) + " and rounds away when the trial is rescaled to " +
         count(gen_->steps(), "step") + " (use more --steps)";
}

int Session::bind() {
  binding_ = meta::ModelBinding::make(pool_->info(), *task_, err_);
  if (!binding_) {
    int code = fail(ExitUsage, err_);
    std::string text, ignored;
    if (config_.model.ends_with(".plast") && readFile(config_.model, text, ignored))
      std::cerr << userWidthNotes(config_.model, text, *task_, config_.defines);
    return code;
  }
  if (config_.steps > 0 && task_->randomTiming())
    return fail(ExitUsage, "--steps rescales a task's fixed epochs; the task " + task_->name +
                               " draws its epoch durations per trial (leave --steps out)");
  gen_ = std::make_unique<tasks::TaskGenerator>(*task_, config_.steps);
  if (gen_->scoredSteps() == 0)
    return fail(ExitUsage, noScoredStep());
  runner_ = std::make_unique<meta::NetworkRunner>(*pool_, *binding_, *gen_);
  return -1;
}

} // namespace plasticc::tool

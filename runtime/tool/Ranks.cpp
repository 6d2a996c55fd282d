//===- runtime/tool/Ranks.cpp - rank 0 speaks, every rank agrees ----------===//
#include "runtime/tool/Ranks.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <unistd.h>

namespace plasticc::tool {

namespace {

/// The SIGTERM message, prepared in advance: a signal handler may only
/// write(2) what is already there. Two buffers, so that the one the
/// handler may read is never the one being rewritten.
char gStopped[2][2048];
std::atomic<int> gCurrent{-1};
/// Once the ranks have agreed to stop, the exit code they agreed on: a
/// SIGTERM is then expected, not a fault (mpirun ends the job as soon as
/// the first rank exits with a code other than 0), and exits with it
/// quietly.
std::atomic<int> gAgreed{-1};
/// On rank 1 when rank 0 runs on the same node: rank 0's PID. If SIGTERM
/// finds it gone, rank 0 died and cannot say where the checkpoint is, so
/// rank 1 says it instead (0: rank 1 stays quiet; rank 0 speaks).
pid_t gLeadPid = 0;

void setStopped(const std::string &text) {
  const int next = gCurrent.load() == 0 ? 1 : 0;
  std::strncpy(gStopped[next], text.c_str(), sizeof gStopped[next] - 1);
  gStopped[next][sizeof gStopped[next] - 1] = '\0';
  gCurrent.store(next);
}

extern "C" void onTerminate(int) {
  if (const int code = gAgreed.load(); code >= 0)
    ::_exit(code);
  if (gLeadPid > 0 && !(::kill(gLeadPid, 0) != 0 && errno == ESRCH))
    ::_exit(1); // rank 0 is alive and speaks for the run
  const int at = gCurrent.load();
  if (at >= 0) {
    const char *text = gStopped[at];
    ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
  }
  ::_exit(1); // ExitFailure: the run did not finish
}

} // namespace

std::string stoppedMessage(const std::string &state) {
  return "plasticc-meta: error: stopped by SIGTERM: mpirun stops every rank when one fails or "
         "is lost (its message names the rank), or the job was cancelled; " +
         state + "\n";
}

Ranks::Ranks(const meta::Cluster &cluster) : cluster_(cluster) {
  if (cluster_.size() == 1)
    return;
  // Where rank 0 runs, for rank 1's check of whether it is gone.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string lead = meta::shareFromRoot(cluster_, std::to_string(::getpid()) + " " + host);
  if (!this->lead()) {
    cerr_ = std::cerr.rdbuf(held_.rdbuf());
    cout_ = std::cout.rdbuf(held_.rdbuf());
    size_t space = lead.find(' ');
    if (cluster_.rank() != 1 || space == std::string::npos || lead.substr(space + 1) != host)
      return;
    gLeadPid = static_cast<pid_t>(std::stol(lead.substr(0, space)));
  }
  setStopped(stoppedMessage("no checkpoint was written yet: start the run again"));
  struct sigaction sa {};
  sa.sa_handler = onTerminate;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
}

Ranks::~Ranks() {
  if (cerr_)
    std::cerr.rdbuf(cerr_);
  if (cout_)
    std::cout.rdbuf(cout_);
}

int Ranks::settle(int code) {
  if (size() == 1)
    return code;
  std::string mine = held_.str();
  held_.str("");
  meta::RankStatus s = meta::agree(cluster_, code, lead() ? "" : mine);
  if (s.code >= 0)
    gAgreed.store(s.code);
  if (s.code >= 0 && s.rank != 0 && lead()) {
    std::cerr << "plasticc-meta: rank " << s.rank << " of " << size() << " stopped (exit code "
              << s.code << ")" << (s.message.empty() ? "\n" : ":\n" + s.message);
    if (!s.message.empty() && s.message.back() != '\n')
      std::cerr << '\n';
  }
  return s.code;
}

std::string Ranks::differsFromLead(const nlohmann::json &mine) const {
  if (size() == 1)
    return "";
  nlohmann::json lead = nlohmann::json::parse(meta::shareFromRoot(cluster_, mine.dump()));
  std::string keys;
  for (const auto &[key, value] : mine.items())
    if (!lead.contains(key) || lead[key] != value)
      keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}

void Ranks::noteCheckpoint(const std::string &path, int64_t iteration, int64_t total) {
  if (size() == 1 || cluster_.rank() > 1)
    return;
  setStopped(stoppedMessage("the last checkpoint is '" + path + "' (meta-iteration " +
                            std::to_string(iteration) + " of " + std::to_string(total) +
                            "): continue with the same command and --resume, with any number "
                            "of ranks"));
}

void Ranks::noteEvaluating(const std::string &path, bool training) {
  if (size() == 1 || cluster_.rank() > 1)
    return;
  setStopped(stoppedMessage(
      training ? "training is complete in '" + path + "' but the evaluation did not finish: the "
                 "same command with --resume evaluates again, with any number of ranks"
               : "the evaluation did not finish: run it again (with --force)"));
}

} // namespace plasticc::tool

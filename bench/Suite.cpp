//===- bench/Suite.cpp - the benchmarks of issue 6 ------------------------===//
#include "bench/Suite.h"

#include "bench/CompiledRnn.h"
#include "bench/Flops.h"
#include "bench/Paired.h"
#include "bench/Runners.h"
#include "bench/Workload.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace plasticc::bench {

namespace {

constexpr uint64_t kSeed = 20240611;

std::string name(const char *kind, int n, int d) {
  return std::string(kind) + "/N:" + std::to_string(n) + "/d:" + std::to_string(d);
}

/// Steps per timed block: a divisor of T whose block takes at most ~60 ms
/// (estimated), so that the switch between the two implementations, whose
/// states evict each other from the caches (at N = 256, d = 3 the two
/// states together exceed the L3), is amortised over many steps.
int blockFor(double secondsPerStep, int stepsPerTrial) {
  int best = 1;
  for (int b = 1; b <= stepsPerTrial; ++b)
    if (stepsPerTrial % b == 0 && b * secondsPerStep <= 0.06)
      best = b;
  return best;
}

void setCounter(benchmark::State &st, const char *key, double value) {
  st.counters[key] = benchmark::Counter(value);
}

} // namespace

Suite::Suite(SuiteOptions options) : opt_(std::move(options)) {
  cpu_ = readCpuInfo();
  peak_ = documentedPeak(cpu_);
  clockGHz_ = measureClockGHz();
  fmaGflops_ = measureFmaGflops();
  double ghz = clockGHz_ > 0 ? clockGHz_ : cpu_.mhz / 1000;
  peakGflops_ = peak_.flopsPerCycle * ghz;
  // A part with fewer FMA units than its family's documented figure (Intel
  // server parts ship with one or two 512-bit FMA units; this machine's
  // Ice Lake-SP measures one): the measured throughput is the peak.
  if (fmaGflops_ > 0 && fmaGflops_ < 0.75 * peakGflops_ && ghz > 0) {
    peak_.flopsPerCycle = std::round(fmaGflops_ / ghz / 8) * 8;
    peak_.basis += "; measured independent FMAs reach only " + std::to_string(fmaGflops_).substr(0, 5) +
                   " GFLOP/s, so this part has " + std::to_string(static_cast<int>(peak_.flopsPerCycle)) +
                   " FLOP/cycle (fewer FMA units than the family's documented figure)";
    peakGflops_ = peak_.flopsPerCycle * ghz;
  }
  char dir[] = "/tmp/plasticc-bench-XXXXXX";
  if (!mkdtemp(dir))
    throw std::runtime_error("cannot create a scratch directory in /tmp");
  scratch_ = dir;
}

Suite::~Suite() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_, ec);
}

void Suite::addContext() const {
  auto fmt = [](double v) { return std::to_string(v); };
  benchmark::AddCustomContext("cpu_vendor", cpu_.vendor);
  benchmark::AddCustomContext("cpu_model_name", cpu_.modelName);
  benchmark::AddCustomContext("cpu_family_model",
                              std::to_string(cpu_.family) + "/" + std::to_string(cpu_.model));
  benchmark::AddCustomContext("cpu_flags", std::string(cpu_.fma ? "fma " : "") +
                                               (cpu_.avx2 ? "avx2 " : "") +
                                               (cpu_.avx512f ? "avx512f" : ""));
  benchmark::AddCustomContext("cpu_mhz_cpuinfo", fmt(cpu_.mhz));
  benchmark::AddCustomContext("clock_ghz_measured", fmt(clockGHz_));
  benchmark::AddCustomContext("flops_per_cycle", std::to_string(peak_.flopsPerCycle));
  benchmark::AddCustomContext("peak_basis", peak_.basis);
  benchmark::AddCustomContext("peak_gflops", fmt(peakGflops_));
  benchmark::AddCustomContext("fma_gflops_measured", fmt(fmaGflops_));
}

runtime::NativeModel &Suite::model(int n, int d) {
  auto key = std::make_pair(n, d);
  auto it = models_.find(key);
  if (it != models_.end())
    return *it->second;
  std::string error;
  double seconds = 0;
  auto m = jitRnnPoly(n, d + 1, error, &seconds, opt_.segmentSteps);
  if (!m)
    throw std::runtime_error("cannot compile rnn_poly at N=" + std::to_string(n) +
                             ", d=" + std::to_string(d) + ": " + error);
  compileSeconds_[key] = seconds;
  return *(models_[key] = std::move(m));
}

std::string Suite::library(int n, int d) {
  std::string path = scratch_ + "/rnn_poly_" + std::to_string(n) + "_" + std::to_string(d) + ".so";
  if (!std::filesystem::exists(path)) {
    std::string error;
    if (!buildRnnPolyLibrary(n, d + 1, path, error))
      throw std::runtime_error("cannot build " + path + ": " + error);
  }
  return path;
}

void Suite::machine(benchmark::State &st) {
  for (auto _ : st) {
  }
  setCounter(st, "clock_ghz", clockGHz_);
  setCounter(st, "fma_gflops", fmaGflops_);
  setCounter(st, "flops_per_cycle", peak_.flopsPerCycle);
  setCounter(st, "peak_gflops", peakGflops_);
}

void Suite::stream(benchmark::State &st, double bytes) {
  double gbs = 0;
  for (auto _ : st)
    gbs = measureStreamGBs(static_cast<size_t>(bytes));
  setCounter(st, "bytes", bytes);
  setCounter(st, "gbs", gbs);
}

void Suite::compile(benchmark::State &st, int n, int d) {
  for (auto _ : st)
    model(n, d);
  setCounter(st, "seconds", compileSeconds_[{n, d}]);
  setCounter(st, "state_bytes", static_cast<double>(model(n, d).info().stateBytes));
}

void Suite::steps(benchmark::State &st, int n, int d, bool tangents) {
  runtime::NativeModel &m = model(n, d);
  Workload work(n, 2, opt_.steps, kSeed);
  std::vector<double> theta = benchTheta(d + 1);
  CompiledRunner compiled(m, work, theta, kSeed);
  HandRunner hand(compiled, work, theta);
  StepCost cost = tangents ? tangentStepCost(n, d + 1) : primalStepCost(n, d + 1);
  int block = blockFor(cost.flops / 10e9, opt_.steps);
  PairedTimes times;
  for (auto _ : st)
    times = pairedSteps(compiled, hand, opt_.steps, block, tangents, opt_.budget, 8, 100000);
  double tc = quantile(times.a, 0.5), th = quantile(times.b, 0.5);
  setCounter(st, "block", block);
  setCounter(st, "rounds", static_cast<double>(times.ratio.size()));
  setCounter(st, "compiled_us", 1e6 * tc);
  setCounter(st, "hand_us", 1e6 * th);
  setCounter(st, "ratio", quantile(times.ratio, 0.5));
  setCounter(st, "ratio_q1", quantile(times.ratio, 0.25));
  setCounter(st, "ratio_q3", quantile(times.ratio, 0.75));
  setCounter(st, "flops", cost.flops);
  setCounter(st, "bytes", cost.bytes);
  setCounter(st, "compiled_gflops", cost.flops / tc / 1e9);
  setCounter(st, "hand_gflops", cost.flops / th / 1e9);
  setCounter(st, "compiled_peak_frac", cost.flops / tc / 1e9 / peakGflops_);
  setCounter(st, "hand_peak_frac", cost.flops / th / 1e9 / peakGflops_);
  setCounter(st, "compiled_gbs", cost.bytes / tc / 1e9);
  setCounter(st, "hand_gbs", cost.bytes / th / 1e9);
  setCounter(st, "compiled_state_bytes", compiled.stateBytes());
  setCounter(st, "hand_state_bytes", hand.stateBytes());
}

void Suite::solo(benchmark::State &st, int n, int d) {
  runtime::NativeModel &m = model(n, d);
  Workload work(n, 2, opt_.steps, kSeed);
  std::vector<double> theta = benchTheta(d + 1);
  StepCost cost = tangentStepCost(n, d + 1);
  int block = blockFor(cost.flops / 10e9, opt_.steps);
  std::vector<double> tc, th;
  for (auto _ : st) {
    // One implementation exists at a time, so only its state competes for
    // the caches (in the paired runs both states do).
    {
      CompiledRunner compiled(m, work, theta, kSeed);
      tc = soloSteps(compiled, opt_.steps, block, true, opt_.budget / 2, 8);
    }
    CompiledRunner twin(m, work, theta, kSeed);
    HandRunner hand(twin, work, theta);
    th = soloSteps(hand, opt_.steps, block, true, opt_.budget / 2, 8);
  }
  double c = quantile(tc, 0.5), h = quantile(th, 0.5);
  setCounter(st, "block", block);
  setCounter(st, "compiled_us", 1e6 * c);
  setCounter(st, "hand_us", 1e6 * h);
  setCounter(st, "compiled_gflops", cost.flops / c / 1e9);
  setCounter(st, "hand_gflops", cost.flops / h / 1e9);
  setCounter(st, "compiled_peak_frac", cost.flops / c / 1e9 / peakGflops_);
  setCounter(st, "hand_peak_frac", cost.flops / h / 1e9 / peakGflops_);
  setCounter(st, "compiled_gbs", cost.bytes / c / 1e9);
  setCounter(st, "hand_gbs", cost.bytes / h / 1e9);
}

void Suite::metaGradient(benchmark::State &st, int n, int d) {
  runtime::NativeModel &m = model(n, d);
  Workload work(n, opt_.metaTrials, opt_.steps, kSeed);
  std::vector<double> theta = benchTheta(d + 1);
  const int lanes = (d + 1) * (d + 1);
  std::vector<double> dJc, dJh, dJw;
  PairedTimes times;
  std::vector<double> whole, wholeRatio; // plasticc_run_trial: seconds, and over the hand-written
  for (auto _ : st) {
    // Each round draws a fresh network (untimed), as a meta-learner does
    // for every meta-gradient, and times one meta-gradient on each side:
    // the compiled steps, the compiled whole trial (run_trial) and the
    // hand-written steps, in an order that rotates from round to round.
    double spent = 0;
    for (int round = 0; round < 1 || spent < opt_.budget; ++round) {
      CompiledRunner compiled(m, work, theta, kSeed + round), wholeTrial(m, work, theta, kSeed + round);
      wholeTrial.setWholeTrial(true);
      HandRunner hand(compiled, work, theta);
      double tc = 0, th = 0, tw = 0;
      for (int turn = 0; turn < 3; ++turn)
        switch ((round + turn) % 3) {
        case 0: tc = timeMetaGradient(compiled, opt_.metaTrials, opt_.steps, lanes, dJc); break;
        case 1: th = timeMetaGradient(hand, opt_.metaTrials, opt_.steps, lanes, dJh); break;
        case 2: tw = timeMetaGradient(wholeTrial, opt_.metaTrials, opt_.steps, lanes, dJw); break;
        }
      spent += tc + th + tw;
      times.a.push_back(tc);
      times.b.push_back(th);
      times.ratio.push_back(tc / th);
      whole.push_back(tw);
      wholeRatio.push_back(tw / th);
    }
  }
  double scale = 0, diff = 0;
  for (int p = 0; p < lanes; ++p) {
    scale = std::max(scale, std::fabs(dJh[p]));
    diff = std::max(diff, std::fabs(dJc[p] - dJh[p]));
  }
  setCounter(st, "trials", opt_.metaTrials);
  setCounter(st, "steps", opt_.steps);
  setCounter(st, "rounds", static_cast<double>(times.ratio.size()));
  setCounter(st, "compiled_s", quantile(times.a, 0.5));
  setCounter(st, "hand_s", quantile(times.b, 0.5));
  setCounter(st, "ratio", quantile(times.ratio, 0.5));
  setCounter(st, "whole_s", quantile(whole, 0.5));
  setCounter(st, "whole_ratio", quantile(wholeRatio, 0.5));
  setCounter(st, "whole_ratio_q1", quantile(wholeRatio, 0.25));
  setCounter(st, "whole_ratio_q3", quantile(wholeRatio, 0.75));
  setCounter(st, "dJ_norm", [&] {
    double s2 = 0;
    for (double g : dJh)
      s2 += g * g;
    return std::sqrt(s2);
  }());
  // A non-finite dJ (a diverging workload) is no agreement: std::max above
  // would have skipped its NaNs and reported 0.
  bool finite = true;
  double diffWhole = 0;
  for (size_t p = 0; p < dJc.size() && p < dJh.size(); ++p) {
    finite = finite && std::isfinite(dJc[p]) && std::isfinite(dJh[p]) && std::isfinite(dJw[p]);
    diffWhole = std::max(diffWhole, std::fabs(dJw[p] - dJh[p]));
  }
  setCounter(st, "dJ_rel_diff", !finite ? std::nan("") : scale > 0 ? diff / scale : diff);
  setCounter(st, "dJ_whole_rel_diff", !finite ? std::nan("") : scale > 0 ? diffWhole / scale : diffWhole);
}

void Suite::hugePages(benchmark::State &st, int n, int d) {
  runtime::NativeModel &m = model(n, d);
  Workload work(n, 2, opt_.steps, kSeed);
  std::vector<double> theta = benchTheta(d + 1);
  CompiledRunner small(m, work, theta, kSeed), huge(m, work, theta, kSeed, true);
  int block = blockFor(tangentStepCost(n, d + 1).flops / 10e9, opt_.steps);
  PairedTimes times;
  for (auto _ : st)
    times = pairedSteps(small, huge, opt_.steps, block, true, opt_.budget, 8, 100000);
  setCounter(st, "block", block);
  setCounter(st, "rounds", static_cast<double>(times.ratio.size()));
  setCounter(st, "pages4k_us", 1e6 * quantile(times.a, 0.5));
  setCounter(st, "pages2m_us", 1e6 * quantile(times.b, 0.5));
  setCounter(st, "ratio", quantile(times.ratio, 0.5));
}

void Suite::peakRss(benchmark::State &st, int n, int d, int trials) {
  std::string so = library(n, d);
  long hwmKb = -1, maxrssKb = 0;
  double J = 0, dJnorm = 0;
  for (auto _ : st) {
    std::string k = std::to_string(trials), t = std::to_string(opt_.steps);
    char *argv[] = {const_cast<char *>(opt_.rssTool.c_str()), const_cast<char *>(so.c_str()),
                    const_cast<char *>(k.c_str()), const_cast<char *>(t.c_str()), nullptr};
    int out[2];
    if (pipe(out) != 0) {
      st.SkipWithError("pipe failed");
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    pid_t pid;
    int spawned = posix_spawn(&pid, opt_.rssTool.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
      close(out[0]);
      st.SkipWithError(("cannot run " + opt_.rssTool).c_str());
      return;
    }
    std::string text;
    char buf[512];
    for (ssize_t got; (got = read(out[0], buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<size_t>(got));
    close(out[0]);
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        std::sscanf(text.c_str(), "vmhwm_kb %ld J %lf dJ_norm %lf", &hwmKb, &J, &dJnorm) != 3) {
      st.SkipWithError("the peak-RSS child failed");
      return;
    }
    maxrssKb = usage.ru_maxrss;
  }
  setCounter(st, "trials", trials);
  setCounter(st, "peak_rss_bytes", 1024.0 * static_cast<double>(hwmKb));
  setCounter(st, "wait4_maxrss_bytes", 1024.0 * static_cast<double>(maxrssKb));
  setCounter(st, "state_bytes", static_cast<double>(model(n, d).info().stateBytes));
  setCounter(st, "J", J);
  setCounter(st, "dJ_norm", dJnorm);
}

void Suite::registerAll() {
  using benchmark::RegisterBenchmark;
  auto once = [](benchmark::internal::Benchmark *b) {
    b->Iterations(1)->Unit(benchmark::kMillisecond);
  };
  once(RegisterBenchmark("machine", [this](benchmark::State &st) { machine(st); }));
  for (int n : opt_.sizes) {
    double bytes = 8.0 * 2 * 16 * n * n; // de and dW at d = 3
    once(RegisterBenchmark(("stream/N:" + std::to_string(n)).c_str(),
                           [this, bytes](benchmark::State &st) { stream(st, bytes); }));
  }
  for (int n : opt_.sizes)
    for (int d : opt_.degrees)
      once(RegisterBenchmark(name("compile", n, d).c_str(),
                             [this, n, d](benchmark::State &st) { compile(st, n, d); }));
  for (bool tangents : {false, true})
    for (int n : opt_.sizes)
      for (int d : opt_.degrees)
        once(RegisterBenchmark(name(tangents ? "step/tangent" : "step/primal", n, d).c_str(),
                               [this, n, d, tangents](benchmark::State &st) {
                                 steps(st, n, d, tangents);
                               }));
  for (int n : opt_.soloSizes)
    once(RegisterBenchmark(name("solo", n, 3).c_str(),
                           [this, n](benchmark::State &st) { solo(st, n, 3); }));
  for (int n : opt_.sizes)
    for (int d : opt_.degrees)
      once(RegisterBenchmark(name("metagrad", n, d).c_str(),
                             [this, n, d](benchmark::State &st) { metaGradient(st, n, d); }));
  for (int n : opt_.hugeSizes)
    once(RegisterBenchmark(name("hugepages", n, 3).c_str(),
                           [this, n](benchmark::State &st) { hugePages(st, n, 3); }));
  for (int k : opt_.rssTrials)
    once(RegisterBenchmark((name("rss", opt_.rssN, opt_.rssD) + "/K:" + std::to_string(k)).c_str(),
                           [this, k](benchmark::State &st) {
                             peakRss(st, opt_.rssN, opt_.rssD, k);
                           }));
}

} // namespace plasticc::bench

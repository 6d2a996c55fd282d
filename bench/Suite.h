//===- bench/Suite.h - the benchmarks of issue 6 --------------------------===//
//
// What `make bench` measures, as Google Benchmark entries whose results are
// user counters (bench/report.py turns the JSON into BENCHMARKS.md):
//   machine              clock, FMA peak, documented peak (context)
//   stream/<MB>          bandwidth of the synapse pass's access pattern
//   compile/N/d          plasticc's JIT compile time of the model
//   step/<mode>/N/d      time per step, compiled vs hand-written, paired
//                        (mode: primal, tangent), GFLOP/s, share of peak
//   solo/N/d             tangent step of each side run alone (N >= 256)
//   metagrad/N/d         time per meta-gradient (K trials of T steps)
//   hugepages/N/d        the compiled tangent step on 4 KB vs 2 MB pages
//   rss/N/d/K            peak RSS of a child computing a meta-gradient
// Models are compiled once per (N, d) and cached for the whole run.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "bench/Machine.h"
#include "runtime/jit/NativeModel.h"

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace plasticc::bench {

/// Sizes and budgets of a run.
struct SuiteOptions {
  std::vector<int> sizes{64, 128, 256, 512}; ///< N
  std::vector<int> degrees{1, 2, 3};         ///< d (D = d + 1, P = D^2)
  int steps = 50;                            ///< T per trial
  int metaTrials = 10;                       ///< K of the timed meta-gradient
  std::vector<int> rssTrials{0, 1, 10, 100}; ///< K of the peak-RSS children
  std::vector<int> hugeSizes{256, 512};      ///< N of the page-size comparison (d = 3)
  std::vector<int> soloSizes{256, 512};      ///< N of the solo runs (d = 3)
  int rssN = 256, rssD = 3;                  ///< model of the peak-RSS children
  double budget = 1.5; ///< CPU seconds per paired step benchmark
  std::string rssTool; ///< path of plasticc-bench-rss
  int64_t segmentSteps = 0; ///< the whole-trial schedule's segment length (0: the compiler's choice)
};

/// The benchmark bodies and what they share (machine facts, models).
class Suite {
public:
  /// Measures the machine (clock, FMA throughput: a few seconds).
  explicit Suite(SuiteOptions options);
  ~Suite();

  /// Registers every benchmark, in the order they should run.
  void registerAll();
  /// Adds the machine facts to the benchmark context (JSON "context").
  void addContext() const;

private:
  void machine(benchmark::State &st);
  void stream(benchmark::State &st, double bytes);
  void compile(benchmark::State &st, int n, int d);
  void steps(benchmark::State &st, int n, int d, bool tangents);
  void solo(benchmark::State &st, int n, int d);
  void metaGradient(benchmark::State &st, int n, int d);
  void hugePages(benchmark::State &st, int n, int d);
  void peakRss(benchmark::State &st, int n, int d, int trials);

  /// The JIT-compiled model at (n, d), compiled on first use.
  runtime::NativeModel &model(int n, int d);
  /// The shared library of the model at (n, d) in the scratch directory.
  std::string library(int n, int d);

  SuiteOptions opt_;
  CpuInfo cpu_;
  PeakModel peak_;
  double clockGHz_ = 0, fmaGflops_ = 0, peakGflops_ = 0;
  std::map<std::pair<int, int>, std::unique_ptr<runtime::NativeModel>> models_;
  std::map<std::pair<int, int>, double> compileSeconds_;
  std::string scratch_; ///< temporary directory for shared libraries
};

} // namespace plasticc::bench

//===- bench/BenchMain.cpp - plasticc-bench: the benchmark suite ----------===//
//
// Runs bench/Suite.h's benchmarks (Google Benchmark flags apply, e.g.
// --benchmark_filter, --benchmark_out=FILE --benchmark_out_format=json).
// Own flags, removed before Google Benchmark sees the rest:
//   --quick            tiny sizes and budgets (checks the pipeline, seconds)
//   --steps=T          steps per trial (default 50)
//   --trials=K         trials per timed meta-gradient (default 10)
//   --segment-steps=S  segments of S steps in the whole-trial schedule
//                      (default: the compiler's choice)
//   --dump=DIR         write one meta-gradient's data for torch_forward.py
//                      (with --dump-n=N --dump-d=d --dump-trials=K) and exit
//
//===----------------------------------------------------------------------===//
#include "bench/Dump.h"
#include "bench/Suite.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

using namespace plasticc::bench;

namespace {

/// The value of `--key=value` in `arg`, or nullptr.
const char *flagValue(const char *arg, const char *key) {
  size_t n = std::strlen(key);
  return std::strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : nullptr;
}

} // namespace

int main(int argc, char **argv) {
  SuiteOptions options;
  std::string dumpDir;
  int dumpN = 128, dumpD = 3, dumpTrials = 10;
  std::vector<char *> rest{argv[0]};
  for (int k = 1; k < argc; ++k) {
    const char *v;
    if (std::strcmp(argv[k], "--quick") == 0) {
      options.sizes = {16, 32};
      options.degrees = {1, 3};
      options.metaTrials = 2;
      options.rssTrials = {0, 1, 4};
      options.rssN = 32;
      options.hugeSizes = {32};
      options.soloSizes = {32};
      options.budget = 0.05;
    } else if ((v = flagValue(argv[k], "--steps"))) {
      options.steps = std::atoi(v);
    } else if ((v = flagValue(argv[k], "--trials"))) {
      options.metaTrials = std::atoi(v);
    } else if ((v = flagValue(argv[k], "--segment-steps"))) {
      options.segmentSteps = std::atoll(v);
    } else if ((v = flagValue(argv[k], "--dump"))) {
      dumpDir = v;
    } else if ((v = flagValue(argv[k], "--dump-n"))) {
      dumpN = std::atoi(v);
    } else if ((v = flagValue(argv[k], "--dump-d"))) {
      dumpD = std::atoi(v);
    } else if ((v = flagValue(argv[k], "--dump-trials"))) {
      dumpTrials = std::atoi(v);
    } else {
      rest.push_back(argv[k]);
    }
  }
  try {
    if (!dumpDir.empty()) {
      std::string error;
      if (!dumpMetaGradient(dumpDir, dumpN, dumpD, dumpTrials, options.steps, error)) {
        std::fprintf(stderr, "plasticc-bench: %s\n", error.c_str());
        return 1;
      }
      return 0;
    }
    // The peak-RSS child sits next to this binary.
    options.rssTool =
        (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "plasticc-bench-rss")
            .string();
    Suite suite(options);
    int n = static_cast<int>(rest.size());
    benchmark::Initialize(&n, rest.data());
    if (benchmark::ReportUnrecognizedArguments(n, rest.data()))
      return 1;
    suite.addContext();
    suite.registerAll();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "plasticc-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}

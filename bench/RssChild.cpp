//===- bench/RssChild.cpp - one meta-gradient, for its peak RSS -----------===//
//
// plasticc-bench-rss MODEL.so K T [whole]: loads a compiled model through
// the C ABI (plasticc/abi.h) and computes one meta-gradient, J and dJ/dtheta
// over K trials of T steps, then prints its own peak resident set size
// (VmHWM of /proc/self/status, in kB), J, |dJ| and the seconds the trials
// took. Inputs and noise are made step by step and nothing is kept per step
// or per trial, so any growth of the peak with K would be the model's; with
// `whole`, each trial's inputs and noise are made first (T steps of them,
// 8 T (input_length + noise_length) bytes) and the trial is one
// plasticc_run_trial call (the whole-trial schedule). K = 0 allocates and draws the network
// only. (The parent's wait4 ru_maxrss is not used for the number: Linux
// carries the high-water mark of the process image before exec over into
// it, so a child spawned by a large parent reports the parent's size.)
//
//===----------------------------------------------------------------------===//
#include "plasticc/abi.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <random>
#include <string>
#include <time.h>
#include <vector>

namespace {

template <typename F> F symbol(void *lib, const char *name) {
  void *p = dlsym(lib, name);
  if (!p) {
    std::fprintf(stderr, "plasticc-bench-rss: no symbol %s\n", name);
    std::exit(1);
  }
  return reinterpret_cast<F>(p);
}

/// Index of input `name` in the per-step input vector.
int64_t inputAt(const plasticc_model_info *info, const char *name) {
  for (int64_t q = 0; q < info->num_quantities; ++q)
    if (std::strcmp(info->quantities[q].name, name) == 0)
      return info->quantities[q].offset;
  std::fprintf(stderr, "plasticc-bench-rss: the model has no input %s\n", name);
  std::exit(1);
}

} // namespace

int main(int argc, char **argv) {
  bool whole = argc == 5 && std::strcmp(argv[4], "whole") == 0;
  if (argc != 4 && !whole) {
    std::fprintf(stderr, "usage: plasticc-bench-rss MODEL.so K T [whole]\n");
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "plasticc-bench-rss: %s\n", dlerror());
    return 1;
  }
  int trials = std::atoi(argv[2]), steps = std::atoi(argv[3]);
  auto info = symbol<const plasticc_model_info *(*)()>(lib, "plasticc_info")();
  auto init = symbol<void (*)(void *, const double *, uint64_t)>(lib, "plasticc_init");
  auto begin = symbol<void (*)(void *)>(lib, "plasticc_begin_trial");
  auto step = symbol<void (*)(void *, const double *, const double *)>(lib, "plasticc_step");
  auto end = symbol<double (*)(void *, double *)>(lib, "plasticc_end_trial");
  auto run = symbol<double (*)(void *, const double *, const double *, int64_t, double *, double *)>(
      lib, "plasticc_run_trial");

  size_t align = static_cast<size_t>(info->state_align);
  size_t bytes = (static_cast<size_t>(info->state_bytes) + align - 1) / align * align;
  void *state = std::aligned_alloc(align, bytes);
  const int64_t L = info->input_length, Ln = info->noise_length;
  std::vector<double> inputs(static_cast<size_t>(whole ? steps * L : L)),
      noise(static_cast<size_t>(whole ? steps * Ln : Ln)), dR(info->num_meta), dJ(info->num_meta);
  int64_t u = inputAt(info, "u"), y = inputAt(info, "y"), m = inputAt(info, "m");
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  init(state, nullptr, 1);
  double J = 0;
  timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int k = 0; k < trials; ++k) {
    if (!whole)
      begin(state);
    int cue = k % 2;
    for (int t = 0; t < steps; ++t) {
      // MODEL.md's cue-delay-response: cue for the first fifth, scored in the last.
      double *in = inputs.data() + (whole ? t * L : 0), *xi = noise.data() + (whole ? t * Ln : 0);
      in[u] = cue == 0 && t < steps / 5 ? 1.0 : 0.0;
      in[u + 1] = cue == 1 && t < steps / 5 ? 1.0 : 0.0;
      in[y] = cue == 0 ? 1.0 : -1.0;
      in[m] = t >= 4 * steps / 5 ? 1.0 : 0.0;
      for (int64_t i = 0; i < Ln; ++i)
        xi[i] = normal(rng);
      if (!whole)
        step(state, in, xi);
    }
    J += (whole ? run(state, inputs.data(), noise.data(), steps, nullptr, dR.data())
                : end(state, dR.data())) / trials;
    for (size_t p = 0; p < dJ.size(); ++p)
      dJ[p] += dR[p] / trials;
  }
  double norm = 0;
  for (double g : dJ)
    norm += g * g;
  long hwm = -1;
  if (FILE *status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status))
      if (std::sscanf(line, "VmHWM: %ld kB", &hwm) == 1)
        break;
    std::fclose(status);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = static_cast<double>(t1.tv_sec - t0.tv_sec) + 1e-9 * static_cast<double>(t1.tv_nsec - t0.tv_nsec);
  std::printf("vmhwm_kb %ld J %.17g dJ_norm %.17g seconds %.3f\n", hwm, J, std::sqrt(norm), seconds);
  std::free(state);
  dlclose(lib);
  return 0;
}

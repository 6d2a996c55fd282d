//===- bench/Machine.cpp - what this CPU can do, and how we time it -------===//
#include "bench/Machine.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#pragma GCC diagnostic ignored "-Wpsabi"

namespace plasticc::bench {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool hasFlag(const std::string &flags, const std::string &flag) {
  std::istringstream in(flags);
  std::string f;
  while (in >> f)
    if (f == flag)
      return true;
  return false;
}

typedef double V __attribute__((vector_size(64)));

} // namespace

CpuInfo readCpuInfo() {
  CpuInfo cpu;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      if (!cpu.modelName.empty())
        break; // end of the first processor's block
      continue;
    }
    std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "vendor_id")
      cpu.vendor = value;
    else if (key == "model name")
      cpu.modelName = value;
    else if (key == "cpu family")
      cpu.family = std::atoi(value.c_str());
    else if (key == "model")
      cpu.model = std::atoi(value.c_str());
    else if (key == "cpu MHz")
      cpu.mhz = std::atof(value.c_str());
    else if (key == "flags") {
      cpu.fma = hasFlag(value, "fma");
      cpu.avx2 = hasFlag(value, "avx2");
      cpu.avx512f = hasFlag(value, "avx512f");
    }
  }
  return cpu;
}

PeakModel documentedPeak(const CpuInfo &cpu) {
  bool amd = cpu.vendor == "AuthenticAMD";
  if (amd && cpu.family == 0x19 && cpu.avx512f)
    return {16, "AMD Zen 4 (family 25 with AVX-512): 2 FMA pipes x 256 bit, AVX-512 ops "
                "execute as two 256-bit halves: 2 x 4 doubles x 2 FLOP"};
  if (amd && cpu.family >= 0x1a && cpu.avx512f)
    return {32, "AMD Zen 5: 2 FMA pipes x 512 bit: 2 x 8 doubles x 2 FLOP"};
  if (!amd && cpu.avx512f)
    return {32, "Intel with AVX-512: 2 FMA units x 512 bit (server parts): 2 x 8 doubles x 2 FLOP"};
  if (cpu.fma && cpu.avx2)
    return {16, "AVX2 + FMA: 2 FMA units x 256 bit: 2 x 4 doubles x 2 FLOP"};
  return {4, "SSE2: 1 add + 1 mul x 128 bit: 2 x 2 doubles"};
}

double threadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double measureClockGHz() {
#if defined(__x86_64__)
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const long n = 50'000'000;
    long x = 0;
    double t0 = threadSeconds();
    for (long i = 0; i < n; ++i)
      asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    double s = threadSeconds() - t0;
    best = std::max(best, 4.0 * n / s / 1e9);
  }
  return best;
#else
  return 0;
#endif
}

double measureFmaGflops() {
  constexpr int kAcc = 12;
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    V acc[kAcc];
    for (int k = 0; k < kAcc; ++k)
      acc[k] = V{} + k;
    const V a = V{} + 0.999999, b = V{} + 1e-9;
    const long n = 20'000'000;
    double t0 = threadSeconds();
    for (long i = 0; i < n; ++i) {
      for (int k = 0; k < kAcc; ++k)
        acc[k] = acc[k] * a + b;
    }
    double s = threadSeconds() - t0;
    V total = V{};
    for (int k = 0; k < kAcc; ++k)
      total += acc[k];
    volatile double sink = total[0]; // the result is used: the loop stays
    (void)sink;
    best = std::max(best, 2.0 * 8 * kAcc * n / s / 1e9);
  }
  return best;
}

double measureStreamGBs(size_t bytes) {
  size_t n = std::max<size_t>(bytes / 16, 8);
  std::vector<double> x(n, 1.0), y(n, 0.5);
  const double a = 0.95, b = 0.05;
  double best = 0;
  int sweeps = static_cast<int>(std::clamp<size_t>((size_t(1) << 31) / bytes, 3, 200));
  for (int s = 0; s <= sweeps; ++s) {
    double t0 = threadSeconds();
    for (size_t k = 0; k < n; ++k)
      y[k] = a * y[k] + b * x[k];
    double t = threadSeconds() - t0;
    volatile double sink = y[n / 2]; // each sweep's result is used
    (void)sink;
    if (s > 0)
      best = std::max(best, 24.0 * static_cast<double>(n) / t / 1e9);
  }
  return best;
}

} // namespace plasticc::bench

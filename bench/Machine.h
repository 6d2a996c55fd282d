//===- bench/Machine.h - what this CPU can do, and how we time it ---------===//
//
// The hardware limits the benchmarks are measured against: the CPU as
// /proc/cpuinfo describes it, its documented float64 FLOP per cycle (FMA
// units x vector width x 2), the clock it actually runs at (a chain of
// dependent integer adds, one per cycle, timed in thread CPU time), the
// FMA throughput it actually reaches, and the memory bandwidth of the
// streaming pattern of the synapse pass at a given footprint. Timings use
// the thread's CPU clock, so time the scheduler gives to other processes on
// a shared machine is not charged to the code under test.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <string>

namespace plasticc::bench {

/// What /proc/cpuinfo says about the first CPU.
struct CpuInfo {
  std::string vendor, modelName;
  int family = 0, model = 0;
  double mhz = 0; ///< "cpu MHz" (nominal under virtualisation)
  bool fma = false, avx2 = false, avx512f = false;
};

/// Reads /proc/cpuinfo (fields left empty where absent).
CpuInfo readCpuInfo();

/// Documented float64 FLOP per cycle and per core, with its reasoning.
struct PeakModel {
  int flopsPerCycle = 0;
  std::string basis; ///< e.g. "Zen 4: 2 FMA pipes x 256 bit (AVX-512 ops double-pumped)"
};

/// The float64 FLOP/cycle of `cpu`'s microarchitecture, from its vendor,
/// family and flags.
PeakModel documentedPeak(const CpuInfo &cpu);

/// Seconds of CPU time consumed by the calling thread.
double threadSeconds();

/// The core clock in GHz: dependent integer adds (latency one cycle) per
/// second of thread CPU time. 0 where not measurable (non-x86).
double measureClockGHz();

/// Float64 GFLOP/s of independent 8-wide FMAs (12 accumulators), thread
/// CPU time: the reachable compute peak of one core.
double measureFmaGflops();

/// GB/s of y[k] = a y[k] + b x[k] over two arrays totalling `bytes` (two
/// reads and one write per element, the pattern of de and dW), best of a
/// few sweeps after one warm-up sweep.
double measureStreamGBs(size_t bytes);

} // namespace plasticc::bench

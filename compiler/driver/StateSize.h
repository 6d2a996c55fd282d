//===- compiler/driver/StateSize.h - is a model's state too big to run? ---===//
//
// A model's state (dialect/Layout.h: values, initial values and tangents of
// every quantity) can be far larger than memory: `dim N = 16777216` with
// `weight W[N, N]` needs petabytes. The driver checks the size before
// anything allocates it: --check-grad refuses such a model with a message
// naming the bytes (instead of dying of std::bad_alloc), and the native
// outputs (header, so, obj), which only describe the state, warn.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/IR.h"

#include <cstdint>
#include <string>

namespace plasticc::driver {

/// Bytes of physical memory of this machine (sysconf); 0 if unknown.
int64_t physicalMemoryBytes();

/// Bytes of state one network of `module` needs with elements of
/// `elementBytes` bytes (ir::computeLayout's stateBytes).
int64_t stateBytes(const ir::Module &module, int64_t elementBytes = 8);

/// "model 'big' needs 9.0e15 bytes of state" when that is more than this
/// machine's physical memory (known), else "".
std::string stateTooBig(const ir::Module &module, int64_t elementBytes = 8);

/// "this machine has 1.6e10 bytes of memory", for the messages.
std::string machineMemory();

} // namespace plasticc::driver

//===- tests/sanitize/SanitizerDefaults.cpp - run-time options of make sanitize
//
// Linked into every executable of a PLASTICC_SANITIZE=ON build (make
// sanitize), so that a sanitized binary behaves the same run by ctest, by
// lit, by an experiment's script or by hand: the sanitizer runtimes ask
// these functions for their defaults at start-up, and ASAN_OPTIONS,
// UBSAN_OPTIONS and LSAN_OPTIONS in the environment still override them.
// Every option and suppression says why it is here (docs/testing.md).
//
//===----------------------------------------------------------------------===//

extern "C" {

/// AddressSanitizer.
const char *__asan_default_options() {
  // Leaks are findings too (LeakSanitizer; on by default on x86-64 Linux,
  // said here so that it is not switched off by accident). A finding stops
  // the process with a non-zero exit (ASan's default), failing the test.
  return "detect_leaks=1";
}

/// UndefinedBehaviorSanitizer: fatal anyway (-fno-sanitize-recover=undefined);
/// the stack says which caller got there.
const char *__ubsan_default_options() { return "print_stacktrace=1"; }

/// LeakSanitizer: memory that is never freed on purpose, one line per
/// suppression ("leak:FUNCTION_OR_LIBRARY\n"), each with its reason. None is
/// needed today: the whole suite, JIT and dlopen'ed models included, runs
/// without a leak report (what LLVM allocates once stays reachable from its
/// globals, and reachable memory is not a leak to LeakSanitizer).
const char *__lsan_default_suppressions() { return ""; }

} // extern "C"

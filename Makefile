# plasticc: the two commands of the README, and the build they share.
# Every target installs missing Debian packages first (scripts/install-deps.sh),
# so a fresh Debian 12 machine needs nothing else.
BUILD ?= build
JOBS ?= 2
CXX_COMPILER ?= clang++-19
C_COMPILER ?= clang-19

.PHONY: deps configure build check demo install bench fuzz sanitize-configure sanitize sanitize-quick clean

deps:
	@./scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=$(CXX_COMPILER) -DCMAKE_C_COMPILER=$(C_COMPILER)

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

check: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)

# The tools, plasticc/abi.h, the CMake package, the pkg-config file, the
# examples and the docs under PREFIX (docs/install.md).
PREFIX ?= /usr/local
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

# Benchmarks of issue 6: compiled vs hand-written, FLOP rate, memory;
# writes BENCHMARKS.md (a few minutes; see bench/run.sh).
bench: build
	@./bench/run.sh $(BUILD)

# Every fuzz target (tests/fuzz/README.md), one after another, each
# replaying its corpus and then fuzzing for FUZZ_SECONDS: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: build
	@cd $(BUILD) && PLASTICC_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -L fuzz -j 1 --output-on-failure

# The whole project and its tests under ASan + UBSan, in its own build
# directory (docs/testing.md); SANITIZE_TESTS is a ctest -R regex (default:
# every test).
SANITIZE_BUILD ?= build-sanitize
SANITIZE_TESTS ?=
LIT ?= /usr/lib/llvm-19/build/utils/lit/lit.py

sanitize-configure: deps
	@test -f $(SANITIZE_BUILD)/build.ninja || cmake -S . -B $(SANITIZE_BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLASTICC_SANITIZE=ON \
	  -DCMAKE_CXX_COMPILER=$(CXX_COMPILER) -DCMAKE_C_COMPILER=$(C_COMPILER)

sanitize: sanitize-configure
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@cd $(SANITIZE_BUILD) && ctest --output-on-failure -j $(JOBS) $(if $(SANITIZE_TESTS),-R '$(SANITIZE_TESTS)')

# The part of make sanitize that CI runs (docs/testing.md says why these):
# the unit tests but the four that run every example model through the
# interpreter, and the lit tests of the front end, the IR parser, the driver
# and plasticc-meta but meta/estimator.test. Builds only what they need.
sanitize-quick: sanitize-configure
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target plasticc plasticc-meta unit_tests
	@$(SANITIZE_BUILD)/bin/unit_tests --gtest_brief=1 --gtest_filter='-CodegenTest.EveryExampleMatchesInterpreter*:CodegenRandomTest.RandomModelsMatchInterpreter:Simplify.EveryExampleComputesBitForBitTheSame'
	@python3 $(LIT) -sv -j $(JOBS) $(SANITIZE_BUILD)/tests/lit \
	  --filter '(ast|diagnostics|lowering|ir-parse|driver|meta)/' --filter-out 'meta/estimator\.test'

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)

# plasticc: the two commands of the README, and the build they share.
# Every target installs missing Debian packages first (scripts/install-deps.sh),
# so a fresh Debian 12 machine needs nothing else.
BUILD ?= build
JOBS ?= 2
CXX_COMPILER ?= clang++-19
C_COMPILER ?= clang-19

.PHONY: deps configure build check demo bench fuzz clean

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

# Benchmarks of issue 6: compiled vs hand-written, FLOP rate, memory;
# writes BENCHMARKS.md (a few minutes; see bench/run.sh).
bench: build
	@./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)

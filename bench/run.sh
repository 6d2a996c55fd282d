#!/usr/bin/env bash
# bench/run.sh [BUILD]: the benchmarks of issue 6, end to end (`make bench`).
#
# Builds plasticc-bench and plasticc-bench-rss in BUILD (default: build),
# runs the Google Benchmark suite at low priority (a few minutes on two
# cores; extra arguments for plasticc-bench in $PLASTICC_BENCH_ARGS, e.g.
# --quick), runs the PyTorch comparison when Debian's python3-torch is
# installed, and writes BENCHMARKS.md at the top of the checkout (raw JSON
# in BUILD/bench/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/bench"
mkdir -p "$OUT"

cmake --build "$BUILD" -j "${JOBS:-2}" --target plasticc-bench plasticc-bench-rss \
  plasticc-bench-estimators plasticc-meta

echo "plasticc-bench: running the suite (results in $OUT/results.json)"
# shellcheck disable=SC2086
nice -n 10 "$BUILD/bin/plasticc-bench" --benchmark_out="$OUT/results.json" \
  --benchmark_out_format=json ${PLASTICC_BENCH_ARGS:-}
echo "plasticc-bench: long trials (T = 1000, K = 2, d = 3; the whole-trial schedule)"
# shellcheck disable=SC2086
nice -n 10 "$BUILD/bin/plasticc-bench" --steps=1000 --trials=2 \
  --benchmark_filter="${PLASTICC_BENCH_LONG_FILTER:-metagrad/N:(64|128|256|512)/d:3}" \
  --benchmark_out="$OUT/results-long.json" --benchmark_out_format=json ${PLASTICC_BENCH_ARGS:-}

TORCH_ARGS=()
if dpkg -s python3-torch >/dev/null 2>&1 && python3 -c 'import torch' >/dev/null 2>&1; then
  echo "plasticc-bench: PyTorch comparison (N = 128, d = 3, K = 10)"
  "$BUILD/bin/plasticc-bench" --dump="$OUT/torch-data" --dump-n=128 --dump-d=3 --dump-trials=10
  nice -n 10 python3 "$ROOT/bench/torch_forward.py" "$OUT/torch-data" > "$OUT/torch.json"
  TORCH_ARGS=(--torch "$OUT/torch.json")
else
  TORCH_ARGS=(--torch-status "Not run: Debian's python3-torch is not installed on this machine \
(\`dpkg -s python3-torch\` fails; \`apt-cache policy python3-torch\` offers 1.13.1). With it \
installed, \`make bench\` runs bench/torch_forward.py, which computes the same meta-gradient \
(N = 128, d = 3, K = 10, T = 50, same network, inputs and noise, dumped by \`plasticc-bench \
--dump\`) with PyTorch forward-mode AD, all P tangent directions batched (vmap over jvp), \
one thread, and reports its time and its agreement with the compiled dJ.")
fi

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
python3 "$ROOT/bench/report.py" --results "$OUT/results.json" --long "$OUT/results-long.json" \
  "${TORCH_ARGS[@]}" \
  --commit "$COMMIT" --out "$ROOT/BENCHMARKS.md"
echo "plasticc-bench: the two estimators' variance and cost (N = 128, 64 networks)"
{ echo; nice -n 10 "$BUILD/bin/plasticc-bench-estimators" 128 64; } >> "$ROOT/BENCHMARKS.md"
# plasticc-meta built with MPI (it links libmpi) and an mpirun to launch it.
if ldd "$BUILD/bin/plasticc-meta" 2>/dev/null | grep -q libmpi && command -v mpirun >/dev/null; then
  echo "plasticc-bench: strong scaling over MPI ranks (1, 2, 4 ranks; a few minutes)"
  { echo; python3 "$ROOT/bench/mpi_scaling.py" "$BUILD"; } >> "$ROOT/BENCHMARKS.md"
fi
echo "plasticc-bench: wrote $ROOT/BENCHMARKS.md"

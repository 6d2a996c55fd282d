#!/usr/bin/env bash
# demo.sh BUILD_DIR: the main job of `make demo`.
# Compiles every example through the whole pipeline and prints a summary of
# its dialect IR (ops per region), so a new user sees each stage work.
set -euo pipefail
build=${1:-build}
plasticc="$build/bin/plasticc"
for f in examples/*.plast; do
  echo "== $f"
  "$plasticc" --emit=ir "$f" | awk '
    /^ *region / { r = $2; order[++n] = r }
    /^ *%|^ *write|^ *ret/ { ops[r]++ }
    /^ *(meta|param|input|noise|state|weight|trace|baseline|output) / { q[$1]++ }
    END {
      printf "   quantities:"; for (k in q) printf " %s=%d", k, q[k]; printf "\n"
      printf "   ops:"; for (i = 1; i <= n; i++) printf " %s=%d", order[i], ops[order[i]]; printf "\n"
    }'
done

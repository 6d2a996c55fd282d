#!/usr/bin/env bash
# demo.sh BUILD_DIR: the main job of `make demo`.
# Meta-learns the reference rule (examples/rnn_poly.plast, MODEL.md) on the
# cue-delay-response task, then evaluates it against hand-crafted rules on
# held-out networks and prints the table. Outputs (log.csv, rule.json,
# checkpoint, evaluation table, PNG plots) go to BUILD_DIR/demo.
# The settings and why they were chosen: docs/runtime.md "Choosing the settings".
set -euo pipefail
build=${1:-build}
out="$build/demo"   # replaced by each `make demo` (--force)
"$build/bin/plasticc-meta" examples/rnn_poly.plast --task cue_delay_response \
  --iters 60 --batch 8 --trials 10 --lr 0.02 --freeze 'theta[0,*],theta[*,0]' \
  --eval-seeds 96 --ablate --out "$out" --force
echo
echo "demo: outputs in $out:"
ls "$out"

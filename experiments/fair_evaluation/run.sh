#!/usr/bin/env bash
# experiments/fair_evaluation/run.sh [--quick] [BUILD] [OUT]
#
# Does the demo's learned rule beat a fairly tuned node perturbation? Runs
# `make demo`'s training and evaluation for run seeds 1, 2 and 3, then
# evaluates seed 1's rule again with a finer learning-rate search (13-point
# grid, 16 golden-section steps, 64 tuning networks) and ablates it, and
# writes OUT/results.md (the paired differences, learned - node
# perturbation). README.md has the settings, run time and result.
# --quick: tiny settings that check the pipeline only (CI).
NAME=fair_evaluation
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

if [ $quick = 1 ]; then
  train=(--iters 2 --batch 2 --trials 3 --steps 20 --eval-seeds 3 --sweep 1,10 --sweep-refine 1)
  fine=(--trials 3 --steps 20 --networks 3 --sweep 1,10 --sweep-refine 2 --sweep-seeds 2)
else
  train=(--iters 60 --batch 8 --trials 10 --eval-seeds 96)
  fine=(--trials 10 --networks 96 --sweep-seeds 64 --sweep-refine 16
        --sweep 0.1,0.2,0.5,1,2,5,10,20,50,100,200,500,1000)
fi
for seed in 1 2 3; do
  echo "fair_evaluation: seed $seed (demo settings)"
  "$meta" examples/rnn_poly.plast --task cue_delay_response --lr 0.02 \
    --freeze 'theta[0,*],theta[*,0]' --seed "$seed" --ablate "${plots[@]}" -q "${train[@]}" \
    --out "$out/seed$seed"
done
echo "fair_evaluation: seed 1's rule under a finer search"
"$meta" evaluate examples/rnn_poly.plast --task cue_delay_response \
  --rule "learned:$out/seed1/rule.json" --ablate "${plots[@]}" -q "${fine[@]}" --out "$out/fine"

{
  echo "# fair_evaluation results ($( [ $quick = 1 ] && echo quick || echo full ) run)"
  echo
  python3 "$here/../summarize.py" learned "node perturbation" "$out/seed1" "$out/seed2" \
    "$out/seed3" "$out/fine"
  echo
  evaluations "$out/seed1" "$out/seed2" "$out/seed3" "$out/fine"
} > "$out/results.md"
echo "fair_evaluation: wrote $out/results.md"

#!/usr/bin/env bash
# experiments/miconi2017_dnms/run.sh [--quick] [BUILD] [OUT]
#
# Issue 10: does Miconi's (2017) reward-modulated Hebbian rule learn delayed
# non-match-to-sample in plasticc as in the paper (median 843 trials to
# criterion, IQR 692-1125, 20 runs; eLife 6:e20899, Fig. 1B)? Runs
# examples/miconi2017_dnms.plast on examples/tasks/dnms.toml for 20 networks
# up to a trial cap with the code's rule (the error baseline's extra factor,
# ebar_power = 1) and the paper's (ebar_power = 0), both at eta = 0.1, next
# to no plasticity; no meta-learning, no tuning. Writes OUT/results.md (trials
# to criterion next to the paper's, under the paper's criterion and the
# stricter ones) and OUT/learning_curves.png. README.md has the settings, run
# time and result. --quick: 2 networks, 130 trials (CI: the pipeline only).
NAME=miconi2017_dnms
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

if [ $quick = 1 ]; then
  size=(--networks 2 --trials 130)
else
  size=(--networks 20 --trials 2500)
fi
echo "miconi2017_dnms: ${size[*]}: the code's rule, the paper's rule and no plasticity"
"$meta" evaluate examples/miconi2017_dnms.plast --task dnms \
  --rule 'code:' --rule 'paper:ebar_power=0' --no-retune \
  --criterion 0.96 --criterion-window 100 --seed 1 "${size[@]}" "${plots[@]}" \
  --out "$out/eval"
python3 "$here/summarize.py" "$out/eval" > "$out/results.md"
if [ $quick = 0 ]; then
  /usr/bin/python3 "$here/plot.py" "$out/eval" "$out/learning_curves.png"
fi
echo "miconi2017_dnms: wrote $out/results.md"

#!/usr/bin/env bash
# experiments/score_choice/run.sh [--quick] [BUILD] [OUT]
#
# Can the score-function estimator meta-learn from a reward that has no
# pathwise gradient? Two runs on cue_delay_choice (reward 1 for a correct
# choice), each evaluated on 96 held-out networks against tuned baselines:
#   A  examples/rnn_choice.plast (R = correct choice drives plasticity too),
#      the nine pre-post terms free, B = 16, 60 meta-iterations, lr 0.02;
#   B  examples/rnn_poly.plast (R = -MSE drives plasticity; J = the task's
#      choice reward, --reward task), theta[1,1] alone free from 0, B = 64,
#      30 meta-iterations, lr 0.02.
# Writes OUT/results.md. README.md has the run time and the result.
# --quick: tiny settings that check the pipeline only (CI).
NAME=score_choice
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

if [ $quick = 1 ]; then
  a=(--iters 2 --batch 2 --trials 3 --steps 20 --eval-seeds 3 --sweep 1,10 --sweep-refine 1)
  b=(--iters 2 --batch 4 --trials 3 --steps 20 --eval-seeds 3 --sweep 1,10 --sweep-refine 1)
else
  a=(--iters 60 --batch 16 --trials 10 --eval-seeds 96)
  b=(--iters 30 --batch 64 --trials 10 --eval-seeds 96)
fi
echo "score_choice: run A (rnn_choice, choice reward drives plasticity)"
"$meta" examples/rnn_choice.plast --task cue_delay_choice --estimator score --lr 0.02 \
  --freeze 'theta[0,*],theta[*,0]' --ablate "${plots[@]}" -q "${a[@]}" --out "$out/A"
echo "score_choice: run B (rnn_poly, J = the task's choice reward)"
"$meta" examples/rnn_poly.plast --task cue_delay_choice --estimator score --reward task \
  --lr 0.02 --no-retune "${plots[@]}" -q "${b[@]}" --out "$out/B" \
  --freeze 'theta[0,*],theta[*,0],theta[1,2],theta[1,3],theta[2,*],theta[3,*]'

{
  echo "# score_choice results ($( [ $quick = 1 ] && echo quick || echo full ) run)"
  echo
  echo "Learned rule against no plasticity, then against node perturbation (fraction correct):"
  echo
  python3 "$here/../summarize.py" learned "no plasticity" "$out/A" "$out/B"
  echo
  python3 "$here/../summarize.py" learned "node perturbation" "$out/A" "$out/B"
  echo
  python3 - "$out/B/log.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
g = [float(r["dJ/dtheta[1,1]"]) for r in rows]
th = [float(r["theta[1,1]"]) for r in rows]
sd = statistics.stdev(g) if len(g) > 1 else float("nan")
print("Run B: theta[1,1] from %.3g to %.3g over %d meta-iterations; its gradient estimate: "
      "mean %.3g, standard deviation %.3g per meta-iteration." % (th[0], th[-1], len(rows),
                                                                   statistics.mean(g), sd))
PY
  echo
  evaluations "$out/A" "$out/B"
} > "$out/results.md"
echo "score_choice: wrote $out/results.md"

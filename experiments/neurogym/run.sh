#!/usr/bin/env bash
# experiments/neurogym/run.sh [--quick] [BUILD] [OUT]
#
# The reference rule on NeuroGym's tasks as NeuroGym defines them
# (examples/tasks/neurogym: dt = 100 ms, or 80 for ReadySetGo; a fixation
# input, discrete actions read by argmax, NeuroGym's reward table). For each
# of the six tasks, examples/rnn_actions.plast (the reference rule with the
# choice reward as its third factor) sized to the task by plasticc-meta,
# with dt and tau = 2 dt set by -D, is meta-trained by the score estimator
# on the task's reward (--reward task: the reward table; no pathwise
# gradient exists), the nine pre-post terms free from zero (theta[0,*] and
# theta[*,0] frozen), 30 meta-iterations of B = 8 networks x K = 50 trials,
# then evaluated on 32 held-out networks against no plasticity, node
# perturbation and Miconi's rule, each at its learning rate tuned on 16
# other networks.
# Writes OUT/results.md. README.md has the settings, run time and result.
# --quick: tiny settings that check the pipeline only (CI).
NAME=neurogym
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

if [ $quick = 1 ]; then
  settings=(-D N=16 --iters 2 --batch 2 --trials 3 --eval-seeds 3 --sweep 1,10 --sweep-refine 1)
else
  settings=(--iters 30 --batch 8 --trials 50 --eval-seeds 32)
fi
tasks=(perceptual_decision_making delay_match_sample go_nogo context_decision_making
       delay_comparison ready_set_go)
dirs=()
for t in "${tasks[@]}"; do
  dt=100; [ "$t" = ready_set_go ] && dt=80
  model=(examples/rnn_actions.plast --task "neurogym/$t" -D dt=${dt}ms -D tau=$((2 * dt))ms)
  echo "neurogym: $t (dt = $dt ms)"
  SECONDS=0
  # A run whose every network diverges stops (exit 3) with the rule it had
  # reached; that rule is then evaluated on its own, at the same settings.
  if "$meta" "${model[@]}" --estimator score --reward task --lr 0.005 \
       --freeze 'theta[0,*],theta[*,0]' "${plots[@]}" -q "${settings[@]}" --out "$out/$t"; then
    dirs+=("$out/$t")
  else
    echo "neurogym: $t: meta-training stopped; evaluating the rule it reached"
    n=32; trials=50; [ $quick = 1 ] && n=3 && trials=3
    "$meta" evaluate "${model[@]}" --rule "learned:$out/$t/rule.json" --networks $n \
      --trials $trials "${plots[@]}" -q --out "$out/$t-stopped"
    dirs+=("$out/$t-stopped")
  fi
  echo "neurogym: $t took $SECONDS s"
done

{
  echo "# neurogym results ($( [ $quick = 1 ] && echo quick || echo full ) run)"
  echo
  echo "Learned rule against no plasticity, then against node perturbation (mean task reward):"
  echo
  python3 "$here/../summarize.py" learned "no plasticity" "${dirs[@]}"
  echo
  python3 "$here/../summarize.py" learned "node perturbation" "${dirs[@]}"
  echo
  evaluations "${dirs[@]}"
} > "$out/results.md"
echo "neurogym: wrote $out/results.md"

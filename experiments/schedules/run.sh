#!/usr/bin/env bash
# experiments/schedules/run.sh [--quick] [BUILD] [OUT]
#
# Issue 12: does a learning-rate schedule let node perturbation learn better
# over 500-trial lifetimes? On each of the five shipped tasks with a
# continuous reward, evaluates node perturbation (rnn_annealed.plast,
# theta[1,1] = 1) at a constant rate and annealed as eta_k = eta / (1 + k /
# k0) for k0 = 300, 100, 30, each with its log_eta tuned on tuning networks,
# on the same 32 held-out networks; then picks per task the variant with the
# best tuning reward (never a held-out figure) and compares it with the
# constant rate on the held-out networks. Writes OUT/results.md.
# README.md has the settings, run time and result.
# --quick: tiny settings that check the pipeline only (CI).
NAME=schedules
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

model=experiments/schedules/rnn_annealed.plast
tasks=(context_decision_making cue_delay_response delayed_match_to_sample go_no_go
       perceptual_decision_making)
if [ $quick = 1 ]; then
  eval=(--trials 5 --steps 20 --networks 3 --sweep 1,10 --sweep-refine 1 --sweep-seeds 2)
else
  eval=(--trials 500 --networks 32 --sweep-seeds 8)
fi
# log_k0 = ln(k0): the schedules, each a candidate rule with log_eta tuned.
rules=(--rule 'k300:theta[1,1]=1,log_k0=5.7038' --rule 'k100:theta[1,1]=1,log_k0=4.6052'
       --rule 'k30:theta[1,1]=1,log_k0=3.4012')
dirs=()
for task in "${tasks[@]}"; do
  echo "schedules: $task"
  "$meta" evaluate "$model" --task "$task" --baselines "$here/np.baselines.toml" \
    --learning-rate log_eta "${rules[@]}" "${eval[@]}" "${plots[@]}" -q --out "$out/$task"
  dirs+=("$out/$task")
done

{
  echo "# schedules results ($( [ $quick = 1 ] && echo quick || echo full ) run)"
  echo
  echo 'Each "verdict" below, and each line of the first three tables, is one comparison of'
  echo '15 at 2 standard errors, uncorrected: about one in twenty crosses it by chance. The'
  echo "claim is the pick by tuning reward (the fourth table) and README.md's reading of it."
  echo '"Beats every baseline" means: beyond 2 s.e. of each baseline in its table (node'
  echo 'perturbation, no plasticity), one run seed; a Bonferroni threshold for the 15 is 2.94 s.e.'
  echo 'The schedules are node perturbation annealed by hand, not meta-learned rules.'
  echo
  echo "Each schedule at its tuned learning rate minus constant-rate node perturbation at"
  echo "its tuned rate, mean reward during learning, paired over the held-out networks:"
  echo
  for k in k300 k100 k30; do
    echo "k0 = ${k#k}:"
    echo
    python3 "$here/../summarize.py" "$k, log_eta tuned" "node perturbation" "${dirs[@]}"
    echo
  done
  echo "The variant a scientist would pick by its tuning reward (tuning networks only):"
  echo
  python3 "$here/select_by_tuning.py" "${dirs[@]}"
  echo
  evaluations "${dirs[@]}"
} > "$out/results.md"
echo "schedules: wrote $out/results.md"

#!/usr/bin/env bash
# experiments/lifetimes/run.sh [--quick] [BUILD] [OUT]
#
# Issue 12: do meta-learned rules keep learning over long lifetimes, and do
# they beat fairly tuned baselines there? On each of the five shipped tasks
# with a continuous reward, meta-trains examples/rnn_stable.plast (the rule,
# its learning rate, trace time constant and weight decay) with lifetimes of
# K = 200 trials by antithetic evolution strategies (--estimator es; lost
# trials of diverged networks penalized), starting from node perturbation
# at its learning rate tuned on 200-trial lifetimes,
# then evaluates it over 500-trial lifetimes on held-out networks against no
# plasticity, node perturbation and Miconi's rule, each at its tuned
# learning rate. Then trains on the four other tasks in turn and evaluates
# on the held-out fifth (perceptual_decision_making, chosen before any run),
# meta-trains every task at the evaluation's lifetime (the horizon check)
# and two with fitness shaping (--es-shaping sign).
# Writes OUT/results.md. README.md has the settings, run time and result.
# --quick: tiny settings that check the pipeline only (CI).
NAME=lifetimes
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../common.sh
source "$here/../common.sh"

model=examples/rnn_stable.plast
tasks=(context_decision_making cue_delay_response delayed_match_to_sample go_no_go
       perceptual_decision_making)
heldout=perceptual_decision_making
freeze=(--freeze 'theta[0,*],theta[*,0]')
if [ $quick = 1 ]; then
  train=(--iters 2 --batch 2 --trials 4 --steps 20)
  stage=(--iters 1 --batch 2 --trials 4 --steps 20)
  tune=(--trials 4 --steps 20 --networks 2 --sweep 1,10 --sweep-refine 1 --sweep-seeds 2)
  eval=(--trials 5 --steps 20 --networks 3 --sweep 1,10 --sweep-refine 1 --sweep-seeds 2)
  horizon=(--trials 4 --steps 20 --networks 3 --sweep 1,10 --sweep-refine 1 --sweep-seeds 2)
else
  train=(--iters 60 --batch 16 --trials 200)
  stage=(--iters 15 --batch 16 --trials 200) # four stages: 60 meta-iterations in all
  tune=(--trials 200 --networks 2 --sweep-seeds 8)
  eval=(--trials 500 --networks 32 --sweep-seeds 8)
  horizon=(--trials 200 --networks 32 --sweep-seeds 8) # at the training lifetime
fi
es=(--estimator es --es-sigma 0.1 --on-divergence penalize --lr 0.01 --seed 1 --no-eval -q)

# start TASK: node perturbation's log_eta tuned on TASK over training-length
# lifetimes (tuning networks only, never the held-out ones), as --init.
# Tuned once per task; later steps reuse it.
start() {
  [ -f "$out/start/$1/evaluation.csv" ] ||
    "$meta" evaluate "$model" --task "$1" --baselines "$here/node_perturbation.baselines.toml" \
      "${tune[@]}" --no-plots -q --out "$out/start/$1" > /dev/null
  local eta
  eta=$(python3 -c "import csv,sys; print(next(r['eta'] for r in csv.DictReader(open(sys.argv[1])) if r['rule'] == 'node perturbation'))" "$out/start/$1/evaluation.csv")
  echo "--init" "theta[1,1]=1,log_eta=$eta"
}

for task in "${tasks[@]}"; do
  echo "lifetimes: $task: node perturbation's tuned start, then meta-training"
  mapfile -t -d ' ' init < <(printf %s "$(start "$task")")
  "$meta" "$model" --task "$task" "${init[@]}" "${freeze[@]}" "${es[@]}" "${train[@]}" \
    --out "$out/train/$task"
  echo "lifetimes: $task: evaluation"
  "$meta" evaluate "$model" --task "$task" --rule "learned:$out/train/$task/rule.json" \
    "${eval[@]}" "${plots[@]}" -q --out "$out/eval/$task"
done
# The same rules over the lifetimes they were trained on: a rule that loses
# at 500 trials but not at 200 fails to extrapolate, not to learn.
for task in "${tasks[@]}"; do
  echo "lifetimes: $task: evaluation at the training lifetime"
  "$meta" evaluate "$model" --task "$task" --rule "learned:$out/train/$task/rule.json" \
    "${horizon[@]}" --no-plots -q --out "$out/eval_training_lifetime/$task"
done

echo "lifetimes: held-out task $heldout: meta-training on the four others in turn"
init=()
for task in "${tasks[@]}"; do
  [ "$task" = "$heldout" ] && continue
  [ ${#init[@]} = 0 ] && mapfile -t -d ' ' init < <(printf %s "$(start "$task")")
  "$meta" "$model" --task "$task" "${init[@]}" "${freeze[@]}" "${es[@]}" "${stage[@]}" \
    --out "$out/transfer/$task"
  init=(--init "$out/transfer/$task/rule.json")
done
"$meta" evaluate "$model" --task "$heldout" --rule "learned:${init[1]}" \
  --rule "learned in task:$out/train/$heldout/rule.json" "${eval[@]}" "${plots[@]}" -q \
  --out "$out/eval/heldout"

# Step 5, the horizon check: every task meta-trained at the evaluation's
# lifetime. Step 6: step 2 with fitness shaping on two tasks.
long=("${train[@]}")
long[5]=${eval[1]} # --trials: the evaluation's
checks=("${tasks[@]}")
shaped=(go_no_go cue_delay_response)
# variant NAME TASK OPTION...: meta-training with OPTION..., then evaluation.
variant() {
  local name=$1 task=$2
  shift 2
  echo "lifetimes: $task: meta-training ($name)"
  mapfile -t -d ' ' init < <(printf %s "$(start "$task")")
  "$meta" "$model" --task "$task" "${init[@]}" "${freeze[@]}" "${es[@]}" "$@" \
    --out "$out/train_$name/$task"
  "$meta" evaluate "$model" --task "$task" --rule "learned:$out/train_$name/$task/rule.json" \
    "${eval[@]}" --no-plots -q --out "$out/eval_$name/$task"
}
for task in "${checks[@]}"; do variant long "$task" "${long[@]}"; done
for task in "${shaped[@]}"; do variant sign "$task" "${train[@]}" --es-shaping sign; done

{
  echo "# lifetimes results ($( [ $quick = 1 ] && echo quick || echo full ) run)"
  echo
  echo "Learned rule vs node perturbation (both at the learning rate meta-training or tuning"
  echo "chose), mean reward over the lifetime, paired over held-out networks:"
  echo
  dirs=()
  for task in "${tasks[@]}"; do dirs+=("$out/eval/$task"); done
  python3 "$here/../summarize.py" learned "node perturbation" "${dirs[@]}" "$out/eval/heldout"
  echo
  echo "At the training lifetime (${horizon[1]} trials; baselines tuned there):"
  echo
  dirs200=()
  for task in "${tasks[@]}"; do dirs200+=("$out/eval_training_lifetime/$task"); done
  python3 "$here/../summarize.py" learned "node perturbation" "${dirs200[@]}"
  echo
  echo "Meta-trained at the evaluation's lifetime (${eval[1]} trials):"
  echo
  python3 "$here/../summarize.py" learned "node perturbation" \
    "${checks[@]/#/$out/eval_long/}"
  echo
  echo "The same with the learned rule's learning rate retuned:"
  echo
  python3 "$here/../summarize.py" "learned, log_eta tuned" "node perturbation" \
    "${checks[@]/#/$out/eval_long/}"
  echo
  echo "Meta-trained with --es-shaping sign (${train[5]} trials):"
  echo
  python3 "$here/../summarize.py" learned "node perturbation" "${shaped[@]/#/$out/eval_sign/}"
  echo
  echo "The same with the learned rule's learning rate tuned like the baselines':"
  echo
  python3 "$here/../summarize.py" "learned, log_eta tuned" "node perturbation" "${dirs[@]}" \
    "$out/eval/heldout"
  echo
  evaluations "${dirs[@]}" "$out/eval/heldout" "${dirs200[@]}" "${checks[@]/#/$out/eval_long/}" \
    "${shaped[@]/#/$out/eval_sign/}"
} > "$out/results.md"
if [ $quick = 0 ]; then
  /usr/bin/python3 "$here/plot_training.py" "$out" "$out/training.png"
fi
echo "lifetimes: wrote $out/results.md"

"""trials_match_curves.py DIR: the per-network rows of DIR/trials.csv average
to DIR/curves.csv (mean reward and fraction correct per rule and trial), and
each network's mean reward is networks.csv's. Exit 1 with the first mismatch."""
import csv
import sys
from collections import defaultdict

d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/trials.csv")))
by_trial = defaultdict(list)
by_net = defaultdict(list)
for r in rows:
    by_trial[(r["rule"], int(r["trial"]))].append(r)
    by_net[(r["rule"], int(r["network"]))].append(float(r["reward"]))
checked = 0
for c in csv.DictReader(open(f"{d}/curves.csv")):
    got = by_trial[(c["rule"], int(c["trial"]))]
    mean = sum(float(r["reward"]) for r in got) / len(got)
    if abs(mean - float(c["mean_reward"])) > 1e-8 * max(1, abs(mean)):
        sys.exit(f"{c['rule']} trial {c['trial']}: trials.csv mean {mean} vs curves.csv {c['mean_reward']}")
    if c["fraction_correct"] != "nan":
        frac = sum(int(r["correct"]) for r in got) / len(got)
        if abs(frac - float(c["fraction_correct"])) > 1e-9:
            sys.exit(f"{c['rule']} trial {c['trial']}: fraction correct {frac} vs {c['fraction_correct']}")
    checked += 1
for n in csv.DictReader(open(f"{d}/networks.csv")):
    r = by_net[(n["rule"], int(n["network"]))]
    if abs(sum(r) / len(r) - float(n["mean_reward"])) > 1e-8:
        sys.exit(f"{n['rule']} network {n['network']}: mean {sum(r) / len(r)} vs {n['mean_reward']}")
if checked == 0:
    sys.exit("no curve rows")
print(f"trials.csv matches curves.csv ({checked} rows) and networks.csv")

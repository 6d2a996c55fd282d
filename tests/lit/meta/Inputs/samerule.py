"""samerule.py A B: exit 0 if two rule.json files hold the same rule.

Everything must be equal except provenance.out, the directory the run wrote
to (two runs compared for equality necessarily write to different places).
"""
import json
import sys

a, b = (json.load(open(path)) for path in sys.argv[1:3])
for rule in (a, b):
    rule.get("provenance", {}).pop("out", None)
if a != b:
    print("rules differ:\n", json.dumps(a, indent=1), "\n", json.dumps(b, indent=1))
    sys.exit(1)

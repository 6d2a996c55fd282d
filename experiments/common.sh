# experiments/common.sh: what every experiments/NAME/run.sh shares. Source it
# with NAME set; it reads [--quick] [BUILD] [OUT] from "$@" and sets quick
# (0/1), root, build, out (emptied if it is an earlier run's), meta (plasticc-meta) and plots (the
# plot option: none in --quick runs), and cds to root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
build=${1:-$root/build}
out=${2:-$build/experiments/$NAME}
meta="$build/bin/plasticc-meta"
plots=()                            # PNGs in each run's directory
if [ $quick = 1 ]; then plots=(--no-plots); fi
# OUT is emptied first, but only if it is new, empty or an earlier run's
# (marked): a directory of other files is never deleted.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/.experiment" ]; then
  echo "$NAME: error: '$out' holds other files (no .experiment marker); give a new OUT" >&2
  exit 2
fi
rm -rf "$out" && mkdir -p "$out" && touch "$out/.experiment"
cd "$root"

# evaluations DIR...: each run's evaluation.txt, as Markdown sections.
evaluations() {
  for d in "$@"; do
    echo "## $(basename "$d")"
    echo
    echo '```'
    cat "$d/evaluation.txt"
    echo '```'
    echo
  done
}

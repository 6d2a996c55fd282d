#!/usr/bin/env bash
# run.sh BUILD SOURCE WORK CC: installs the build into a temporary prefix,
# moves the prefix (an installed tree is relocatable), checks that no
# installed CMake, pkg-config or header file names the build or source
# tree, and builds and runs
# tests/install/use_model.c against the installed copy only:
#   (a) with the installed plasticc and pkg-config (-I$PREFIX/include -lm);
#   (b) as a CMake project with find_package(plasticc) and plasticc_add_model,
#       the model linked in (static) and as a shared library.
# Neither sees the source or build tree (PATH has no build/bin). Last, the
# installed plasticc-meta runs one meta-iteration on a task named without a
# path (found in PREFIX/share/plasticc), and the Python package, if built,
# imports from PREFIX and evaluates with --record and its plots from there.
# Prints "install test: ok".
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2"); work=$3; cc=$4

rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
cmake --install "$build" --prefix "$work/stage" > "$work/install.log"
mv "$work/stage" "$work/prefix"
prefix=$work/prefix
export PATH=/usr/local/bin:/usr/bin:/bin

package_files=$(find "$prefix" -name '*.cmake' -o -name '*.pc' -o -name '*.h')
# shellcheck disable=SC2086
if grep -l -e "$build" -e "$src" $package_files; then
  echo "install test: the installed files above name the build or source tree" >&2
  exit 1
fi

# (a) pkg-config only.
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name plasticc.pc)")
plasticc=$(pkg-config --variable=plasticc plasticc)
examples=$(pkg-config --variable=examplesdir plasticc)
echo "pkg-config: $(pkg-config --cflags --libs plasticc)"
"$plasticc" "$examples/rnn_poly.plast" -D N=8 -o "$work/rnn.o"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags plasticc) \
  "$src/tests/install/use_model.c" "$work/rnn.o" $(pkg-config --libs plasticc) -o "$work/use_model"
"$work/use_model"

# (b) find_package(plasticc) + plasticc_add_model.
cmake -S "$src/tests/install/project" -B "$work/project" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
  -DUSE_MODEL_C="$src/tests/install/use_model.c" > "$work/project-configure.log"
cmake --build "$work/project" > "$work/project-build.log"
"$work/project/use_model_static"
"$work/project/use_model_shared"

# The installed plasticc-meta finds its task files in the prefix.
"$prefix/bin/plasticc-meta" "$examples/oja.plast" --task go_no_go --iters 1 --batch 1 \
  --trials 1 --threads 1 --no-plots -q --out "$work/meta" > "$work/meta.log"
# The Python package, when the build has it, imports from the prefix.
site=$(find "$prefix" -type d -path '*site-packages/plasticc' -printf '%h\n' | head -1)
if [ -n "$site" ]; then
  PYTHONPATH=$site /usr/bin/python3 -c "
import plasticc, sys
net = plasticc.compile('$examples/rnn_poly.plast', defines={'N': 4}).network(1)
assert plasticc.__file__.startswith('$prefix'), plasticc.__file__
# plasticc-meta's job from the installed package: the task by name and the
# plot scripts (activity.png from --record) from PREFIX/share/plasticc.
run = plasticc.evaluate('$examples/rnn_poly.plast', 'cue_delay_response', out='$work/py-eval',
                        defines={'N': 4}, networks=2, trials=2, sweep=[1], sweep_refine=0,
                        sweep_seeds=1, no_retune=True, record=['x'], threads=1, quiet=True)
assert (run.out / 'activity.png').is_file(), 'no activity.png'
print('python: plasticc from', plasticc.__file__)"
fi
echo "install test: ok"

#!/usr/bin/env bash
# install-deps.sh: install, from Debian 12 packages, whatever plasticc needs
# to build, test, benchmark and plot (and the Python package: pybind11,
# numpy, pytest) that is not already on the machine.
# Idempotent: a second run installs nothing and takes well under a second.
set -euo pipefail

PACKAGES=(
  cmake ninja-build make g++ ccache pkg-config
  llvm-19-dev llvm-19-tools clang-19 libclang-19-dev libclang-cpp19-dev libclang-rt-19-dev lld-19
  libzstd-dev zlib1g-dev libedit-dev libxml2-dev libffi-dev libncurses-dev
  libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
  python3 python3-matplotlib
  python3-dev pybind11-dev python3-numpy python3-pytest
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"

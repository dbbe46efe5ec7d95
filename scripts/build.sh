#!/usr/bin/env bash
# Configures and builds osbuild into build/ (or $OSBUILD_BUILD_DIR).
#   scripts/build.sh [--only-osbuild] [CMAKE_ARGS...]
# --only-osbuild configures without the tests and builds the osbuild binary alone (the quick
# start); without it, everything (the tests too: scripts/test.sh). Other arguments go to cmake.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OSBUILD_BUILD_DIR:-$top/build}
werror=OFF
[ "${CI:-}" = true ] && werror=ON
tests=ON
target=()
if [ "${1:-}" = --only-osbuild ]; then
  shift
  tests=OFF
  target=(--target osbuild)
fi
cmake -S "$top" -B "$build" -G Ninja -DOSBUILD_WARNINGS_AS_ERRORS=$werror \
  -DOSBUILD_BUILD_TESTS=$tests "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)" "${target[@]}"

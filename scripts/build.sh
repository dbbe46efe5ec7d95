#!/usr/bin/env bash
# Configures and builds osbuild into build/ (or $OSBUILD_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OSBUILD_BUILD_DIR:-$top/build}
werror=OFF
[ "${CI:-}" = true ] && werror=ON
cmake -S "$top" -B "$build" -G Ninja -DOSBUILD_WARNINGS_AS_ERRORS=$werror "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"

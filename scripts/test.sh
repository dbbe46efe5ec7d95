#!/usr/bin/env bash
# The second quick-start command: install what is missing, build, and run the whole test suite.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
build=${OSBUILD_BUILD_DIR:-$top/build}
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 900

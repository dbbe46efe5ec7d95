#!/usr/bin/env bash
# The first quick-start command: install what is missing, build osbuild, fill the example's local
# lookaside folder and run the pipeline on examples/hello-os: fetch, plan, build (host arch).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
osbuild=${OSBUILD_BUILD_DIR:-$top/build}/osbuild
"$top/examples/fill-lookaside.sh"
cd "$top/examples/hello-os"
"$osbuild" config show
"$osbuild" fetch
"$osbuild" plan dev --arch x86_64
"$osbuild" plan dev --arch aarch64
"$osbuild" build variant dev

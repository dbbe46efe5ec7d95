#!/usr/bin/env bash
# The first quick-start command: install what the pipeline needs, build the osbuild binary alone
# (Release, no tests), fill the example's local lookaside folder and run the pipeline on
# examples/hello-os: fetch, plan, build (host arch and aarch64, kernels included), image, a signed
# repository (development keys, generated on first use), and a boot of the host arch's image under
# UEFI in QEMU to init's greeting.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh" --pipeline
"$top/scripts/build.sh" --only-osbuild
osbuild=${OSBUILD_BUILD_DIR:-$top/build}/osbuild
"$top/examples/fill-lookaside.sh"
cd "$top/examples/hello-os"
"$osbuild" config show
"$osbuild" fetch
"$osbuild" plan dev --arch x86_64
"$osbuild" plan dev --arch aarch64
"$osbuild" build variant dev
"$osbuild" build variant dev --arch aarch64   # cross: zig cc by default (osbuild toolchains explain)
"$osbuild" image dev
"$osbuild" image dev --arch aarch64
"$osbuild" repo dev
"$osbuild" repo validate dev
# Boots the disk (a copy-on-write overlay: the image stays as built) and waits for hello-agent's
# selftest; the guest then powers off.
"$osbuild" qemu dev --expect "init: hello-agent exited with 0" --timeout 600

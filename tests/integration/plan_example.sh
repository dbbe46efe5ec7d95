#!/usr/bin/env bash
# `osbuild plan` on examples/hello-os: both arches, text and JSON, stable keys, and a release
# version bump that changes only what can see the version.
. "$(dirname "$0")/lib.bash"
copy_example hello-os
cd "$TEST_TMP/hello-os"

run plan dev --arch aarch64
expect_status 0
expect_contains "plan for variant dev (aarch64)"
for p in zlib lua init hello-agent os-release; do expect_contains " $p "; done
expect_contains "image"
expect_contains "repo"

run plan dev --arch arm64
expect_status 0
expect_contains "plan for variant dev (aarch64)"

# The same inputs give the same keys; another arch gives other build keys.
a1=$("$OSBUILD" plan dev --arch x86_64 --json)
a2=$("$OSBUILD" plan dev --arch x86_64 --json)
expect_eq "$a1" "$a2" "keys are stable"
b=$("$OSBUILD" plan dev --arch aarch64 --json)
[ "$a1" != "$b" ] || fail "x86_64 and aarch64 plans should differ"

keys() { python3 -c 'import json,sys; d=json.load(sys.stdin); [print(a["kind"], a["name"], a["key"]) for a in d["actions"]]'; }
before=$(printf '%s' "$a1" | keys)
sed -i 's/^release-version = .*/release-version = "1.5.0"/' osbuild.toml
sed -i 's/^version = .*/version = "1.5.0"/' Release.toml
cat >> Release.toml <<'TOML'
"(1.4.0, 1.5.0)" = []
TOML
after=$("$OSBUILD" plan dev --arch x86_64 --json | keys)
changed=$(diff <(echo "$before") <(echo "$after") | grep '^>' | awk '{print $2 ":" $3}' | sort | tr '\n' ' ')
expect_eq "$changed" "build:os-release image:dev repo:dev " "after a version bump only these change"

# Run from a subfolder: the project is found by searching upward.
cd packages/zlib
run plan dev
expect_status 0
cd "$TEST_TMP"
run -C "$TEST_TMP/hello-os" plan dev --json
expect_status 0
echo "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "plan --json is not JSON"

run -C "$TEST_TMP/hello-os" plan devv
expect_status 1
expect_contains "did you mean 'dev'?"
finish

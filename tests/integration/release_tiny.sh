#!/usr/bin/env bash
# `osbuild release dev` runs fetch, build, image and repo in one process on a small project and
# prints one summary: each stage, what it did and how long it took, and the outputs' paths. The
# repository it writes validates; a failing stage stops the release, the summary says which.
source "$OSBUILD_TESTS/integration/image_lib.bash"
release_project "$TEST_TMP/project"

run release dev
expect_status 0
for stage in fetch build image repo total; do
  printf '%s\n' "$out" | grep -Eq "^  $stage +[0-9]+\.[0-9]s" || fail "summary lacks $stage: $out"
done
expect_contains "1 source(s) fetched"
expect_contains "4 package(s): 4 built, 0 cached"
expect_contains "made build/images/$ARCH-dev/1.0.0"
expect_contains "published 1.0.0 to build/repos/default"
disk=build/images/$ARCH-dev/1.0.0/tiny-os-dev-$ARCH-1.0.0.img
expect_contains "disk image  $disk"
expect_contains "repository  build/repos/default/"
[ -f "$disk" ] || fail "no disk image at $disk"
# One process: the stages' own output comes first, the summary once, at the end.
expect_eq "$(printf '%s\n' "$out" | grep -c '^release dev for ')" 1 "one summary"
expect_eq "$(printf '%s\n' "$out" | tail -n 1)" "  metadata    build/repos/default/metadata/dev/$ARCH/" "last line"

run repo validate dev
expect_status 0

# Again, with --force and --json: everything is made again; the release's summary is one event,
# the last line of the stream (docs/json.md).
out=$("$OSBUILD" release dev --force --json 2>"$TEST_TMP/err")
status=$?
expect_status 0
summary=$(printf '%s\n' "$out" | tail -n 1)
python3 - "$summary" <<'PY' || fail "json summary: $summary"
import json, sys
d = json.loads(sys.argv[1])
assert d["stage"] == "release" and d["event"] == "summary", d
assert [s["name"] for s in d["stages"]] == ["fetch", "build", "image", "repo"], d
assert all(s["result"] == "ok" for s in d["stages"]), d
assert "4 built" in d["stages"][1]["what"], d
assert d["disk"].endswith(".img") and d["repository"].endswith("repos/default"), d
PY

# The same version is already published: the repo stage refuses, the summary shows how far it got.
run release dev
expect_status 1
expect_contains "0 built, 4 cached"
expect_contains "up to date: build/images/$ARCH-dev/1.0.0"
printf '%s\n' "$out" | grep -Eq "^  repo +[0-9.]+s  failed: version 1.0.0 of dev" ||
  fail "summary does not name the failed stage: $out"
expect_contains "hint:"

# A stage that fails stops the release: nothing after it runs.
script_package base 'exit 1'
run release dev --arch "$ARCH"
expect_status 1
printf '%s\n' "$out" | grep -Eq "^  build +[0-9.]+s  failed:" || fail "build failure not summarised: $out"
printf '%s\n' "$out" | grep -Eq "^  image " && fail "image ran after a failed build: $out"

run release
expect_status 2
expect_contains "needs a variant"
finish

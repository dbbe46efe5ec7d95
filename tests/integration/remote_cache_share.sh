#!/usr/bin/env bash
# Two checkouts share one nginx remote cache: A builds and uploads, B (another folder, an empty
# local store) gets every package from the remote with no build at all, and identical artifacts.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
two_checkouts
OSBUILD_CACHE_DIR=$TEST_TMP/cache-a run build package top --remote-cache "$REMOTE" --explain
expect_status 0
expect_eq "$(built_list)" "base data hello top" "checkout A builds everything"
expect_contains "explain: hello: no cached result; not in the remote cache either: building locally"
expect_contains "remote cache: 0 hits, 4 misses, 0 local hits"
expect_eq "$(remote_warnings)" 0 "warnings in A"
expect_eq "$(find "$NGINX_ROOT/cache/ac" -type f | wc -l)" 4 "action results on the server"
# Each package's artifact and manifest: 8 blobs.
expect_eq "$(find "$NGINX_ROOT/cache/cas" -type f | wc -l)" 8 "blobs on the server"
for f in $(find "$NGINX_ROOT/cache/cas" -type f); do
  expect_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$(basename "$f")" "blob $f is its digest"
done
[ -x "$TEST_TMP/a/build/packages/$(uname -m)/hello/usr/bin/hello" ] ||
  fail "the compiled program is missing from A's build/packages"

# B: another folder, an empty local store, the same remote (here through the environment).
cd "$TEST_TMP/b" || exit 1
served_before=$(wc -l <"$TEST_TMP/nginx/logs/access.log")
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top --explain
expect_status 0
expect_eq "$(built_count)" 0 "packages B built"
expect_not_contains "building "
for p in base hello data top; do
  expect_contains "explain: $p: fetched from the remote cache $REMOTE"
done
expect_contains "remote cache: 4 hits, 0 misses, 0 local hits"
expect_eq "$(remote_warnings)" 0 "warnings in B"
[ -z "$(find "$TEST_TMP/b/build/logs" -type f 2>/dev/null)" ] || fail "B ran build steps: $(find "$TEST_TMP/b/build/logs" -type f)"
expect_eq "$(packages_digest "$TEST_TMP/b")" "$(packages_digest "$TEST_TMP/a")" "build/packages of A and B"
cmp -s "$TEST_TMP/a/build/packages/$(uname -m)/hello/usr/bin/hello" \
  "$TEST_TMP/b/build/packages/$(uname -m)/hello/usr/bin/hello" || fail "the programs differ"
"$TEST_TMP/b/build/packages/$(uname -m)/hello/usr/bin/hello" | grep -q hello || fail "B's program does not run"
# B made only GETs: 4 action results and 8 blobs, no HEAD or PUT.
requests=$(tail -n +"$((served_before + 1))" "$TEST_TMP/nginx/logs/access.log")
expect_eq "$(printf '%s\n' "$requests" | grep -c '"GET /cache/ac/')" 4 "action result GETs"
expect_eq "$(printf '%s\n' "$requests" | grep -c '"GET /cache/cas/')" 8 "blob GETs"
expect_eq "$(printf '%s\n' "$requests" | grep -c '"PUT \|"HEAD ')" 0 "writes by B"
# The local store of B now holds everything: a second build is a no-op with local hits only, and
# the no-op stamp (docs/build.md) lets a third one stop before asking the server anything.
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top --explain
expect_status 0
expect_contains "nothing to do: 4 packages up to date"
expect_contains "remote cache: 0 hits, 0 misses, 4 local hits"
served_before=$(wc -l <"$TEST_TMP/nginx/logs/access.log")
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top
expect_status 0
expect_contains "nothing to do: 4 packages up to date"
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top
expect_contains "nothing to do: 4 packages up to date"
expect_eq "$(wc -l <"$TEST_TMP/nginx/logs/access.log")" "$served_before" "requests by a no-op"

# The JSON summary carries the same figures.
rm -rf "$TEST_TMP/b/build" "$TEST_TMP/cache-b"
json=$(OSBUILD_CACHE_DIR=$TEST_TMP/cache-b "$OSBUILD" --json build package top --remote-cache "$REMOTE" 2>&1)
printf '%s\n' "$json" | python3 -c '
import json, sys
s = [json.loads(l) for l in sys.stdin if l.startswith("{")]
s = [e for e in s if e.get("event") == "summary"][0]
r = s["remote_cache"]
assert s["built"] == 0 and r["remote_hits"] == 4 and r["misses"] == 0, s
assert r["bytes_down"] > 300000 and r["bytes_up"] == 0 and not r["skipped"], s
' || fail "JSON summary: $json"

# --no-remote-cache wins over the environment: nothing is asked.
rm -rf "$TEST_TMP/b/build" "$TEST_TMP/cache-b"
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top --no-remote-cache
expect_status 0
expect_eq "$(built_count)" 4 "built with --no-remote-cache"
expect_not_contains "remote cache:"

# nginx has no status endpoint, and `cache stats --remote` says so.
run cache stats --remote --remote-cache "$REMOTE"
expect_status 0
expect_contains "no status endpoint"
finish

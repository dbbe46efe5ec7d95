#!/usr/bin/env bash
# A corrupt blob on the server (same size, other bytes) and a truncated one are detected by their
# digests, reported once, never used: those packages are built locally, the rest still come from
# the remote, the artifacts match the first checkout's, and the upload repairs the server.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
two_checkouts
json=$(OSBUILD_CACHE_DIR=$TEST_TMP/cache-a "$OSBUILD" --json build package top --remote-cache "$REMOTE" 2>&1)
artifact_of() {
  printf '%s\n' "$json" | python3 -c '
import json, sys
for l in sys.stdin:
    if l.startswith("{"):
        e = json.loads(l)
        if e.get("event") == "finished" and e.get("package") == sys.argv[1]:
            print(e["artifact"])' "$1"
}
hello=$(artifact_of hello)
data=$(artifact_of data)
[ -n "$hello" ] && [ -n "$data" ] || { echo "no artifacts in: $json"; exit 1; }
hello_blob=$NGINX_ROOT/cache/cas/$hello
data_blob=$NGINX_ROOT/cache/cas/$data
[ -f "$hello_blob" ] && [ -f "$data_blob" ] || { echo "blobs not on the server"; exit 1; }
# hello: same size, one byte changed in the middle. data: cut short.
size=$(stat -c %s "$hello_blob")
printf 'X' | dd of="$hello_blob" bs=1 seek=$((size / 2)) conv=notrunc status=none
truncate -s 1000 "$data_blob"

cd "$TEST_TMP/b" || exit 1
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b run build package top --remote-cache "$REMOTE" --explain
expect_status 0
expect_eq "$(built_list)" "data hello" "packages rebuilt because their remote blob was corrupt"
expect_contains "cas/$hello is corrupt (its content hashes to "
expect_contains "cas/$data is corrupt (1000 bytes where the action result lists "
expect_eq "$(printf '%s\n' "$out" | grep -c "cas/$hello is corrupt")" 1 "reports of the hello blob"
expect_contains "explain: base: fetched from the remote cache"
expect_contains "explain: top: fetched from the remote cache"
expect_contains "remote cache: 2 hits, 2 misses"
expect_not_contains "skipped"
expect_eq "$(packages_digest "$TEST_TMP/b")" "$(packages_digest "$TEST_TMP/a")" "build/packages of A and B"
# Nothing corrupt entered B's local store.
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b run cache verify
expect_status 0
expect_contains ", 0 corrupt"
# B's rebuild put the good bytes back on the server.
expect_eq "$(sha256sum <"$hello_blob" | cut -d' ' -f1)" "$hello" "the hello blob on the server"
expect_eq "$(sha256sum <"$data_blob" | cut -d' ' -f1)" "$data" "the data blob on the server"

# A damaged action result is a miss too.
rm -rf "$TEST_TMP/b/build" "$TEST_TMP/cache-b"
for f in "$NGINX_ROOT"/cache/ac/*; do printf '{"outputs": "garbage"}' >"$f"; done
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b run build package top --remote-cache "$REMOTE"
expect_status 0
expect_eq "$(built_count)" 4 "built after every action result was damaged"
expect_contains "is corrupt (no \"outputs\" array); treated as a miss"
finish

#!/usr/bin/env bash
# `cache gc` and `cache verify` wait for <cache>/lock and say who holds it.
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
command -v flock >/dev/null || { echo "skipped: flock (util-linux) is missing"; exit 125; }

work=$(mktemp -d)
holder=""
cleanup() { [ -z "$holder" ] || kill "$holder" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export OSBUILD_CACHE_DIR=$work/cache HOME=$work/home
cd "$work"
cache=$OSBUILD_CACHE_DIR
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$cache"
# What a holding osbuild writes into the lock file; flock(1) takes the lock without rewriting it.
echo "pid 4242 (osbuild build variant dev)" > "$cache/lock"
flock -x "$cache/lock" -c "touch '$work/locked'; sleep 2" &
holder=$!
for _ in $(seq 100); do [ -e "$work/locked" ] && break; sleep 0.05; done
[ -e "$work/locked" ] || fail "the test could not take the lock"

start=$(date +%s%N)
err=$(timeout 60 "$OSBUILD" cache verify 2>&1 >/dev/null) || fail "verify exited $?: $err"
waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ $err == *"osbuild: waiting for the cache lock held by pid 4242 (osbuild build variant dev)"* ]] \
  || fail "no waiting message: $err"
[ "$waited_ms" -ge 500 ] || fail "verify did not wait for the lock (${waited_ms} ms)"
wait "$holder"; holder=""

# Once free, the lock is taken at once and names its new holder.
err=$(timeout 60 "$OSBUILD" cache gc 2>&1 >/dev/null) || fail "gc exited $?: $err"
[ -z "$err" ] || fail "gc said something on a free lock: $err"
[[ $(cat "$cache/lock") == "pid "*"cache gc"* ]] || fail "lock file: $(cat "$cache/lock")"
echo "ok"

#!/usr/bin/env bash
# kill -9 in the middle of a download; the next run resumes with a Range request and finishes.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "drip", "chunk": 65536, "interval": 0.05}}'
serve_one big.tar 4000000
partial=$OSBUILD_CACHE_DIR/tmp/fetch/${SHA:0:64}.partial
(cd "$PROJECT" && exec "$OSBUILD" fetch) >"$WORK/out1" 2>&1 &
pid=$!
for i in $(seq 1 200); do
  size=$(stat -c %s "$partial" 2>/dev/null || echo 0)
  [ "$size" -ge 1000000 ] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
size=$(stat -c %s "$partial")
[ "$size" -gt 0 ] && [ "$size" -lt 4000000 ] || fail "no partial file to resume from ($size bytes)"

set_control '{}'
: >"$SERVER_LOG"
run_fetch
expect_ok
grep -qE "range=bytes=[1-9][0-9]*-" "$SERVER_LOG" || fail "no Range request: $(cat "$SERVER_LOG")"
offset=$(grep -oE "range=bytes=[0-9]+" "$SERVER_LOG" | head -1 | cut -d= -f3)
[ "$offset" -ge "$size" ] || fail "resumed at $offset, before the $size bytes on disk"
expect_stored big.tar
[ ! -e "$partial" ] || fail "the partial file was left"
expect_store_sound
echo ok

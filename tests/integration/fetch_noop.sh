#!/usr/bin/env bash
# A second fetch with everything present makes no request and hashes nothing; --verify re-hashes
# but still makes no request.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server
write_project "\"$BASE\""
for n in 1 2 3; do
  sha=$(make_source "f$n.tar" $((n * 10000)))
  put_lookaside "$SERVED" "f$n.tar"
  add_package "p$n" "f$n.tar" "$sha" "https://a.invalid/f$n.tar"
done
run_fetch
expect_ok
[ "$(requests)" -eq 3 ] || fail "expected 3 requests, got $(requests)"

: >"$SERVER_LOG"
GLOBAL_ARGS=(--json)
run_fetch
expect_ok
[ "$(requests)" -eq 0 ] || fail "a no-op fetch made requests: $(cat "$SERVER_LOG")"
grep -q '"event":"summary"' <<<"$OUT" || fail "no JSON summary: $OUT"
python3 - "$WORK/out" <<'PY' || fail "unexpected JSON events: $OUT"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summary = [e for e in events if e["event"] == "summary"][0]
assert summary["fetched"] == 0 and summary["present"] == 3 and summary["bytes"] == 0, summary
PY

GLOBAL_ARGS=()
run_fetch --verify
expect_ok
[ "$(requests)" -eq 0 ] || fail "--verify made requests"
expect_store_sound
echo ok

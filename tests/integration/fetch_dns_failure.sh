#!/usr/bin/env bash
# A host that does not resolve, and a port where nobody listens. The DNS case runs in a network
# namespace of its own (only a loopback that is down), so no query can leave the machine.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
sha=$(make_source a.tar 100)
write_project ''
if unshare -n true 2>/dev/null; then
  add_package a a.tar "$sha" "http://nonexistent.invalid/a.tar" "force-upstream = true"
  set +e
  (cd "$PROJECT" && unshare -n "$OSBUILD" fetch) >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  ERR=$(cat "$WORK/err")
  expect_fail
  expect_err "http://nonexistent.invalid/a.tar: Could not resolve host: nonexistent.invalid (attempt 1 of 3)"
  [ "$(grep -c 'retrying' <<<"$ERR" || true)" -eq 0 ] || fail "a DNS failure was retried"
else
  echo "note: unshare -n is not permitted here; the DNS case is skipped"
fi

# Connection refused: a port that was just free.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
add_package a a.tar "$sha" "http://127.0.0.1:$port/a.tar" "force-upstream = true"
run_fetch
expect_fail
expect_err "http://127.0.0.1:$port/a.tar: Failed to connect to 127.0.0.1 port $port"
expect_err "(attempt 3 of 3)"
expect_store_sound
echo ok

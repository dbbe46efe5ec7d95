#!/usr/bin/env bash
# A server that accepts connections and never answers: the short time-outs give up on it, the
# build succeeds locally with one warning, in a bounded time.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
python3 - "$TEST_TMP/port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
end = time.time() + 300
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
        held.append(c)  # read nothing, answer nothing
    except socket.timeout:
        pass
PY
server=$!
on_exit "kill $server 2>/dev/null"
for _ in $(seq 1 100); do [ -s "$TEST_TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TEST_TMP/port")
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package one 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo one >"$OSBUILD_DESTDIR/etc/one"'
script_package two 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo two >"$OSBUILD_DESTDIR/etc/two"' 'depends = ["one"]'
started=$(date +%s)
out=$(timeout 120 "$OSBUILD" build package two --remote-cache "http://127.0.0.1:$port/cache" 2>&1)
status=$?
took=$(($(date +%s) - started))
expect_status 0
expect_eq "$(built_list)" "one two" "built"
expect_eq "$(remote_warnings)" 1 "remote cache warnings"
expect_contains "remote cache http://127.0.0.1:$port/cache skipped: ac/"
expect_contains "; building locally"
# One request waits for the time-out (seconds), not one per package and not the 30s fetch default.
[ "$took" -lt 30 ] || fail "the build took ${took}s against a silent server"
echo "build against a silent server: ${took}s"
finish

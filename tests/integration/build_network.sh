#!/usr/bin/env bash
# A build that tries the network fails inside the sandbox, though the server is reachable outside.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v python3 >/dev/null || skip "python3 is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
python3 - "$TEST_TMP/port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(1)
deadline = time.time() + 120
while time.time() < deadline:
    try: s.accept()[0].close()
    except OSError: pass
PY
server=$!
on_exit "kill $server"
for _ in $(seq 50); do [ -s "$TEST_TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TEST_TMP/port")
connect="import socket; socket.create_connection((\"127.0.0.1\", $port), timeout=5)"
python3 -c "$connect" || fail "the test server is not reachable outside the sandbox"
script_package netcheck "python3 -c '$connect'"
run build package netcheck
expect_status 1
expect_contains "build of netcheck failed"
for sandbox in unshare; do
  OSBUILD_SANDBOX=$sandbox run build package netcheck --force --explain
  expect_status 1
  expect_contains "explain: sandbox: unshare"
  expect_contains "build of netcheck failed"
done
finish

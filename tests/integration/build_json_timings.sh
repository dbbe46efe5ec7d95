#!/usr/bin/env bash
# --json prints one event per line for CI; --timings prints the critical path and the slowest
# packages; on a terminal one status line shows done/total, what runs and the elapsed time.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package slow 'sleep 2; mkdir -p "$OSBUILD_DESTDIR/x" && echo slow >"$OSBUILD_DESTDIR/x/slow"'
script_package quick 'mkdir -p "$OSBUILD_DESTDIR/x" && echo quick >"$OSBUILD_DESTDIR/x/quick"' 'depends = ["slow"]'

json=$("$OSBUILD" --json build package quick --timings 2>"$TEST_TMP/err")
[ $? = 0 ] || fail "json build failed: $(cat "$TEST_TMP/err")"
printf '%s\n' "$json" >"$TEST_TMP/events"
python3 - "$TEST_TMP/events" <<'PY' || fail "events are not as expected: $json"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
kinds = [e["event"] for e in events]
assert all(e["schema"] == 1 and e["stage"] == "build" for e in events), events
assert kinds[0] == "start" and events[0]["packages"] == 2, kinds
assert kinds.count("started") == 2 and kinds.count("finished") == 2, kinds
fin = {e["package"]: e for e in events if e["event"] == "finished"}
assert fin["slow"]["seconds"] >= 2 and len(fin["slow"]["artifact"]) == 64, fin
timings = [e for e in events if e["event"] == "timings"][0]
assert [t["package"] for t in timings["critical_path"]] == ["slow", "quick"], timings
assert timings["slowest"][0]["package"] == "slow", timings
summary = [e for e in events if e["event"] == "summary"][0]
assert summary["built"] == 2 and summary["cached"] == 0, summary
PY

run build package quick --timings --force
expect_status 0
expect_contains "critical path"
expect_contains "slow ("
expect_contains " -> quick ("

# A terminal: `script` gives osbuild a pty; the status line is drawn on it and cleared at the end.
command -v script >/dev/null || skip "script (bsdutils) is missing"
env -u NO_COLOR TERM=xterm script -qfec "$OSBUILD build package quick --force-package slow" "$TEST_TMP/tty.log" \
  >/dev/null 2>&1 || fail "the build on a terminal failed: $(cat "$TEST_TMP/tty.log")"
grep -a -q "\[0/2\] building slow" "$TEST_TMP/tty.log" || fail "no status line: $(cat -v "$TEST_TMP/tty.log")"
grep -a -q "built slow in" "$TEST_TMP/tty.log" || fail "no line for the finished package"
finish

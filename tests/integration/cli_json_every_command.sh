#!/usr/bin/env bash
# `--json` makes every command write JSON Lines on stdout and nothing else there: one compact
# object per line, each with "schema", "stage" and "event", and snake_case keys (docs/json.md).
# Each command family runs once on a small project; every line of its stdout is parsed.
source "$OSBUILD_TESTS/integration/image_lib.bash"
release_project "$TEST_TMP/project"

# Keys under these names are data that osbuild passes on, not names it chose: the hashed inputs of
# a plan's actions, environment variables, grubenv's variables, constraint settings, a toolchain's
# identity (its hashed inputs) and a remote cache's own status.
cat >"$TEST_TMP/check.py" <<'PY'
import json, re, sys
stage, path = sys.argv[1], sys.argv[2]
OPAQUE = {"inputs", "environment", "grubenv", "target_constraints", "package_constraints",
          "identity", "status"}
SNAKE = re.compile(r"^[a-z0-9_]+$")

def keys(value, where):
    if isinstance(value, list):
        for item in value:
            keys(item, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            assert SNAKE.match(k), f"{where}: key {k!r} is not snake_case"
            if k not in OPAQUE:
                keys(v, f"{where}.{k}")

lines = open(path).read().split("\n")
assert lines[-1] == "", "stdout does not end with a newline"
events = []
for n, line in enumerate(lines[:-1], 1):
    d = json.loads(line)
    assert isinstance(d, dict), f"line {n} is not an object: {line}"
    assert d.get("schema") == 1, f"line {n}: no schema 1: {line}"
    assert isinstance(d.get("event"), str) and d["event"], f"line {n}: no event: {line}"
    if stage != "*":
        assert d.get("stage") in stage.split(","), f"line {n}: stage {d.get('stage')!r}, not {stage}: {line}"
    assert list(d)[:3] == ["schema", "stage", "event"], f"line {n}: envelope not first: {line}"
    keys(d, f"line {n}")
    events.append(d)
assert events, "no event on stdout"
json.dump(events, open(path + ".events", "w"))
PY

# json STAGES EXPECTED_STATUS ARGS...: runs `osbuild --json ARGS...`, stdout and stderr apart;
# every stdout line must be an event of one of STAGES (comma-separated, or *).
n=0
json() {
  local stages=$1 want=$2
  shift 2
  n=$((n + 1))
  "$OSBUILD" --json "$@" >"$TEST_TMP/out.$n" 2>"$TEST_TMP/err.$n"
  status=$?
  [ "$status" = "$want" ] || fail "osbuild --json $*: exit $status, not $want: $(cat "$TEST_TMP/err.$n")"
  python3 "$TEST_TMP/check.py" "$stages" "$TEST_TMP/out.$n" 2>"$TEST_TMP/py.$n" ||
    fail "osbuild --json $*: $(tail -n 1 "$TEST_TMP/py.$n")
$(head -c 2000 "$TEST_TMP/out.$n")"
}
# has EXPR: a python expression over `e`, the events of the last `json` call, must hold.
has() {
  python3 -c "import json,sys; e=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" \
    "$TEST_TMP/out.$n.events" || fail "events of call $n: not $1: $(head -c 1500 "$TEST_TMP/out.$n")"
}

json version 0 --version
has 'e[0]["event"] == "version" and e[0]["version"] and len(e) == 1'
json config 0 config show
has 'e[0]["event"] == "config" and any(s["key"] == "cache.dir" for s in e[0]["settings"])'
json plan 0 plan dev
has 'e[0]["event"] == "plan" and e[0]["variant"] == "dev" and len(e[0]["actions"]) > 0'
json fetch 0 fetch --variant dev
has 'e[-1]["event"] == "summary" and e[-1]["fetched"] == 1'
json build 0 build variant dev --explain --timings
has '[x["event"] for x in e if x["event"] in ("sandbox", "toolchain")] == ["sandbox", "toolchain"]'
has 'any(x["event"] == "timings" and "critical_path" in x for x in e)'
has 'e[-1]["event"] == "summary" and e[-1]["built"] == 4'
json build 0 build variant dev
has 'e[-1]["event"] == "summary" and e[-1]["built"] == 0'
json image 0 image dev --explain
has 'e[-1]["event"] == "summary" and e[-1]["outcome"] == "made" and e[-1]["root_hash"]'
json repo 0 repo dev
has 'e[0]["event"] == "published" and e[0]["version"] == "1.0.0"'
json repo 0 repo validate dev
has 'e[0]["event"] == "validate" and e[0]["valid"]'
json repo 0 repo check-expirations dev
json cache 0 cache stats
has 'e[0]["event"] == "stats" and e[0]["max_bytes"] > 0'
json toolchains 0 toolchains
has 'e[0]["event"] == "list" and len(e[0]["toolchains"]) > 0'
json toolchains 0 toolchains explain
has 'e[0]["event"] == "explain" and e[0]["exec_platform"]'
json doctor 0 doctor
has 'e[0]["event"] == "doctor" and len(e[0]["programs"]) > 0'
json keys 0 keys id keys/dev-root.pem
has 'e[0]["event"] == "id" and len(e[0]["keyid"]) == 64'
json root 0 root init "$TEST_TMP/root.json"
has 'e[0]["event"] == "init"'
json update 0 update
has 'e[0]["event"] == "lock" and e[0]["kits"] == []'
disk=build/images/$ARCH-dev/1.0.0/tiny-os-dev-$ARCH-1.0.0.img
json image 0 image boot-state "$disk"
has 'e[0]["event"] == "boot_state" and "boot_order" in e[0]["grubenv"]'
json image 0 image update "$disk" --repo build/repos/default --check
has 'e[0]["event"] == "update" and e[0]["result"] == "up-to-date"'
json help 0 help build
has 'e[0]["event"] == "help" and "variant" in e[0]["text"]'
json docs 0 docs man
has 'len(e) == 1 and e[0]["event"] == "document" and e[0]["format"] == "roff" and ".TH OSBUILD" in e[0]["text"]'
json docs 0 docs configuration
has 'len(e) == 1 and e[0]["format"] == "markdown" and "cache.dir" in e[0]["text"]'
json completions 0 completions bash
has 'len(e) == 1 and e[0]["shell"] == "bash" and "complete" in e[0]["text"]'
json qemu 0 qemu dev --print-command
has 'e[-1]["role"] == "qemu" and e[-1]["argv"][0].startswith("qemu-system-") and all(x["role"] == "overlay" and x["argv"][0] == "qemu-img" for x in e[:-1])'
# An interactive session has no JSON form (--timeout bounds it, should it ever start).
json qemu 2 qemu dev --timeout 5
has 'e[-1]["event"] == "error" and "--expect" in e[-1]["hint"]'

# release: each stage's events with their own stage, then exactly one summary, the last line.
json fetch,build,image,repo,release 0 release dev --force
has 'len([x for x in e if x["stage"] == "release" and x["event"] == "summary"]) == 1'
has 'e[-1]["stage"] == "release" and e[-1]["event"] == "summary" and e[-1]["result"] == "ok"'
has '[s["name"] for s in e[-1]["stages"]] == ["fetch", "build", "image", "repo"]'
has '[x["name"] for x in e if x["event"] == "stage_started"] == ["fetch", "build", "image", "repo"]'
has 'all(x["event"] != "summary" or x["stage"] in ("fetch", "build", "image", "repo", "release") for x in e)'

# An error is the stream's last event too (the message is on stderr as well).
json plan 1 plan nosuch
has 'e[-1]["event"] == "error" and "nosuch" in e[-1]["message"] and e[-1]["exit_code"] == 1'
json '*' 2 no-such-command
has 'e[-1]["event"] == "error" and e[-1]["exit_code"] == 2'
finish

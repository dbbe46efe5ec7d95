#!/usr/bin/env bash
# `kill -9` of `osbuild repo` at 50 moments (at each step of the write order, and at random
# times): after each, `repo validate` accepts the old or the new state, never a torn one, and a
# rerun succeeds; tuf-js accepts the repository along the way.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
served_repo
steps=(target before-targets targets before-snapshot snapshot before-timestamp timestamp)
ts_version() { json_get "$META/timestamp.json" 'd["signed"]["version"]'; }

for i in $(seq 1 50); do
  before=$(ts_version)
  log=$TEST_TMP/publish.$i.log
  if [ $((i % 2)) = 0 ]; then
    fake_image 1.4.0 64
    step=${steps[$(((i / 2) % ${#steps[@]}))]}
    OSBUILD_TEST_PAUSE_AT=$step "$OSBUILD" repo dev --arch $ARCH --force >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 200); do grep -q "test pause at" "$log" && break; sleep 0.05; done
    grep -q "test pause at $step" "$log" || fail "run $i never reached $step: $(cat "$log")"
  else
    fake_image 1.4.0 2048
    "$OSBUILD" repo dev --arch $ARCH --force >"$log" 2>&1 &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 400)))"
  fi
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  run repo validate dev --arch $ARCH
  [ "$status" = 0 ] || fail "run $i (${step:-random}): torn repository: $out"
  after=$(ts_version)
  [ "$after" = "$before" ] || [ "$after" = $((before + 1)) ] ||
    fail "run $i: timestamp version went from $before to $after"
  if [ $((i % 10)) = 0 ]; then
    tuf_client "c$i" roles/default.root.json
    [ "$status" = 0 ] || fail "run $i: tuf-js refused the repository: $out"
  fi
  run repo dev --arch $ARCH --force
  [ "$status" = 0 ] || fail "run $i: rerun after kill -9 failed: $out"
  step=
done
run repo validate dev --arch $ARCH
expect_status 0
tuf_client final roles/default.root.json
expect_status 0
ls "$META" "$REPO_OUT/targets" | grep -q '\.tmp\.' && fail "temporary files left after a clean run"
finish

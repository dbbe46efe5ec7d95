#!/usr/bin/env bash
# `kill -9` of `osbuild repo refresh --root` at every step of a root rotation. Before the journal
# is written the repository is the old one and nothing is pending; from then on the next refresh
# completes the rotation, whatever step the kill hit. Between the rename of 2.root.json and that
# of timestamp.json (two files cannot change at once) validate names the interrupted rotation and
# the command that completes it. After recovery, osbuild and tuf-js (holding root 1) accept root 2.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
served_repo

old_id=$("$OSBUILD" keys id keys/dev-root.pem)
"$OSBUILD" keys generate --out keys/new.pem >/dev/null || fail "keys generate"
"$OSBUILD" root init new-root.json --from roles/default.root.json >/dev/null || fail "root init"
"$OSBUILD" root remove-key new-root.json "${old_id:0:12}" >/dev/null || fail "remove-key"
"$OSBUILD" root add-key new-root.json keys/new.pem -r root -r targets -r snapshot -r timestamp \
  >/dev/null || fail "add-key"
"$OSBUILD" root sign new-root.json -k keys/new.pem -k keys/dev-root.pem >/dev/null || fail "sign"
saved=$TEST_TMP/before-rotation
mkdir -p "$saved" && cp -a build/repos build/.osbuild "$saved/"

steps=(before-journal journal before-targets targets before-snapshot snapshot before-root root
  before-timestamp timestamp)
for step in "${steps[@]}"; do
  rm -rf build/repos build/.osbuild && cp -a "$saved/repos" "$saved/.osbuild" build/
  log=$TEST_TMP/rotate.$step.log
  OSBUILD_TEST_PAUSE_AT=$step "$OSBUILD" repo refresh dev --arch $ARCH --root new-root.json \
    --key keys/new.pem >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do grep -q "test pause at" "$log" && break; sleep 0.05; done
  grep -q "test pause at $step" "$log" || fail "$step: never reached: $(cat "$log")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null

  run repo validate dev --arch $ARCH
  case $step in
    root | before-timestamp)
      # 2.root.json is there and timestamp.json is still the old one: validate says how to finish.
      expect_status 3
      expect_contains "a publish or root rotation was interrupted"
      expect_contains "\`osbuild repo refresh dev --arch $ARCH\` completes it" ;;
    timestamp)
      expect_status 0
      expect_contains "2.root.json" ;;
    *)
      [ "$status" = 0 ] || fail "$step: the old repository is not intact: $out"
      expect_not_contains "2.root.json" ;;
  esac

  if [ "$step" = before-journal ]; then
    # Nothing is pending: the old keys still sign, and the rotation can be run again.
    [ -e "$REPO_OUT/.journal/dev/$ARCH.json" ] && fail "$step: a journal was left"
    run repo refresh dev --arch $ARCH --root new-root.json --key keys/new.pem
  else
    [ -e "$REPO_OUT/.journal/dev/$ARCH.json" ] || [ $step = timestamp ] ||
      fail "$step: no journal of the unfinished rotation"
    run repo refresh dev --arch $ARCH --key keys/new.pem
    [ $step = timestamp ] || expect_contains "completing an interrupted publish of dev for $ARCH"
  fi
  [ "$status" = 0 ] || fail "$step: the next refresh did not recover: $out"
  [ -e "$REPO_OUT/.journal/dev/$ARCH.json" ] && fail "$step: the journal was left after recovery"
  run repo validate dev --arch $ARCH
  [ "$status" = 0 ] || fail "$step: invalid after recovery: $out"
  expect_contains "2.root.json"
  tuf_client "c-$step" roles/default.root.json
  [ "$status" = 0 ] || fail "$step: tuf-js refused the recovered repository: $out"
  expect_contains '"root":2'
  ls "$META" | grep -q '\.tmp\.' && fail "$step: temporary files left"
done
finish

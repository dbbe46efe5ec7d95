#!/usr/bin/env bash
# Extending a repository another producer made (tuf-js's @tufjs/models): delegated roles stay
# listed in snapshot.json at their versions, so a tuf-js client holding the state from before
# still accepts it and still finds the delegated targets; a root with consistent_snapshot false
# keeps its plain file names (targets.json, snapshot.json, targets/<name>), the only ones its
# clients read.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
[ -d "$TUF_JS_DIR/node_modules/@tufjs/models" ] || skip "@tufjs/models is not installed"
repo_project
"$OSBUILD" keys generate --out keys/dev-root.pem >/dev/null || fail "keys generate"
base=$TEST_TMP/base
cp -a "$PROJECT" "$base"

for layout in consistent plain; do
  rm -rf "$PROJECT" && cp -a "$base" "$PROJECT" && cd "$PROJECT" && mkdir -p roles || exit 1
  node "$OSBUILD_TESTS/tools/tuf_producer.mjs" --modules "$TUF_JS_DIR/node_modules" \
    --key keys/dev-root.pem --out "$REPO_OUT" --variant dev --arch $ARCH \
    --root-out roles/default.root.json --layout $layout --delegate extras >/dev/null ||
    fail "$layout: tuf_producer failed"
  serve "$REPO_OUT"
  tuf_client "cached-$layout" roles/default.root.json --also extras/extra.txt
  expect_status 0
  expect_contains '"name":"extras/extra.txt"'

  run repo dev --arch $ARCH
  expect_status 0
  if [ $layout = consistent ]; then
    snapshot=$META/2.snapshot.json
    [ -f "$META/2.targets.json" ] || fail "$layout: no 2.targets.json: $(ls "$META")"
  else
    snapshot=$META/snapshot.json
    ls "$META" | grep -q '^[0-9]*\.\(targets\|snapshot\)\.json$' &&
      fail "$layout: numbered names that plain clients never read: $(ls "$META")"
    expect_eq "$(json_get "$META/targets.json" 'd["signed"]["version"]')" "2" "plain targets.json"
    [ -f "$REPO_OUT/targets/manifest.json" ] || fail "$layout: no targets/manifest.json"
  fi
  expect_eq "$(json_get "$snapshot" 'd["signed"]["meta"]["extras.json"]["version"]')" "1" \
    "$layout: the delegated role stays listed in snapshot.json"
  expect_eq "$(json_get "$snapshot" 'd["signed"]["meta"]["targets.json"]["version"]')" "2"
  expect_eq "$(json_get "$META/timestamp.json" 'd["signed"]["version"]')" "2"

  # The client that trusted the producer's state, and a new one, accept the extension.
  tuf_client "cached-$layout" roles/default.root.json --also extras/extra.txt
  expect_status 0
  expect_contains '"timestamp":2'
  expect_contains '"name":"manifest.json"'
  expect_contains '"name":"hello.txt"'
  expect_contains '"name":"extras/extra.txt"'
  tuf_client "fresh-$layout" roles/default.root.json --also extras/extra.txt
  expect_status 0
  run repo validate dev --arch $ARCH
  expect_status 0

  # Extending again (and refreshing) keeps both.
  set_version 1.5.0
  fake_image 1.5.0
  run repo dev --arch $ARCH
  expect_status 0
  run repo refresh dev --arch $ARCH
  expect_status 0
  tuf_client "cached-$layout" roles/default.root.json --also extras/extra.txt
  expect_status 0
  expect_contains '"timestamp":4'
  expect_contains "\"name\":\"hello-os-dev-$ARCH-1.5.0-boot.ext4.lz4\""
  expect_contains '"name":"extras/extra.txt"'
  run repo validate dev --arch $ARCH
  expect_status 0
done
finish

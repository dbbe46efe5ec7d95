#!/usr/bin/env bash
# `osbuild cache stats` and `cache verify` on a store written by hand from the documented layout
# (docs/cache.md): a corrupt blob and a corrupt action result are reported, removed, exit 3.
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
command -v sha256sum >/dev/null || { echo "skipped: sha256sum is missing"; exit 125; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OSBUILD_CACHE_DIR=$work/cache HOME=$work/home
cd "$work"  # outside any project: settings come from the environment alone
cache=$OSBUILD_CACHE_DIR

fail() { echo "FAIL: $*"; exit 1; }
osbuild() { timeout 60 "$OSBUILD" "$@"; }
compact() { tr -d ' \n'; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
# cas/<first two hex digits>/<sha256 of the content>
put_blob() {
  local d; d=$(sha "$1")
  mkdir -p "$cache/cas/${d:0:2}"
  printf '%s' "$1" > "$cache/cas/${d:0:2}/$d"
  echo "$d"
}
# ac/<first two hex digits>/<key>, holding {"body":<canonical JSON>,"sha256":"<sha256 of it>"}
put_action() {
  mkdir -p "$cache/ac/${1:0:2}"
  printf '{"body":%s,"sha256":"%s"}' "$2" "$(sha "$2")" > "$cache/ac/${1:0:2}/$1"
}

good=$(put_blob "hello from the store")
bad=$(put_blob "this blob will be damaged")
good_key=$(sha "action one")
bad_key=$(sha "action two")
put_action "$good_key" "{\"outputs\":[{\"digest\":\"$good\",\"mode\":420,\"path\":\"etc/motd\",\"size\":20}]}"
put_action "$bad_key" "{\"outputs\":[{\"digest\":\"$bad\",\"mode\":420,\"path\":\"etc/issue\",\"size\":25}]}"

# Sizes are what the entries take on disk (allocated blocks, as `du` counts).
on_disk() { local f t=0; for f in "$@"; do t=$((t + $(stat -c %b "$f") * $(stat -c %B "$f"))); done; echo $t; }
cas_bytes=$(on_disk "$cache"/cas/*/*)
ac_bytes=$(on_disk "$cache"/ac/*/*)
stats=$(osbuild cache stats --json | compact)
[[ $stats == *"\"cas\":{\"bytes\":$cas_bytes,\"entries\":2}"* ]] || fail "cas stats: $stats"
[[ $stats == *"\"ac\":{\"bytes\":$ac_bytes,\"entries\":2}"* ]] || fail "ac stats: $stats"
[[ $stats == *"\"dir\":\"$cache\""* ]] || fail "cache dir: $stats"

# An intact store verifies with exit 0.
out=$(osbuild cache verify) || fail "verify of an intact store exited $?: $out"
[[ $out == *"checked 4 entries"*", 0 corrupt"* ]] || fail "verify output: $out"

# Damage one byte of a blob and of an action result's body.
chmod u+w "$cache/cas/${bad:0:2}/$bad"
printf 'T' | dd of="$cache/cas/${bad:0:2}/$bad" bs=1 seek=0 conv=notrunc status=none
sed -i 's/etc\/issue/etc\/issuf/' "$cache/ac/${bad_key:0:2}/$bad_key"
actual=$(sha "This blob will be damaged")

set +e
out=$(osbuild cache verify 2>&1)
status=$?
set -e
[ "$status" = 3 ] || fail "verify of a damaged store exited $status, expected 3: $out"
[[ $out == *"cas/$bad: content hashes to $actual, removed"* ]] || fail "blob not reported: $out"
[[ $out == *"ac/$bad_key: content hashes to "*", removed"* ]] || fail "action not reported: $out"
[[ $out == *"checked 4 entries"*", 2 corrupt"* ]] || fail "summary: $out"
[ ! -e "$cache/cas/${bad:0:2}/$bad" ] || fail "the corrupt blob is still there"
[ ! -e "$cache/ac/${bad_key:0:2}/$bad_key" ] || fail "the corrupt action result is still there"
[ -e "$cache/cas/${good:0:2}/$good" ] || fail "the good blob was removed"

# Removed once, the store is clean again; --json says so.
out=$(osbuild cache verify --json | compact) || fail "second verify exited $?"
[[ $out == *'"checked":2'* && $out == *'"removed":[]'* ]] || fail "second verify: $out"
stats=$(osbuild cache stats --json | compact)
[[ $stats == *"\"cas\":{\"bytes\":$(on_disk "$cache/cas/${good:0:2}/$good"),\"entries\":1}"* ]] ||
  fail "stats after verify: $stats"
echo "ok"

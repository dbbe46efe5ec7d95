#!/usr/bin/env bash
# `osbuild cache gc` evicts least recently used entries (by atime, which reads set) down to
# --max-size or cache.max-size, counting what each entry takes on disk (allocated blocks), and
# removes temporary files older than an hour.
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
command -v sha256sum >/dev/null || { echo "skipped: sha256sum is missing"; exit 125; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OSBUILD_CACHE_DIR=$work/cache HOME=$work/home
cd "$work"
cache=$OSBUILD_CACHE_DIR

fail() { echo "FAIL: $*"; exit 1; }
osbuild() { timeout 60 "$OSBUILD" "$@"; }
compact() { tr -d ' \n'; }
# A 1000-byte blob of one repeated letter, last used at the given date; prints its path.
put_blob() {
  local data d
  data=$(head -c 1000 /dev/zero | tr '\0' "$1")
  d=$(printf '%s' "$data" | sha256sum | cut -d' ' -f1)
  mkdir -p "$cache/cas/${d:0:2}"
  printf '%s' "$data" > "$cache/cas/${d:0:2}/$d"
  touch -a -d "$2" "$cache/cas/${d:0:2}/$d"
  echo "$cache/cas/${d:0:2}/$d"
}

b=$(put_blob b "2020-01-01 00:00:00")
key=$(printf 'some action' | sha256sum | cut -d' ' -f1)
body='{"outputs":[]}'
mkdir -p "$cache/ac/${key:0:2}"
action=$cache/ac/${key:0:2}/$key
printf '{"body":%s,"sha256":"%s"}' "$body" "$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)" > "$action"
touch -a -d "2020-01-02 00:00:00" "$action"
d=$(put_blob d "2020-01-03 00:00:00")
a=$(put_blob a "2020-01-04 00:00:00")
c=$(put_blob c "2020-01-05 00:00:00")
echo "interrupted" > "$cache/cas/incoming.tmp.AbC123"
touch -d "2 hours ago" "$cache/cas/incoming.tmp.AbC123"
echo "in progress" > "$cache/cas/incoming.tmp.DeF456"

# Every entry here takes one file system block or a few: sizes are what `du` counts.
on_disk() { echo $(($(stat -c %b "$1") * $(stat -c %B "$1"))); }
keep=$(($(on_disk "$a") + $(on_disk "$c")))
limit=$((keep + $(on_disk "$a") / 2))
out=$(osbuild cache gc --max-size "$limit" --json | compact) || fail "gc exited $?"
[[ $out == *'"removed_entries":3'* ]] || fail "removed entries: $out"
[[ $out == *'"removed_temp_files":1'* ]] || fail "removed temp files: $out"
[[ $out == *"\"remaining_bytes\":$keep"* && $out == *"\"max_bytes\":$limit"* ]] || fail "sizes: $out"
for gone in "$b" "$action" "$d" "$cache/cas/incoming.tmp.AbC123"; do
  [ ! -e "$gone" ] || fail "$gone should have been removed"
done
for kept in "$a" "$c" "$cache/cas/incoming.tmp.DeF456"; do
  [ -e "$kept" ] || fail "$kept should have been kept"
done

# Without --max-size, cache.max-size applies (here from the environment); 'a' is older than 'c'.
c_size=$(on_disk "$c")
out=$(OSBUILD_CACHE_MAX_SIZE="$c_size B" osbuild cache gc) || fail "gc exited $?"
[[ $out == "removed 1 entry ("*") "*" left of "* ]] || fail "gc output: $out"
[ ! -e "$a" ] && [ -e "$c" ] || fail "gc removed the wrong entry"

set +e
out=$(osbuild cache gc --max-size "ten gigs" 2>&1)
status=$?
set -e
[ "$status" = 2 ] || fail "a bad --max-size exited $status, expected 2: $out"
[[ $out == *"invalid size 'ten gigs'"* ]] || fail "bad --max-size message: $out"
echo "ok"

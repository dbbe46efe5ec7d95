#!/usr/bin/env bash
# The no-op fast path: a rebuild that finds its stamp intact stops before loading the project,
# and every change the full path would notice sends it down the full path instead.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package base 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && cat "$(dirname "$0")/base.txt" >"$OSBUILD_DESTDIR/usr/share/base"'
echo one >packages/base/base.txt
script_package top 'mkdir -p "$OSBUILD_DESTDIR/usr/share" && cp "$OSBUILD_SYSROOT/usr/share/base" "$OSBUILD_DESTDIR/usr/share/top"' 'depends = ["base"]'
mkdir -p variants/all
printf '[variant]\nincluded-packages = ["top"]\n' >variants/all/variant.toml
mkdir -p "$TEST_TMP/bin"
export PATH="$TEST_TMP/bin:$PATH"
stamp_line="nothing changed since the build that wrote"

# fast WHY: the next build takes the fast path; slow WHY: it takes the full path.
fast() {
  run -v build variant all
  expect_status 0
  expect_contains "$stamp_line"
  expect_contains "nothing to do: 2 packages up to date"
  [ "$(built_count)" = 0 ] || fail "$1: built $(built_list)"
}
slow() {
  run -v build variant all
  expect_status 0
  case "$out" in *"$stamp_line"*) fail "$1: took the fast path: $out" ;; esac
}

run build variant all
expect_status 0
expect_eq "$(built_list)" "base top" "first build"
fast "rerun"
run -v build variant all -j1
expect_contains "$stamp_line"

# Touched but unchanged: the full path finds everything cached, then the stamp holds again.
touch packages/base/base.txt
slow "touched source"
expect_contains "nothing to do: 2 packages up to date"
fast "after the touched source was seen"

# A changed file rebuilds what sees it.
echo two >packages/base/base.txt
slow "edited source"
expect_eq "$(built_list)" "base top" "edited source"
fast "after the edit"

# A new file in a package folder, a new folder, Release.toml / osbuild.toml edits.
echo note >packages/top/README
slow "new file"
mkdir packages/top/docs
slow "new folder"
printf '\n# a comment\n' >>osbuild.toml
slow "osbuild.toml edited"
fast "after osbuild.toml"

# What the build left: a package folder removed, a store blob removed, the variant record.
rm -rf build/packages/*/top
slow "package folder removed"
[ -d build/packages/x86_64/top ] || [ -d build/packages/aarch64/top ] || fail "top not restored"
fast "after restoring the folder"
rm -f build/.osbuild/variants/*/all.json
slow "variant record removed"
[ -n "$(ls build/.osbuild/variants/*/all.json 2>/dev/null)" ] || fail "variant record not rewritten"
# The store's blobs: one stat of its removals marker stands for all of them, and the store moves
# it around every removal (cache gc, cache verify, a corrupt entry dropped on read).
digest=$(cat build/.osbuild/state/*/top.artifact)
digest=${digest#sha256:}
blob() { find "$OSBUILD_CACHE_DIR/cas" -type f -name "$digest"; }
[ -n "$(blob)" ] || fail "no store blob for top's artifact $digest"
run cache gc --max-size 0
expect_status 0
[ -z "$(blob)" ] || fail "cache gc --max-size 0 left top's artifact"
slow "cache gc emptied the store"
[ -n "$(blob)" ] || fail "top's artifact was not restored after cache gc"
fast "after the blobs came back"
chmod u+w "$(blob)" && printf 'damage' >>"$(blob)"
run cache verify
expect_status 3
slow "cache verify removed a corrupt blob"
[ -n "$(blob)" ] || fail "top's artifact was not restored after cache verify"
fast "after the corrupt blob was replaced"

# Another osbuild binary (an installed one beside a fresh build) never takes this one's stamp.
cp "$OSBUILD" "$TEST_TMP/bin/osbuild-other"
OSBUILD=$TEST_TMP/bin/osbuild-other slow "another osbuild binary"
OSBUILD=$TEST_TMP/bin/osbuild-other fast "the other binary's own stamp"
rm -f "$TEST_TMP/bin/osbuild-other"
slow "a binary removed from a PATH folder"
fast "after the PATH folder was seen"

# The environment the build passes on and the programs it may pick.
SOURCE_DATE_EPOCH=1700000001 run -v build variant all
case "$out" in *"$stamp_line"*) fail "SOURCE_DATE_EPOCH change took the fast path" ;; esac
expect_eq "$(built_list)" "base top" "new SOURCE_DATE_EPOCH"
: >"$TEST_TMP/bin/aarch64-linux-gnu-gcc-99" && chmod +x "$TEST_TMP/bin/aarch64-linux-gnu-gcc-99"
slow "a program added to a PATH folder"
fast "after PATH was seen"

# The fast path loads none of the libraries bound on first use (src/util/lazy_library.h):
# loading libcurl, libarchive and libgit2 with their dependencies would triple its cost.
loaded=$(LD_DEBUG=files "$OSBUILD" build variant all 2>&1 >/dev/null |
  grep -oE "file=lib(curl|archive|git2)[^ ]*" | sort -u | paste -sd' ')
[ -z "$loaded" ] || fail "the fast path loaded $loaded"
LD_DEBUG=files "$OSBUILD" --version 2>&1 >/dev/null | grep -q "file=libcurl" ||
  fail "LD_DEBUG=files shows no library loads: the check above proves nothing"

# Flags that ask for more than the summary always take the full path.
run -v build variant all --explain
case "$out" in *"$stamp_line"*) fail "--explain took the fast path" ;; esac
expect_contains "explain: base: up to date"
run -v --json build variant all
case "$out" in *"$stamp_line"*) fail "--json took the fast path" ;; esac
run -q build variant all
expect_eq "$out" "" "quiet fast path"

# A damaged stamp is a miss, never an error.
for f in build/.osbuild/noop/*/variant-all-*; do printf 'garbage\n' >"$f"; done
slow "damaged stamp"
fast "after the damaged stamp"
finish

#!/usr/bin/env bash
# `osbuild plan V` marks each action cached or not, in text and --json, by looking its key up in
# the local store: nothing is fetched or built by the plan, and after a fetch and a build the
# marks follow what the store holds, with the build stage's own keys.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package base 'mkdir -p "$OSBUILD_DESTDIR"; echo base >"$OSBUILD_DESTDIR/base"'
script_package app 'mkdir -p "$OSBUILD_DESTDIR"; echo app >"$OSBUILD_DESTDIR/app"' 'depends = ["base"]'
printf 'the sources of base\n' >"$TEST_TMP/base.txt"
add_archive base "$TEST_TMP/base.txt"
mkdir -p variants/dev
printf '[variant]\nincluded-packages = ["app"]\n' >variants/dev/variant.toml

# marks: "kind name mark" per action, from --json (true, false or null).
marks() {
  "$OSBUILD" plan dev --json | python3 -c '
import json, sys
for a in json.load(sys.stdin)["actions"]:
    print(a["kind"], a["name"], {True: "cached", False: "runs", None: "-"}[a["cached"]])' |
    tr '\n' ',' | sed 's/,$//'
}

expect_eq "$(marks)" "fetch base.txt runs,build base runs,build app runs,image dev runs,repo dev -" \
  "nothing fetched or built"
run plan dev
expect_status 0
expect_contains "; 0 cached"
expect_contains "fetch  runs    base.txt"
expect_contains "build  runs    app"
[ -e "$OSBUILD_CACHE_DIR" ] && [ -n "$(find "$OSBUILD_CACHE_DIR" -type f -path '*cas*' 2>/dev/null)" ] &&
  fail "plan put something into the store"

run fetch
expect_status 0
expect_eq "$(marks)" "fetch base.txt cached,build base runs,build app runs,image dev runs,repo dev -" \
  "after fetch"

run build variant dev
expect_status 0
expect_eq "$(marks)" "fetch base.txt cached,build base cached,build app cached,image dev -,repo dev -" \
  "after build"
run plan dev
expect_contains "; 3 cached"
expect_contains "build  cached  base"
expect_contains "  -: not looked up"

# A changed package runs again; its dependency stays cached.
echo 'echo changed' >>packages/app/build.sh
expect_eq "$(marks)" "fetch base.txt cached,build base cached,build app runs,image dev runs,repo dev -" \
  "after a change to app"
finish

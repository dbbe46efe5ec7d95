#!/usr/bin/env bash
# A patch that does not apply names the patch, the file and the hunk that failed.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
mkdir -p "$TEST_TMP/src/tool-1.0"
printf 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n' >"$TEST_TMP/src/tool-1.0/a.txt"
tar -C "$TEST_TMP/src" -czf "$TEST_TMP/tool-1.0.tar.gz" tool-1.0
script_package tool 'cat a.txt >/dev/null'
sed -i 's/^\[build\]$/[build]\npatches = ["0001-good.patch", "0002-stale.patch"]/' \
  "$PROJECT/packages/tool/package.toml"
add_archive tool "$TEST_TMP/tool-1.0.tar.gz"
cat >"$PROJECT/packages/tool/0001-good.patch" <<'PATCH'
--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
PATCH
cat >"$PROJECT/packages/tool/0002-stale.patch" <<'PATCH'
--- a/a.txt
+++ b/a.txt
@@ -4,3 +4,3 @@
 four
-FIVE-in-an-older-version
+5
 six
PATCH
run fetch
expect_status 0
run build package tool
expect_status 1
expect_contains "build of tool (patch 0002-stale.patch) failed"
expect_contains "patch 0002-stale.patch does not apply: hunk #1 of a.txt (at line 4)"
expect_contains "refresh the patch"
expect_not_contains "0001-good.patch does not apply"
finish

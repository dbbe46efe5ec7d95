#!/usr/bin/env bash
# `[[build.step]]` chains are cached step by step: changing a file only a later step reads reuses
# the earlier steps' results (cargo-chef's recipe), with the new sources overlaid on them.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1

# tarball VERSION MESSAGE: app.tar.gz holding lib.c (the "dependency") and main.c.
tarball() {
  rm -rf "$TEST_TMP/app-src" && mkdir -p "$TEST_TMP/app-src/app-$1"
  cat >"$TEST_TMP/app-src/app-$1/lib.c" <<'C'
int lib_value(void) { return 42; }
C
  cat >"$TEST_TMP/app-src/app-$1/main.c" <<C
#include <stdio.h>
int lib_value(void);
int main(void) { printf("$2 %d\\n", lib_value()); return 0; }
C
  tar -C "$TEST_TMP/app-src" -czf "$TEST_TMP/app.tar.gz" "app-$1"
}

# package_with_steps: the package.toml of `app`, with the archive's current sha512.
package_with_steps() {
  mkdir -p "$PROJECT/packages/app"
  cat >"$PROJECT/packages/app/package.toml" <<'TOML'
[package]
name = "app"
version = "1.0.0"
license = "MIT"

[build]
system = "script"

[[build.step]]
name = "deps"
inputs = ["lib.c"]
run = "$CC -c lib.c -o lib.o && echo deps-ran >> steps.log"

[[build.step]]
name = "compile"
run = "$CC main.c lib.o -o app && install -D -m 0755 app $OSBUILD_DESTDIR/usr/bin/app && install -D -m 0644 steps.log $OSBUILD_DESTDIR/usr/share/app/steps.log"
TOML
  rm -rf "$PROJECT/lookaside"/*
  add_archive app "$TEST_TMP/app.tar.gz"
}

tarball 1 hello
package_with_steps
run fetch
expect_status 0
run build package app
expect_status 0
expect_contains "steps: deps ran, compile ran"
expect_eq "$("$PROJECT/build/packages/$(uname -m)/app/usr/bin/app")" "hello 42" "first build"

# main.c changes: the deps step is reused (its lib.o restored), compile runs on the new main.c.
tarball 1 goodbye
package_with_steps
run fetch
run build package app
expect_status 0
expect_contains "steps: deps reused, compile ran"
expect_eq "$("$PROJECT/build/packages/$(uname -m)/app/usr/bin/app")" "goodbye 42" "after a main.c edit"
expect_eq "$(cat "$PROJECT/build/packages/$(uname -m)/app/usr/share/app/steps.log")" "deps-ran" \
  "the deps step ran once"
grep -q "# step deps: reused" "$PROJECT/build/logs/$(uname -m)/app.log" ||
  fail "the log does not say the deps step was reused"

# lib.c changes: every step runs again.
sed -i 's/return 42/return 7/' "$TEST_TMP/app-src/app-1/lib.c"
tar -C "$TEST_TMP/app-src" -czf "$TEST_TMP/app.tar.gz" app-1
package_with_steps
run fetch
run build package app
expect_status 0
expect_contains "steps: deps ran, compile ran"
expect_eq "$("$PROJECT/build/packages/$(uname -m)/app/usr/bin/app")" "goodbye 7" "after a lib.c edit"

# A declared input that matches nothing is an error naming the step and the file.
sed -i 's/inputs = \["lib.c"\]/inputs = ["lib.cc"]/' "$PROJECT/packages/app/package.toml"
run build package app
expect_status 1
expect_contains "packages/app/package.toml:"
expect_contains "step 'deps' declares input 'lib.cc', which matches no file in the unpacked sources"
finish

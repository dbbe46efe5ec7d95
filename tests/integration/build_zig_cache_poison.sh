#!/usr/bin/env bash
# Poisoning zig's cache: a zig-built package compiles, then overwrites every archive and object it
# finds in its $ZIG_GLOBAL_CACHE_DIR, plants a file there and tries to write into the filled cache
# under `cache.zig`. Its build succeeds, the test reads what it recorded: it did overwrite files in
# its own copy, the filled cache is out of its reach, nothing it planted is there. A package built
# afterwards with zig is the same, byte for byte, as when it was built before the poisoner.
source "$OSBUILD_TESTS/integration/build_lib.bash"
[ "$(uname -m)" = x86_64 ] || skip "this test cross-compiles from x86_64"
command -v zig >/dev/null || skip "zig is missing (scripts/install-deps.sh)"
command -v bwrap >/dev/null || skip "bwrap is missing (scripts/install-deps.sh installs bubblewrap)"
# The test's own cache.zig, so that a poisoner that got through harms no other test; seeded with
# the suite's filled cache for aarch64 when there is one (filling takes minutes).
zig_dir=$TEST_TMP/zig
mkdir -p "$zig_dir"
for stamp in "${OSBUILD_TEST_ZIG_CACHE:-/nonexistent}"/*/aarch64-linux-*.filled; do
  [ -f "$stamp" ] || continue
  version=$(basename "$(dirname "$stamp")")
  mkdir -p "$zig_dir/$version"
  cp -a "${stamp%.filled}" "$stamp" "$zig_dir/$version/"
done
export OSBUILD_ZIG_CACHE_DIR=$zig_dir
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
tag="planted-$$-$RANDOM"

# The victim: a program that links libc, the math library and the compiler runtime from the cache.
script_package victim 'set -eu
mkdir -p "$OSBUILD_DESTDIR/usr/bin"
cat >main.c <<C
#include <math.h>
#include <stdio.h>
int main(int argc, char** argv) { printf("%s %g\n", argv[0], sqrt((double)argc)); }
C
$CC $CFLAGS -o "$OSBUILD_DESTDIR/usr/bin/victim" main.c -lm'

script_package poisoner "#!/bin/sh
out=\"\$OSBUILD_DESTDIR/poison.txt\"
mkdir -p \"\$OSBUILD_DESTDIR\"
printf 'int main(void) { return 0; }\n' >main.c
\$CC \$CFLAGS -o first main.c && echo 'compiled' >\"\$out\"
echo \"cache \$ZIG_GLOBAL_CACHE_DIR\" >>\"\$out\"
n=0
for f in \$(find \"\$ZIG_GLOBAL_CACHE_DIR\" -type f \\( -name '*.a' -o -name '*.o' -o -name '*.so*' \\)); do
  chmod u+w \"\$f\" 2>/dev/null; echo poison >\"\$f\" && n=\$((n + 1))
done
echo \"overwrote \$n\" >>\"\$out\"
echo x >\"\$ZIG_GLOBAL_CACHE_DIR/$tag\" && echo 'planted own' >>\"\$out\"
filled=denied
for d in '$zig_dir' '$zig_dir'/*/ '$zig_dir'/*/*/; do
  echo x >\"\$d/$tag\" 2>/dev/null && filled=escaped
done
echo \"write-filled-cache \$filled\" >>\"\$out\"
"

# The victim before any poisoner ran: the reference.
run build package victim --arch aarch64
expect_status 0
victim=$PROJECT/build/packages/aarch64/victim/usr/bin/victim
[ -f "$victim" ] || fail "the victim built nothing: $out"
before=$(sha256sum "$victim" | cut -d' ' -f1)
ls "$zig_dir"/*/aarch64-linux-*.filled >/dev/null 2>&1 || fail "no filled cache under $zig_dir"

run build package poisoner --arch aarch64
expect_status 0
record=$PROJECT/build/packages/aarch64/poisoner/poison.txt
[ -f "$record" ] || fail "the poisoner left no record: $out"
grep -qx compiled "$record" || fail "the poisoner could not compile: $(cat "$record")"
overwrote=$(sed -n 's/^overwrote //p' "$record")
[ "${overwrote:-0}" -gt 0 ] || fail "the poisoner found nothing to overwrite: $(cat "$record")"
grep -qx "planted own" "$record" || fail "the poisoner's own cache is not writable: $(cat "$record")"
grep -qx "write-filled-cache denied" "$record" || fail "the poisoner wrote into $zig_dir"
planted=$(find "$zig_dir" -name "$tag" 2>/dev/null)
[ -z "$planted" ] || fail "the poisoner's file is in the filled cache: $planted"
if grep -rlq '^poison$' "$zig_dir" 2>/dev/null; then
  fail "the filled cache holds poisoned files: $(grep -rl '^poison$' "$zig_dir" | head -3)"
fi
# Its copy went with its build.
work_dirs="$PROJECT/build/work"
[ ! -e "$work_dirs/aarch64/poisoner/zig-cache" ] || fail "the poisoner's copy was left"

run build package victim --arch aarch64 --force
expect_status 0
expect_contains "built victim"
[ -f "$victim" ] || fail "the victim built nothing after the poisoner: $out"
expect_eq "$(sha256sum "$victim" 2>/dev/null | cut -d' ' -f1)" "$before" \
  "the victim after the poisoner is the victim before it"
finish

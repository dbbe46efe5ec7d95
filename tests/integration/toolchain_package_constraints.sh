#!/usr/bin/env bash
# build.constraint-values: one package of a variant builds with Debian's cross gcc
# (compiler:gcc) while the others keep zig, each compiling a real program for aarch64; each
# package's key carries its own toolchain; explain --package says why zig was rejected; a bad
# value fails at its file:line.
source "$OSBUILD_TESTS/integration/build_lib.bash"
[ "$(uname -m)" = x86_64 ] || skip "this test cross-compiles from x86_64"
command -v zig >/dev/null || skip "zig is missing (scripts/install-deps.sh)"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
# Each package records the toolchain it saw and compiles a static program with it.
builds='set -eu
mkdir -p "$OSBUILD_DESTDIR/etc" "$OSBUILD_DESTDIR/usr/bin"
printf "%s %s\n" "$OSBUILD_TOOLCHAIN" "$CC" >"$OSBUILD_DESTDIR/etc/toolchain-$OSBUILD_PACKAGE_NAME"
printf "int main(void) { return 0; }\n" >main.c
$CC -static -o "$OSBUILD_DESTDIR/usr/bin/$OSBUILD_PACKAGE_NAME" main.c'
script_package with-gcc "$builds"
script_package with-zig "$builds"
sed -i 's/^\[build\]$/[build]\nconstraint-values = ["compiler:gcc"]/' packages/with-gcc/package.toml
mkdir -p variants/dev
printf '[variant]\nincluded-packages = ["with-gcc", "with-zig"]\n' >variants/dev/variant.toml

run build variant dev --arch aarch64 --explain
expect_status 0
expect_eq "$(built_list)" "with-gcc with-zig" "both packages built"
expect_contains "explain: toolchain: zig-aarch64-linux-gnu"
expect_contains "explain: toolchain: gcc-aarch64-linux-gnu"
pkgs=$PROJECT/build/packages/aarch64
expect_eq "$(cat "$pkgs/with-gcc/etc/toolchain-with-gcc")" \
  "gcc-aarch64-linux-gnu $(command -v aarch64-linux-gnu-gcc)" "with-gcc saw the cross gcc"
case "$(cat "$pkgs/with-zig/etc/toolchain-with-zig")" in
  "zig-aarch64-linux-gnu "*/osbuild-cc) ;;
  *) fail "with-zig should see zig's wrapper: $(cat "$pkgs/with-zig/etc/toolchain-with-zig")" ;;
esac
for p in with-gcc with-zig; do
  file -b "$pkgs/$p/usr/bin/$p" | grep -q 'ARM aarch64' || fail "$p: $(file -b "$pkgs/$p/usr/bin/$p")"
done
# One tool dir per resolved toolchain.
[ -f build/.osbuild/tools/aarch64/gcc-aarch64-linux-gnu/toolchain.env ] || fail "no gcc tool dir"
[ -f build/.osbuild/tools/aarch64/zig-aarch64-linux-gnu/toolchain.env ] || fail "no zig tool dir"

# The resolved toolchain is in each package's key: the inputs recorded with it name it.
python3 - build/.osbuild/state/aarch64 <<'PY' || fail "the build keys do not carry each package's toolchain"
import json, sys
for pkg, want in (("with-gcc", "gcc-aarch64-linux-gnu"), ("with-zig", "zig-aarch64-linux-gnu")):
    tc = json.load(open(f"{sys.argv[1]}/{pkg}.json"))["inputs"]["toolchain"]
    assert tc["name"] == want, (pkg, tc["name"])
    assert ("compiler" in tc["target_constraints"]) == (pkg == "with-gcc"), tc
PY

run build variant dev --arch aarch64
expect_contains "nothing to do: 2 packages up to date"

run toolchains explain --arch aarch64 --package with-gcc
expect_status 0
expect_contains "rejected (package with-gcc wants compiler:gcc): zig"
expect_contains "selected gcc-aarch64-linux-gnu for target platform linux-aarch64"

sed -i 's/compiler:gcc/compiler:gnu/' packages/with-gcc/package.toml
run build variant dev --arch aarch64
expect_status 1
expect_contains "packages/with-gcc/package.toml:8:22: unknown constraint value 'compiler:gnu'"
finish

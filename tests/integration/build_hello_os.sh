#!/usr/bin/env bash
# `build variant dev` on a copy of examples/hello-os: the binaries run; a rerun builds nothing; a
# release version bump rebuilds only os-release; a one-file edit of sources/hello-agent rebuilds
# exactly hello-agent.
source "$OSBUILD_TESTS/integration/build_lib.bash"
setup_hello_os

run build variant dev --explain
expect_status 0
expect_contains "explain: sandbox:"
expect_contains "explain: zlib: no cached result"
expect_eq "$(built_count)" 5 "first build"
pkgs=$PROJECT/build/packages/$(uname -m)
head -c 100000 "$pkgs/zlib/usr/include/zlib.h" >"$TEST_TMP/sample"
"$pkgs/zlib/usr/bin/minigzip" <"$TEST_TMP/sample" | "$pkgs/zlib/usr/bin/minigzip" -d | cmp - "$TEST_TMP/sample" ||
  fail "minigzip round trip"
expect_eq "$("$pkgs/lua/usr/bin/lua" -e 'print(1+1)')" 2 "lua -e"
"$pkgs/hello-agent/usr/bin/hello-agent" --selftest | grep -q ok || fail "hello-agent --selftest"
# The project's platforms say libc:musl: zig's musl toolchain links the userland statically.
for f in init/sbin/init hello-agent/usr/bin/hello-agent lua/usr/bin/lua; do
  file -b "$pkgs/$f" | grep -q 'statically linked' || fail "$f is not static: $(file -b "$pkgs/$f")"
done
grep -q 'VERSION_ID=1.4.0' "$pkgs/os-release/usr/lib/os-release" || fail "os-release content"
[ -L "$pkgs/os-release/etc/os-release" ] || fail "os-release symlink kept"
[ -s "$PROJECT/build/logs/$(uname -m)/zlib.log" ] || fail "no zlib log"
# The record the image stage reads: every package with its artifact, in the store.
python3 - "$PROJECT/build/.osbuild/variants/$(uname -m)/dev.json" "$OSBUILD_CACHE_DIR" <<'PY' ||
import json, os, sys
record = json.load(open(sys.argv[1]))
assert record["variant"] == "dev" and record["release-version"] == "1.4.0", record
names = sorted(p["name"] for p in record["packages"])
assert names == ["hello-agent", "init", "lua", "os-release", "zlib"], names
for p in record["packages"]:
    a = p["artifact"]
    assert os.path.exists(os.path.join(sys.argv[2], "cas", a[:2], a)), p
zlib = [p for p in record["packages"] if p["name"] == "zlib"][0]
assert zlib["sources"][0]["sha512"] and zlib["license"], zlib
PY
  fail "the variant record is not as expected"

run build variant dev
expect_status 0
expect_contains "nothing to do: 5 packages up to date"

# A release version bump: only os-release sees it.
sed -i 's/^release-version = "1.4.0"/release-version = "1.4.1"/' "$PROJECT/osbuild.toml"
sed -i 's/^version = "1.4.0"/version = "1.4.1"/' "$PROJECT/Release.toml"
printf '"(1.4.0, 1.4.1)" = []\n' >>"$PROJECT/Release.toml"
run build variant dev --explain
expect_status 0
expect_eq "$(built_list)" "os-release" "packages rebuilt after a version bump"
expect_contains "explain: os-release: release changed"
grep -q 'VERSION_ID=1.4.1' "$pkgs/os-release/usr/lib/os-release" || fail "os-release not updated"

# A one-file edit: exactly hello-agent.
printf '/* edited */\n' >>"$PROJECT/sources/hello-agent/hello-agent.c"
run build variant dev --explain
expect_status 0
expect_eq "$(built_list)" "hello-agent" "packages rebuilt after editing hello-agent.c"
expect_contains "explain: hello-agent: source-groups changed"

run build variant dev
expect_contains "nothing to do"
finish

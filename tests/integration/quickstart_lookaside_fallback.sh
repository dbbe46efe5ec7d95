#!/usr/bin/env bash
# examples/fill-lookaside.sh against a Debian-style source mirror on 127.0.0.1 that, like a real
# one after a security update, lists versions whose files it no longer serves (404) or whose
# tarball differs from the pinned one: it falls back to an older version that has the pinned file,
# downloads each source package once per version tried, fails naming what it tried when no version
# matches, and is silent when everything is in place. apt runs on a private configuration
# (APT_CONFIG, and FILL_LOOKASIDE_APT_OPTIONS on top of it), so the machine's apt state is never
# read or written.
. "$(dirname "$0")/lib.bash"
for tool in apt-get apt-cache dpkg-source dpkg-scansources python3; do
  command -v "$tool" >/dev/null || skip "$tool is missing"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY FILL_LOOKASIDE_APT_OPTIONS
export no_proxy='*'
script=$OSBUILD_SOURCE_DIR/examples/fill-lookaside.sh
repo=$TEST_TMP/mirror

# ---- fake Debian source packages ----------------------------------------------------------------
# orig_tarball NAME FILE SEED: a small upstream tarball NAME/README whose content depends on SEED.
orig_tarball() {
  local src=$TEST_TMP/orig-src/$3
  mkdir -p "$src/$1" "$TEST_TMP/orig"
  printf '%s upstream, %s\n' "$1" "$3" >"$src/$1/README"
  tar -C "$src" --sort=name --owner=0 --group=0 --mtime=@0 -czf "$TEST_TMP/orig/$2" "$1"
}

# source_package NAME VERSION POOL ORIG [COMPONENT_TARBALL]: a 3.0 (quilt) source package built
# by dpkg-source from the given orig tarball(s), its files placed in $repo/POOL.
source_package() {
  local name=$1 version=$2 pool=$3 orig=$4 component=${5:-} upstream=${2%-*}
  local work=$TEST_TMP/build/$name-$version tree
  tree=$work/$name-$upstream
  mkdir -p "$work"
  cp "$TEST_TMP/orig/$orig" "$work/${name}_$upstream.orig.tar.gz"
  tar -C "$work" -xzf "$work/${name}_$upstream.orig.tar.gz"
  mv "$work/$name" "$tree"
  if [ -n "$component" ]; then
    cp "$TEST_TMP/orig/$component" "$work/${name}_$upstream.orig-docs.tar.gz"
    mkdir -p "$tree/docs"
    tar -C "$tree/docs" --strip-components=1 -xzf "$work/${name}_$upstream.orig-docs.tar.gz"
  fi
  mkdir -p "$tree/debian/source"
  echo '3.0 (quilt)' >"$tree/debian/source/format"
  printf 'Source: %s\nSection: misc\nPriority: optional\nMaintainer: Test <test@localhost>\nStandards-Version: 4.6.2\n\nPackage: %s\nArchitecture: all\nDescription: test package\n test package\n' \
    "$name" "$name" >"$tree/debian/control"
  printf '%s (%s) bookworm; urgency=medium\n\n  * Test.\n\n -- Test <test@localhost>  Mon, 01 Jan 2024 00:00:00 +0000\n' \
    "$name" "$version" >"$tree/debian/changelog"
  (cd "$work" && dpkg-source -b "$name-$upstream" >/dev/null 2>&1) || fail "dpkg-source -b $name $version failed"
  mkdir -p "$repo/$pool"
  cp "$work"/*.dsc "$work"/*.debian.tar.* "$work"/*.orig*.tar.gz "$repo/$pool/"
}

sha512_of() { sha512sum "$1" | cut -d' ' -f1; }

orig_tarball fakezlib fakezlib-1.0.tar.gz zlib
orig_tarball docs fakezlib-docs-1.0.tar.gz zlib-docs
orig_tarball fakelua fakelua-2.0.tar.gz lua
orig_tarball fakelua fakelua-2.0-repacked.tar.gz lua-repacked
zlib_sha=$(sha512_of "$TEST_TMP/orig/fakezlib-1.0.tar.gz")
docs_sha=$(sha512_of "$TEST_TMP/orig/fakezlib-docs-1.0.tar.gz")
lua_sha=$(sha512_of "$TEST_TMP/orig/fakelua-2.0.tar.gz")
lua_repacked_sha=$(sha512_of "$TEST_TMP/orig/fakelua-2.0-repacked.tar.gz")

# fakezlib: 1.0-1 in the main pool; 1.0-1+deb12u1 listed from an updates pool the mirror lacks.
source_package fakezlib 1.0-1 pool/main/f/fakezlib fakezlib-1.0.tar.gz fakezlib-docs-1.0.tar.gz
source_package fakezlib 1.0-1+deb12u1 pool/updates/f/fakezlib fakezlib-1.0.tar.gz fakezlib-docs-1.0.tar.gz
# fakelua: 2.0-1 has the pinned tarball; the newer 2.0-2 is served but carries a repacked one.
source_package fakelua 2.0-1 pool/main/f/fakelua fakelua-2.0.tar.gz
source_package fakelua 2.0-2 pool/repack/f/fakelua fakelua-2.0-repacked.tar.gz
(cd "$repo" && dpkg-scansources pool /dev/null >Sources 2>/dev/null) || fail "dpkg-scansources failed"
grep -q '^Version: 1.0-1+deb12u1$' "$repo/Sources" || fail "the Sources index lacks fakezlib 1.0-1+deb12u1"
rm -rf "$repo/pool/updates"

# ---- the mirror on 127.0.0.1 and a private apt configuration -------------------------------------
python3 "$OSBUILD_TESTS/tools/faulty_http.py" --root "$repo" --port-file "$TEST_TMP/port" \
  --log "$TEST_TMP/requests.log" --lifetime 300 &
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
for _ in $(seq 1 100); do [ -s "$TEST_TMP/port" ] && break; sleep 0.1; done
[ -s "$TEST_TMP/port" ] || { fail "the mirror did not start"; finish; }
port=$(cat "$TEST_TMP/port")

apt=$TEST_TMP/apt
mkdir -p "$apt/apt.conf.d" "$apt/sources.list.d" "$apt/preferences.d" "$apt/state/lists/partial" \
  "$apt/cache/archives/partial" "$apt/log"
: >"$apt/state/status"
echo "deb-src [trusted=yes] http://127.0.0.1:$port/ ./" >"$apt/sources.list"
cat >"$apt/apt.conf" <<EOF
Dir::Etc::main "$apt/apt.conf.none";
Dir::Etc::parts "$apt/apt.conf.d";
Dir::Etc::sourcelist "$apt/sources.list";
Dir::Etc::sourceparts "$apt/sources.list.d";
Dir::Etc::preferences "$apt/preferences";
Dir::Etc::preferencesparts "$apt/preferences.d";
Dir::State "$apt/state";
Dir::State::lists "$apt/state/lists";
Dir::State::status "$apt/state/status";
Dir::Cache "$apt/cache";
Dir::Log "$apt/log";
Acquire::http::Proxy "DIRECT";
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$apt/apt.conf
apt-get update -qq >/dev/null 2>&1 || fail "apt-get update on the private configuration failed"
expect_eq "$(apt-cache showsrc fakezlib | grep -c '^Version:')" 2 "fakezlib versions apt knows"

# ---- a fake project pinning the files ---------------------------------------------------------------
# package NAME PATH SHA512 DEBIAN_PACKAGE DEBIAN_FILE [EXAMPLES_DIR]
package() {
  local dir=${6:-$TEST_TMP/examples}/proj/packages/$1
  mkdir -p "$dir"
  cat >>"$dir/package.toml" <<EOF
[package]
name = "$1"
version = "1.0"
license = "MIT"

[[external-files]]
# debian-source: $4 $5
url = "https://upstream.invalid/$2"
path = "$2"
sha512 = "$3"

EOF
}
package zlib fakezlib_1.0.orig.tar.gz "$zlib_sha" fakezlib fakezlib_1.0.orig.tar.gz
package zlib-docs fakezlib_1.0.orig-docs.tar.gz "$docs_sha" fakezlib fakezlib_1.0.orig-docs.tar.gz
package lua fakelua-2.0.tar.gz "$lua_sha" fakelua fakelua_2.0.orig.tar.gz

etc_apt_before=$(ls -lR /etc/apt 2>&1)
lookaside=$TEST_TMP/lookaside
fill() { out=$(FILL_LOOKASIDE_EXAMPLES=$1 bash "$script" "$2" 2>&1); status=$?; }

# ---- the newest versions are skipped, the older ones fill the lookaside -----------------------------
fill "$TEST_TMP/examples" "$lookaside"
expect_status 0
expect_contains "fakezlib 1.0-1+deb12u1: download failed"
expect_contains "fakezlib_1.0-1+deb12u1.dsc: 404"
expect_contains "fakelua 2.0-2: fakelua_2.0.orig.tar.gz has sha512 ${lua_repacked_sha:0:16}"
expect_contains "stored fakezlib_1.0.orig.tar.gz"
expect_contains "stored fakezlib_1.0.orig-docs.tar.gz"
expect_contains "stored fakelua-2.0.tar.gz"
while read -r name sha; do
  stored=$lookaside/$name/$sha/$name
  if [ -f "$stored" ]; then
    expect_eq "$(sha512_of "$stored")" "$sha" "sha512 of the stored $name"
  else
    fail "$name is not at $stored"
  fi
done <<EOF
fakezlib_1.0.orig.tar.gz $zlib_sha
fakezlib_1.0.orig-docs.tar.gz $docs_sha
fakelua-2.0.tar.gz $lua_sha
EOF
[ "$(grep -c 'fakezlib_1.0-1.dsc' "$TEST_TMP/requests.log")" = 1 ] ||
  fail "fakezlib 1.0-1 was not downloaded exactly once for its two files: $(cat "$TEST_TMP/requests.log")"
grep -q 'pool/updates/f/fakezlib/' "$TEST_TMP/requests.log" || fail "fakezlib 1.0-1+deb12u1 was not tried first"

# ---- idempotent and quiet --------------------------------------------------------------------------
requests=$(wc -l <"$TEST_TMP/requests.log")
fill "$TEST_TMP/examples" "$lookaside"
expect_status 0
expect_eq "$out" "" "output of a run with everything in place"
expect_eq "$(wc -l <"$TEST_TMP/requests.log")" "$requests" "requests made by a run with everything in place"

# ---- no version has the pinned file ------------------------------------------------------------------
# This run's apt options name lists of its own, still empty: the script refreshes them first.
package lua fakelua-2.0.tar.gz "$docs_sha" fakelua fakelua_2.0.orig.tar.gz "$TEST_TMP/bad"
mkdir -p "$apt/lists-bad/partial"
export FILL_LOOKASIDE_APT_OPTIONS="-o Dir::State::lists=$apt/lists-bad  -o Acquire::Retries=0"
fill "$TEST_TMP/bad" "$TEST_TMP/lookaside-bad"
unset FILL_LOOKASIDE_APT_OPTIONS
expect_status 1
expect_contains "fill-lookaside: apt-get update"
compgen -G "$apt/lists-bad/*Sources" >/dev/null || fail "apt-get update did not fill the lists named by FILL_LOOKASIDE_APT_OPTIONS"
expect_contains "$TEST_TMP/bad/proj/packages/lua/package.toml"
expect_contains "fakelua_2.0.orig.tar.gz"
expect_contains "2.0-2: fakelua_2.0.orig.tar.gz has sha512 $lua_repacked_sha"
expect_contains "2.0-1: fakelua_2.0.orig.tar.gz has sha512 $lua_sha"
expect_contains "fix:"
[ ! -e "$TEST_TMP/lookaside-bad/fakelua-2.0.tar.gz" ] || fail "a file with the wrong sha512 was stored"

expect_eq "$(ls -lR /etc/apt 2>&1)" "$etc_apt_before" "the machine's /etc/apt"
finish

#!/usr/bin/env bash
# Read-only clients: `remote-upload = false` never writes (the server's files stay as they were),
# and a server location that refuses PUT costs one warning, never the build.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
two_checkouts
# CI fills the cache with one package.
OSBUILD_CACHE_DIR=$TEST_TMP/cache-a run build package base --remote-cache "$REMOTE"
expect_status 0
snapshot() { (cd "$NGINX_ROOT" && find . -type f -printf '%p %s %T@\n' | sort); }
before=$(snapshot)
[ -n "$before" ] || fail "CI uploaded nothing"

# A developer reads only: [cache] remote-upload = false in osbuild.toml, the URL from the environment.
cd "$TEST_TMP/b" || exit 1
printf '\n[cache]\nremote-upload = false\n' >>osbuild.toml
writes_before=$(grep -c '"PUT \|"HEAD ' "$TEST_TMP/nginx/logs/access.log")
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_CACHE=$REMOTE run build package top --explain
expect_status 0
expect_contains "explain: base: fetched from the remote cache"
expect_eq "$(built_list)" "data hello top" "built locally by the reader"
expect_contains "remote cache: 1 hits, 3 misses, 0 local hits"
expect_contains "0 B up"
expect_eq "$(remote_warnings)" 0 "warnings"
expect_eq "$(snapshot)" "$before" "files on the server"
expect_eq "$(grep -c '"PUT \|"HEAD ' "$TEST_TMP/nginx/logs/access.log")" "$writes_before" "PUT and HEAD requests"
run config show
expect_contains "cache.remote-upload"

# The flag and environment override the file: OSBUILD_REMOTE_UPLOAD=true writes again.
rm -rf build "$TEST_TMP/cache-b"
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b OSBUILD_REMOTE_UPLOAD=true OSBUILD_REMOTE_CACHE=$REMOTE run build package top
expect_status 0
[ "$(snapshot)" != "$before" ] || fail "OSBUILD_REMOTE_UPLOAD=true did not write"

# A read-only location on the server (GET only): uploads are refused, one warning, build fine.
rm -rf build "$TEST_TMP/cache-b"
sed -i '/remote-upload/d' osbuild.toml
printf 'echo changed >"$OSBUILD_DESTDIR/usr/share/base"\n' >>packages/base/build.sh
OSBUILD_CACHE_DIR=$TEST_TMP/cache-b run build package top --remote-cache "http://127.0.0.1:$NGINX_PORT/ro"
expect_status 0
# data is unchanged and was uploaded above: a hit through the read-only location.
expect_eq "$(built_list)" "base hello top" "built against the read-only location"
expect_eq "$(remote_warnings)" 1 "warnings against the read-only location"
expect_contains "HTTP 403"
finish

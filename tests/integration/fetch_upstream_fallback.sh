#!/usr/bin/env bash
# Upstream only with fallback on (a cache miss is information, not an error) or force-upstream.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server
sha=$(make_source tool-2.0.tar.xz 5000)
mkdir -p "$SERVED/upstream" "$SERVED/cache"
cp "$WORK/files/tool-2.0.tar.xz" "$SERVED/upstream/"
write_project "\"$BASE/cache\""
add_package tool tool-2.0.tar.xz "$sha" "$BASE/upstream/tool-2.0.tar.xz"

# Fallback off: the miss is the error, upstream is named as not tried.
run_fetch
expect_fail
expect_err "osbuild: error: cannot fetch 1 of 1 source:"
expect_err "$BASE/cache/tool-2.0.tar.xz/$sha/tool-2.0.tar.xz: not found (HTTP 404)"
expect_err "upstream $BASE/upstream/tool-2.0.tar.xz not tried: upstream fallback is off"
expect_err "hint: put the files into a lookaside cache (sources.lookaside), or allow upstream downloads with --upstream-source-fallback or BUILDSYS_UPSTREAM_SOURCE_FALLBACK=true"
expect_store_sound

# Fallback on through Bottlerocket's variable.
BUILDSYS_UPSTREAM_SOURCE_FALLBACK=true run_fetch
expect_ok
expect_err "fetch: tool-2.0.tar.xz: not in lookaside $BASE/cache/tool-2.0.tar.xz/$sha/tool-2.0.tar.xz, trying upstream $BASE/upstream/tool-2.0.tar.xz"
expect_no_err "error"
expect_stored tool-2.0.tar.xz
expect_store_sound

# force-upstream skips the caches entirely.
rm -rf "$OSBUILD_CACHE_DIR"
: >"$SERVER_LOG"
add_package tool tool-2.0.tar.xz "$sha" "$BASE/upstream/tool-2.0.tar.xz" "force-upstream = true"
run_fetch
expect_ok
if grep -q "/cache/" "$SERVER_LOG"; then fail "force-upstream still asked the lookaside cache"; fi
grep -q "^GET /upstream/tool-2.0.tar.xz" "$SERVER_LOG" || fail "upstream not asked"
expect_store_sound
echo ok

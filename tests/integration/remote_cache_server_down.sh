#!/usr/bin/env bash
# nginx stops while a package builds: the build finishes locally, with exactly one warning, and
# the packages after it are built without asking the dead server again.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
start_nginx
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package first 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo first >"$OSBUILD_DESTDIR/etc/first"'
script_package slow 'sleep 4; mkdir -p "$OSBUILD_DESTDIR/etc" && echo slow >"$OSBUILD_DESTDIR/etc/slow"' 'depends = ["first"]'
script_package last 'mkdir -p "$OSBUILD_DESTDIR/etc" && echo last >"$OSBUILD_DESTDIR/etc/last"' 'depends = ["slow"]'

"$OSBUILD" build package last --remote-cache "$REMOTE" >"$TEST_TMP/build.out" 2>&1 &
build=$!
for _ in $(seq 1 300); do
  grep -q '^building slow' "$TEST_TMP/build.out" && break
  kill -0 "$build" 2>/dev/null || break
  sleep 0.1
done
grep -q '^building slow' "$TEST_TMP/build.out" || fail "slow never started: $(cat "$TEST_TMP/build.out")"
stop_nginx
started=$(date +%s)
wait "$build"
status=$?
out=$(cat "$TEST_TMP/build.out")
expect_status 0
expect_eq "$(built_list)" "first last slow" "built"
expect_eq "$(remote_warnings)" 1 "remote cache warnings"
expect_contains "osbuild: warning: remote cache $REMOTE skipped: "
expect_contains "; building locally"
expect_contains "(skipped)"
[ $(($(date +%s) - started)) -lt 60 ] || fail "the build took $(($(date +%s) - started))s after nginx stopped"
# The first package reached the server before it stopped.
[ -n "$(find "$NGINX_ROOT/cache/ac" -type f 2>/dev/null)" ] || fail "nothing was uploaded before nginx stopped"

# A server that is not there at all: the same single warning, from the first lookup.
rm -rf "$PROJECT/build" "$OSBUILD_CACHE_DIR"
run build package last --remote-cache "http://127.0.0.1:$(free_port)/cache"
expect_status 0
expect_eq "$(built_count)" 3 "built with no server"
expect_eq "$(remote_warnings)" 1 "remote cache warnings with no server"
expect_contains "Failed to connect to 127.0.0.1"
finish

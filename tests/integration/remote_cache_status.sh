#!/usr/bin/env bash
# `osbuild cache stats --remote`: a server with a JSON /status (as bazel-remote serves) is shown
# field by field, nginx is said to have none, an unreachable one is an error with a hint.
source "$OSBUILD_TESTS/integration/build_lib.bash"
source "$OSBUILD_TESTS/integration/remote_cache_lib.bash"
mkdir -p "$TEST_TMP/srv/br"
printf '{"CurrSize": 4096, "MaxSize": 214748364800, "NumFiles": 12, "ServerTime": 1700000000, "GitCommit": "v2.4.3"}' \
  >"$TEST_TMP/srv/br/status"
port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$TEST_TMP/srv" "$port" >"$TEST_TMP/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
run cache stats --remote --remote-cache "http://127.0.0.1:$port/br"
expect_status 0
expect_contains "remote cache    http://127.0.0.1:$port/br"
expect_contains "NumFiles        12"
expect_contains "GitCommit       v2.4.3"
run --json cache stats --remote --remote-cache "http://127.0.0.1:$port/br"
expect_status 0
expect_contains '"MaxSize":214748364800'

start_nginx
run cache stats --remote --remote-cache "$REMOTE"
expect_status 0
expect_contains "no status endpoint"
stop_nginx
run cache stats --remote --remote-cache "$REMOTE"
expect_status 1
expect_contains "is not reachable"
expect_contains "hint:"
run cache stats --remote
expect_status 2
expect_contains "no remote cache is configured"
finish

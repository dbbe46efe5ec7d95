#!/usr/bin/env bash
# Fetch benchmark: N files (default 200) totalling SIZE_MIB (default 1024) from a loopback HTTP
# server, then a no-op re-fetch, then `fetch --verify` against `sha512sum` on the same files.
# Prints figures and ratios; never fails on time.
#   OSBUILD=build/osbuild bench/fetch/run.sh [FILES] [SIZE_MIB]
set -euo pipefail

OSBUILD=${OSBUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build/osbuild}
TOOLS=$(cd "$(dirname "$0")/../../tests/tools" && pwd)
FILES=${1:-200}
SIZE_MIB=${2:-1024}
[ -x "$OSBUILD" ] || { echo "set OSBUILD to the osbuild binary" >&2; exit 2; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

WORK=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-fetch-bench.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export OSBUILD_CACHE_DIR=$WORK/cache

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.4f}')"; }

echo "preparing $FILES files, $SIZE_MIB MiB in all ..."
mkdir -p "$WORK/files" "$WORK/served" "$WORK/project/packages/bench"
per_file=$(( SIZE_MIB * 1048576 / FILES ))
{
  printf '[package]\nname = "bench"\nversion = "1.0.0"\nlicense = "MIT"\n\n'
  for i in $(seq 1 "$FILES"); do
    name=$(printf 'src-%03d.tar' "$i")
    head -c "$per_file" /dev/urandom >"$WORK/files/$name"
    sha=$(sha512sum "$WORK/files/$name" | cut -d' ' -f1)
    mkdir -p "$WORK/served/$name/$sha"
    ln "$WORK/files/$name" "$WORK/served/$name/$sha/$name"
    printf '[[external-files]]\nurl = "https://bench.invalid/%s"\nsha512 = "%s"\npath = "%s"\n\n' \
      "$name" "$sha" "$name"
  done
  printf '[build]\nsystem = "script"\nscript = "build.sh"\n'
} >"$WORK/project/packages/bench/package.toml"
printf '#!/bin/sh\ntrue\n' >"$WORK/project/packages/bench/build.sh"

python3 "$TOOLS/faulty_http.py" --root "$WORK/served" --port-file "$WORK/port" \
  --log "$WORK/server.log" --lifetime 1800 &
SERVER_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port=$(cat "$WORK/port")
printf 'schema-version = 1\nname = "bench"\nrelease-version = "1.0.0"\n[sources]\nlookaside = ["http://127.0.0.1:%s"]\n' \
  "$port" >"$WORK/project/osbuild.toml"

# The server's own ceiling: the same 200 GETs with curl, 8 at a time, into /dev/null.
for f in "$WORK"/files/*; do
  name=$(basename "$f")
  sha=$(ls "$WORK/served/$name")
  printf 'url = "http://127.0.0.1:%s/%s/%s/%s"\noutput = "/dev/null"\n' "$port" "$name" "$sha" "$name"
done >"$WORK/curl.conf"
sync
t0=$(now); curl -s --parallel --parallel-max 8 -K "$WORK/curl.conf" 2>/dev/null; t1=$(now)
baseline=$(elapsed "$t0" "$t1")
: >"$WORK/server.log"
t0=$(now); (cd "$WORK/project" && "$OSBUILD" -q fetch); t1=$(now)
full=$(elapsed "$t0" "$t1")
requests_full=$(wc -l <"$WORK/server.log")
: >"$WORK/server.log"
t0=$(now); (cd "$WORK/project" && "$OSBUILD" -q fetch); t1=$(now)
noop=$(elapsed "$t0" "$t1")
requests_noop=$(wc -l <"$WORK/server.log")
t0=$(now); (cd "$WORK/project" && "$OSBUILD" -q fetch --verify); t1=$(now)
verify=$(elapsed "$t0" "$t1")
t0=$(now); sha512sum "$WORK"/files/* >/dev/null; t1=$(now)
reference=$(elapsed "$t0" "$t1")

mib=$(python3 -c "print(round($per_file * $FILES / 1048576))")
echo "files:                 $FILES x $per_file bytes = $mib MiB"
echo "full fetch:            $full s ($(python3 -c "print(f'{$mib / $full:.0f}')") MiB/s, $requests_full requests)"
echo "curl alone (8 at once): $baseline s ($(python3 -c "print(f'{$mib / $baseline:.0f}')") MiB/s: the server's ceiling)"
echo "fetch / curl alone:    $(ratio "$baseline" "$full") (download, sha512, store copy + sha256)"
echo "no-op re-fetch:        $noop s ($requests_noop requests)"
echo "no-op / full:          $(ratio "$noop" "$full") (goal < 0.02)"
echo "fetch --verify:        $verify s ($(python3 -c "print(f'{$mib / $verify:.0f}')") MiB/s)"
echo "sha512sum:             $reference s ($(python3 -c "print(f'{$mib / $reference:.0f}')") MiB/s)"
echo "hashing vs sha512sum:  $(ratio "$reference" "$verify") (goal >= 0.90)"

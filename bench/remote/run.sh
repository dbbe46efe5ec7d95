#!/usr/bin/env bash
# The remote cache's payoff, printed with its ratio; never passes or fails on time.
#   OSBUILD=build/osbuild bench/remote/run.sh
# A clean build of examples/hello-os without its kernel (empty local store, uploading to a real
# nginx remote cache on 127.0.0.1) against the same build in a fresh checkout with another empty
# local store, served from that remote. Goal: the second build takes <= 15 % of the first.
set -euo pipefail
source "$(dirname "$0")/../lib.bash"
unset SOURCE_DATE_EPOCH OSBUILD_REMOTE_CACHE OSBUILD_REMOTE_UPLOAD
source "$src/tests/integration/remote_cache_lib.bash"

"$src/examples/fill-lookaside.sh" >"$work/fill.log" 2>&1 || {
  echo "the lookaside cannot be filled: $(tail -n 3 "$work/fill.log")"
  exit 1
}
start_nginx
checkout() {  # checkout DIR: hello-os without its kernel beside a link to the lookaside
  mkdir -p "$1"
  hello_os_without_kernel "$1/hello-os"
  ln -s "$src/examples/lookaside" "$1/lookaside"
}
checkout "$work/a"
checkout "$work/b"

# A: what CI does on a cold machine; sources fetched first, not timed.
cd "$work/a/hello-os"
export OSBUILD_CACHE_DIR=$work/cache-a
"$OSBUILD" fetch >/dev/null
t=$(now)
"$OSBUILD" build variant dev --remote-cache "$REMOTE" >"$work/a.log" 2>&1
clean=$(elapsed "$t")
grep '^remote cache:' "$work/a.log" || true

# B: a developer's fresh checkout with an empty local store, served from the remote.
cd "$work/b/hello-os"
export OSBUILD_CACHE_DIR=$work/cache-b
t=$(now)
"$OSBUILD" fetch >/dev/null
fetch_b=$(elapsed "$t")
t=$(now)
"$OSBUILD" build variant dev --remote-cache "$REMOTE" >"$work/b.log" 2>&1
remote=$(elapsed "$t")
grep '^remote cache:\|^nothing to do\|^build:' "$work/b.log" || true
grep -q '^built ' "$work/b.log" && echo "note: B built packages: $(grep '^built ' "$work/b.log" | tr '\n' ' ')"
server=$(du -sb "$NGINX_ROOT/cache" | cut -f1)

printf 'clean build of hello-os (uploading):        %7.2f s\n' "$clean"
printf 'fresh checkout, served from the remote:     %7.2f s  (%s on the server)\n' "$remote" \
  "$(numfmt --to=iec-i --suffix=B "$server")"
printf 'ratio: %.1f %% of the clean build (goal <= 15 %%)\n' "$(echo "$remote * 100 / $clean" | bc -l)"
printf 'fetching its sources first (not counted):   %7.2f s\n' "$fetch_b"

#!/usr/bin/env bash
# The store's put and verify against sha256sum on the same file. Prints figures and ratios; never
# fails on time. See bench/README.md for what each figure means.
#
#   bench/store/run.sh [path/to/osbuild_store_bench]
#
# Environment: BENCH_DIR (default /tmp) holds the input and the stores; SIZE_MIB (default 1024);
# RUNS (default 3, the best run of each is reported); DURABILITY (durable, the store's default, or
# cache).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${OSBUILD_STORE_BENCH:-$top/build/bench/osbuild_store_bench}}
size_mib=${SIZE_MIB:-1024}
runs=${RUNS:-3}
durability=${DURABILITY:-durable}
if [ ! -x "$bin" ]; then
  echo "store bench: $bin is missing: configure with -DOSBUILD_BUILD_BENCH=ON and build" \
       "osbuild_store_bench, or pass its path" >&2
  exit 2
fi

work=$(mktemp -d "${BENCH_DIR:-/tmp}/osbuild-store-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
input=$work/input
bytes=$((size_mib * 1024 * 1024))

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-4}f\", $1 }"; }
min() { if [ -z "$1" ]; then echo "$2"; else calc "($1 < $2) ? $1 : $2"; fi; }
# The best (smallest) wall time of $runs runs of a command, in seconds.
best_of() {
  local best="" start end
  for _ in $(seq "$runs"); do
    sync  # earlier runs' dirty pages are not this run's writes
    start=$(now); "$@" >/dev/null; end=$(now)
    best=$(min "$best" "$(calc "$end - $start")")
  done
  echo "$best"
}
mbps() { calc "$bytes / $1 / 1000000" 0; }
ratio() { calc "$1 / $2" 2; }

echo "making $size_mib MiB of random data in $work"
head -c "$bytes" /dev/urandom > "$input"
# Page caches cannot be dropped without root, so every tool reads a warm file: read it twice now.
cat "$input" > /dev/null; cat "$input" > /dev/null

t_sha=$(best_of sha256sum "$input")
t_ssl=""
if command -v openssl >/dev/null; then t_ssl=$(best_of openssl dgst -sha256 "$input"); fi
copy() { cp "$input" "$work/copy"; rm -f "$work/copy"; }
t_cp=$(best_of copy)

t_put="" t_get=""
for _ in $(seq "$runs"); do
  rm -rf "$work/store"; sync
  out=$("$bin" "$input" "$work/store" "$durability")
  put=$(sed -n 's/^put_seconds=//p' <<<"$out")
  get=$(sed -n 's/^get_seconds=//p' <<<"$out")
  t_put=$(min "$t_put" "$put")
  t_get=$(min "$t_get" "$get")
done
rm -rf "$work/store"

printf '\n%-44s %9s %9s\n' "phase ($size_mib MiB, warm page cache, best of $runs)" seconds "MB/s"
row() { printf '%-44s %9.3f %9s\n' "$1" "$2" "$(mbps "$2")"; }
row "sha256sum" "$t_sha"
[ -n "$t_ssl" ] && row "openssl dgst -sha256" "$t_ssl"
row "cp (write floor: copy without hashing)" "$t_cp"
row "store put_file ($durability: hash while copying)" "$t_put"
row "store get_blob (verify: re-hash)" "$t_get"

t_both=$(calc "$t_put + $t_get")
echo
echo "ratios are throughputs, osbuild / baseline (above 1: osbuild is faster):"
printf '  put vs sha256sum                       %s\n' "$(ratio "$t_sha" "$t_put")"
printf '  verify vs sha256sum                    %s\n' "$(ratio "$t_sha" "$t_get")"
printf '  put+verify vs sha256sum twice          %s   (goal: at least 0.70)\n' \
  "$(ratio "$(calc "2 * $t_sha")" "$t_both")"
if [ -n "$t_ssl" ]; then
  printf '  put+verify vs openssl dgst twice       %s\n' \
    "$(ratio "$(calc "2 * $t_ssl")" "$t_both")"
fi
printf '  put vs cp + sha256sum                  %s\n' \
  "$(ratio "$(calc "$t_cp + $t_sha")" "$t_put")"

#!/usr/bin/env bash
# Build-stage figures, printed with their ratios; never pass or fail on time.
#   OSBUILD=build/osbuild bench/build/run.sh [PACKAGES=500] [WIDE=8]
# (a) no-op `osbuild build` on a generated PACKAGES-package project vs `ninja` no-op on an
#     equivalent generated build.ninja; (c) -j2 vs -j1 on WIDE independent CPU-bound packages;
# (d) osbuild's overhead per action: a clean build of PACKAGES packages whose script is `true`,
#     at -j1, minus the cost of running those scripts in bwrap alone, per package.
# (b) (version bump on examples/hello-os) is the integration test build_hello_os.sh: 0 packages
#     rebuilt besides os-release; its timing is printed here when the lookaside is present.
set -euo pipefail
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
packages=${1:-500}
wide=${2:-8}
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-bench-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OSBUILD_CACHE_DIR=$work/cache HOME=$work
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

source "$(dirname "${BASH_SOURCE[0]}")/project.bash"

# (a) and (d)
make_project "$work/big" "$packages" "true" chain
cd "$work/big"
t=$(now); "$OSBUILD" build variant all -j1 >/dev/null; clean=$(elapsed "$t")
mkdir -p "$work/ninja" && cd "$work/ninja"
{
  echo "rule touch"; echo "  command = touch \$out"
  for i in $(seq 1 "$packages"); do
    if [[ $i -gt 2 ]]; then echo "build p$i: touch p$((i - 1)) p$((i / 2)) src$i"; else echo "build p$i: touch src$i"; fi
  done
} >build.ninja
for i in $(seq 1 "$packages"); do : >"src$i"; done
ninja >/dev/null
# Both no-ops in one hyperfine run, so that they see the same machine load.
hyperfine -N --warmup 3 --runs 30 --export-json "$work/noop.json" \
  "ninja -C $work/ninja" "$OSBUILD -C $work/big build variant all" >"$work/noop.txt"
noop_fast=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[1]["mean"], r[0]["mean"], r[1]["user"]+r[1]["system"], r[0]["user"]+r[0]["system"])' "$work/noop.json")
read -r noop ninja_noop noop_cpu ninja_cpu <<<"$noop_fast"
# The full path, for comparison: what a no-op costs when the stamp does not hold (loading and
# planning every package, a store lookup for each).
rm -rf "$work/big/build/.osbuild/noop"
t=$(now); "$OSBUILD" -C "$work/big" build variant all >/dev/null; noop_full=$(elapsed "$t")
t=$(now)
for i in $(seq 1 "$packages"); do bwrap --unshare-net --die-with-parent --ro-bind / / --dev /dev --proc /proc sh -c true; done
sandbox_only=$(elapsed "$t")

# (c)
make_project "$work/wide" "$wide" "$cpu_bound_script"
cd "$work/wide"
t=$(now); "$OSBUILD" build variant all -j1 >/dev/null; j1=$(elapsed "$t")
rm -rf build "$OSBUILD_CACHE_DIR"
t=$(now); "$OSBUILD" build variant all -j2 >/dev/null; j2=$(elapsed "$t")

printf '(a) no-op build, %s packages: osbuild %.1f ms (cpu %.1f ms), ninja %.1f ms (cpu %.1f ms), ratio %.1fx wall, %.1fx cpu (goal <= 1.5x)\n' \
  "$packages" "$(echo "$noop * 1000" | bc -l)" "$(echo "$noop_cpu * 1000" | bc -l)" \
  "$(echo "$ninja_noop * 1000" | bc -l)" "$(echo "$ninja_cpu * 1000" | bc -l)" \
  "$(echo "$noop / $ninja_noop" | bc -l)" "$(echo "$noop_cpu / $ninja_cpu" | bc -l)"
printf '    without the stamp (full path: load, plan, %s store lookups): %.1f ms\n' "$packages" \
  "$(echo "$noop_full * 1000" | bc -l)"
printf '(c) %s CPU-bound packages: -j1 %.2f s, -j2 %.2f s, speed-up %.2fx (goal >= 1.8x)\n' \
  "$wide" "$j1" "$j2" "$(echo "$j1 / $j2" | bc -l)"
printf '(d) clean build of %s trivial packages at -j1: %.2f s; bwrap alone: %.2f s; overhead per action %.1f ms (goal < 20 ms)\n' \
  "$packages" "$clean" "$sandbox_only" "$(echo "($clean - $sandbox_only) * 1000 / $packages" | bc -l)"

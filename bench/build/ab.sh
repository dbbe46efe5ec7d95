#!/usr/bin/env bash
# Two osbuild binaries side by side, interleaved so that both see the same machine load:
# run.sh's (d) (clean -j1 build minus bare bwrap runs, per action), (a) (no-op against ninja) and
# (c) (-j2 over -j1 on 8 CPU-bound packages).
#   bench/build/ab.sh OLD_OSBUILD NEW_OSBUILD [PACKAGES=200] [ROUNDS=3]
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); n=${3:-200}; rounds=${4:-3}
w=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-ab.XXXXXX"); trap 'rm -rf "$w"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/project.bash"
export HOME=$w
make_project "$w/a" "$n" true chain; make_project "$w/b" "$n" true chain
now() { date +%s.%N; }
for r in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$w/a/build" "$w/ca"; t=$(now); (cd "$w/a" && OSBUILD_CACHE_DIR=$w/ca "$A" build variant all -j1 -q); ta=$(echo "$(now) - $t" | bc)
  rm -rf "$w/b/build" "$w/cb"; t=$(now); (cd "$w/b" && OSBUILD_CACHE_DIR=$w/cb "$B" build variant all -j1 -q); tb=$(echo "$(now) - $t" | bc)
  t=$(now); for i in $(seq "$n"); do bwrap --unshare-net --die-with-parent --ro-bind / / --dev /dev --proc /proc sh -c true; done; ts=$(echo "$(now) - $t" | bc)
  printf 'round %s load %s: clean -j1 A %.2f s, B %.2f s, bwrap alone %.2f s; per action A %.1f ms, B %.1f ms, B/A %.2f\n' "$r" "$load" "$ta" "$tb" "$ts" \
    "$(echo "($ta - $ts) * 1000 / $n" | bc -l)" "$(echo "($tb - $ts) * 1000 / $n" | bc -l)" "$(echo "($tb - $ts) / ($ta - $ts)" | bc -l)"
done
mkdir -p "$w/ninja" && cd "$w/ninja"
{ echo "rule touch"; echo "  command = touch \$out"
  for i in $(seq 1 "$n"); do if [[ $i -gt 2 ]]; then echo "build p$i: touch p$((i - 1)) p$((i / 2)) src$i"; else echo "build p$i: touch src$i"; fi; done; } >build.ninja
for i in $(seq 1 "$n"); do : >"src$i"; done; ninja >/dev/null
(cd "$w/a" && OSBUILD_CACHE_DIR=$w/ca "$A" build variant all -q); (cd "$w/b" && OSBUILD_CACHE_DIR=$w/cb "$B" build variant all -q)
for r in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  OSBUILD_CACHE_DIR=$w/ca hyperfine -N --warmup 3 --runs 30 --export-json "$w/h.json" "ninja -C $w/ninja" "$A -C $w/a build variant all" >/dev/null 2>&1
  ra=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[1]["mean"]/r[0]["mean"], (r[1]["user"]+r[1]["system"])/(r[0]["user"]+r[0]["system"]), r[1]["mean"]*1000, (r[1]["user"]+r[1]["system"])*1000)' "$w/h.json")
  OSBUILD_CACHE_DIR=$w/cb hyperfine -N --warmup 3 --runs 30 --export-json "$w/h.json" "ninja -C $w/ninja" "$B -C $w/b build variant all" >/dev/null 2>&1
  rb=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[1]["mean"]/r[0]["mean"], (r[1]["user"]+r[1]["system"])/(r[0]["user"]+r[0]["system"]), r[1]["mean"]*1000, (r[1]["user"]+r[1]["system"])*1000)' "$w/h.json")
  echo "noop round $r load $load: A (wall/ninja, cpu/ninja, wall ms, cpu ms) $ra | B $rb"
done
make_project "$w/wide" 8 "$cpu_bound_script"
clean_build() {  # clean_build OSBUILD JOBS: seconds of a clean build of the wide project
  rm -rf "$w/wide/build" "$w/cw"
  local t; t=$(now)
  (cd "$w/wide" && OSBUILD_CACHE_DIR=$w/cw "$1" build variant all -j"$2" -q)
  echo "$(now) - $t" | bc
}
for r in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  a1=$(clean_build "$A" 1); a2=$(clean_build "$A" 2); b1=$(clean_build "$B" 1); b2=$(clean_build "$B" 2)
  printf '(c) round %s load %s: A -j1 %.2f s, -j2 %.2f s: %.2fx | B -j1 %.2f s, -j2 %.2f s: %.2fx\n' "$r" "$load" \
    "$a1" "$a2" "$(echo "$a1 / $a2" | bc -l)" "$b1" "$b2" "$(echo "$b1 / $b2" | bc -l)"
done

#!/usr/bin/env bash
# Chaos run: SIGKILL osbuild at random moments across the whole pipeline on examples/hello-os
# (fetch, build, image, repo), rerun, and check after each kill that the store and the
# repository verify and that the final outputs are bit-identical to an undisturbed run.
#
#   OSBUILD=build/osbuild scripts/chaos.sh [KILLS=100] [SEED=1]
#
# Prints one line per kill and `N passed, M failed` at the end; exits 1 when any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
osbuild=$(realpath "${OSBUILD:-$top/build/osbuild}")
kills=${1:-100}
RANDOM=${2:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-chaos.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work/home NO_COLOR=1 SOURCE_DATE_EPOCH=1700000000
# One start time for every publish of the run (today, midnight UTC): expirations, and so the
# signed metadata, are the same in every rerun.
RELEASE_START_TIME=$(date -u +%Y-%m-%dT00:00:00Z)
export RELEASE_START_TIME
unset BUILDSYS_ARCH OSBUILD_ARCH BUILDSYS_VARIANT OSBUILD_JOBS BUILDSYS_JOBS
mkdir -p "$HOME"

"$top/examples/fill-lookaside.sh" >"$work/fill.log" 2>&1 || {
  echo "chaos: cannot fill the lookaside: $(tail -n 3 "$work/fill.log")" >&2
  exit 1
}
project=$work/hello-os
cp -a "$top/examples/hello-os" "$project"
rm -rf "$project/build" "$project/keys" "$project/roles"
ln -s "$top/examples/lookaside" "$work/lookaside"
cd "$project" || exit 1
export OSBUILD_CACHE_DIR=$work/cache

now_ms() { date +%s%3N; }
stages=(fetch build image repo)
declare -A command=(
  [fetch]="fetch"
  [build]="build variant dev"
  [image]="image dev"
  [repo]="repo dev"
)
# What undoes a stage's result, so that the killed run has real work to do.
reset() {
  case $1 in
    fetch) rm -rf "$OSBUILD_CACHE_DIR" build ;;
    build) rm -rf "$OSBUILD_CACHE_DIR/ac" build/packages build/.osbuild/state build/.osbuild/noop ;;
    image) rm -rf build/images ;;
    repo) rm -rf build/repos ;;
  esac
}
# pipeline LOG: every stage in order, each rerun completing what a kill left. A publish that the
# kill let finish is refused as already published, as it is for a release engineer who reruns;
# the checks after the rerun then prove it complete.
pipeline() {
  local s start
  for s in "${stages[@]}"; do
    start=$(wc -l <"$1")
    # shellcheck disable=SC2086
    if ! "$osbuild" ${command[$s]} >>"$1" 2>&1; then
      if [ "$s" = repo ] && tail -n +"$((start + 1))" "$1" | grep -q "is already in repository"; then
        continue
      fi
      echo "stage $s failed" >>"$1"
      return 1
    fi
  done
}
# The final outputs: every file of the image folder and the repository, with its sha256 (not the
# repository's lock file, which names the process that last held it).
outputs() {
  (cd build && find -L images repos -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum)
}

# The undisturbed run, timing each stage from its reset state.
declare -A took
for s in "${stages[@]}"; do
  start=$(now_ms)
  # shellcheck disable=SC2086
  "$osbuild" ${command[$s]} >"$work/reference.$s.log" 2>&1 || {
    echo "chaos: the undisturbed $s failed: $(tail -n 5 "$work/reference.$s.log")" >&2
    exit 1
  }
  took[$s]=$(($(now_ms) - start))
done
outputs >"$work/reference.sums"
echo "chaos: undisturbed run: fetch ${took[fetch]} ms, build ${took[build]} ms," \
  "image ${took[image]} ms, repo ${took[repo]} ms; $(wc -l <"$work/reference.sums") output files"

passed=0
failed=0
killed=0
for i in $(seq 1 "$kills"); do
  stage=${stages[$((RANDOM % ${#stages[@]}))]}
  delay=$((RANDOM * took[$stage] / 32768))
  reset "$stage"
  log=$work/kill.$i.log
  : >"$log"
  # The stages before the killed one are done (a rerun makes them so); the killed one runs fresh.
  for s in "${stages[@]}"; do
    [ "$s" = "$stage" ] && break
    # shellcheck disable=SC2086
    "$osbuild" ${command[$s]} >>"$log" 2>&1
  done
  # The image stage would restore a cached image: --force makes it make the image again.
  extra=""
  [ "$stage" = image ] && extra=--force
  # shellcheck disable=SC2086
  "$osbuild" ${command[$stage]} $extra >>"$log" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    moment="killed at ${delay} ms"
    killed=$((killed + 1))
  else
    moment="finished before ${delay} ms"
  fi
  wait "$pid" 2>/dev/null
  problem=""
  echo "--- rerun" >>"$log"
  pipeline "$log" || problem="the rerun failed"
  if [ -z "$problem" ]; then
    "$osbuild" cache verify >>"$log" 2>&1 || problem="cache verify failed"
  fi
  if [ -z "$problem" ]; then
    "$osbuild" repo validate dev >>"$log" 2>&1 || problem="repo validate failed"
  fi
  if [ -z "$problem" ]; then
    outputs >"$work/sums"
    diff -q "$work/reference.sums" "$work/sums" >/dev/null ||
      problem="outputs differ: $(diff "$work/reference.sums" "$work/sums" | head -n 4 | tr '\n' ' ')"
  fi
  if [ -z "$problem" ]; then
    passed=$((passed + 1))
    echo "chaos $i/$kills: $stage, $moment: ok"
  else
    failed=$((failed + 1))
    echo "chaos $i/$kills: $stage, $moment: FAILED: $problem"
    tail -n 15 "$log" | sed 's/^/    /'
  fi
done
echo "$passed passed, $failed failed ($killed of $kills runs killed mid-stage, the rest finished first)"
[ "$failed" = 0 ]

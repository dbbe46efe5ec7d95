#!/usr/bin/env bash
# libFuzzer targets over every parser of untrusted input (docs/fuzzing.md).
#   scripts/fuzz.sh build                 configure and build them with clang in build-fuzz/
#   scripts/fuzz.sh seed                  gather seed corpora into tests/fuzz/corpus/<target>/
#   scripts/fuzz.sh run SECONDS [target…] run each target (default: all) for SECONDS; fails on any
#                                         crash, leak, timeout or sanitizer report
#   scripts/fuzz.sh list                  print the target names
# Environment: OSBUILD_FUZZ_BUILD_DIR (default build-fuzz), OSBUILD_FUZZ_OPT (default
# "-O1 -gline-tables-only"), OSBUILD_FUZZ_JOBS (targets at once, default 1), OSBUILD_FUZZ_WORK
# (where new corpus entries and crash inputs go, default build-fuzz/fuzz-work), OSBUILD_UNITY
# (default ON: osbuild_core compiles in unity batches), OSBUILD_FUZZ_SEED
# (libFuzzer's -seed; unset, each run picks its own and prints it as "Seed: N" in the log).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${OSBUILD_FUZZ_BUILD_DIR:-$top/build-fuzz}
work=${OSBUILD_FUZZ_WORK:-$build/fuzz-work}
corpus=$top/tests/fuzz/corpus
targets=(config tuf oci unpack units rewrite)

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Per-target libFuzzer options: the unpacker writes every input to disk, so it gets shorter inputs.
max_len() {
  case $1 in
    unpack) echo 16384 ;;
    tuf) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

build_fuzzers() {
  local cc=${CC:-clang} cxx=${CXX:-clang++}
  command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found; install clang (scripts/install-deps.sh)" >&2; exit 1; }
  # -O1 and line tables, as OSS-Fuzz builds: quick to compile, stacks keep file:line.
  local opt=${OSBUILD_FUZZ_OPT:--O1 -gline-tables-only}
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$opt" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$opt" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DOSBUILD_FUZZ=ON \
    -DOSBUILD_BUILD_TESTS=OFF -DOSBUILD_WARNINGS_AS_ERRORS="${OSBUILD_WARNINGS_AS_ERRORS:-OFF}" \
    -DOSBUILD_UNITY="${OSBUILD_UNITY:-ON}" >/dev/null
  nice cmake --build "$build" --target fuzzers --parallel "$(nproc)"
}

# Seeds from the project's own inputs: every TOML file kind (tests/data, tests/golden/cases,
# examples/), TUF metadata written by the tuf target itself, small archives both benign and
# hostile, and the compiler arguments of docs/toolchains.md. Existing seeds are kept.
seed() {
  local t
  for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done
  python3 "$top/tests/fuzz/seeds.py" "$top" "$corpus"
  [ -x "$build/tests/fuzz/fuzz_tuf" ] && OSBUILD_FUZZ_TUF_SEEDS="$corpus/tuf" "$build/tests/fuzz/fuzz_tuf"
  for t in "${targets[@]}"; do echo "seeds: $t $(find "$corpus/$t" -type f | wc -l)"; done
}

# Runs one target; prints "<target>: <execs> execs, cov <n>, ft <n>, corpus <n>, <s> s" or the
# failure with the log's tail and where the crashing input went.
run_one() {
  local t=$1 seconds=$2 bin=$build/tests/fuzz/fuzz_$1
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is missing: run scripts/fuzz.sh build" >&2; return 1; }
  local out=$work/$t
  mkdir -p "$out/corpus" "$out/crashes"
  local log=$out/fuzz.log start=$SECONDS rc=0 as=() seed=()
  [ -z "${OSBUILD_FUZZ_SEED:-}" ] || seed=(-seed="$OSBUILD_FUZZ_SEED")
  # The unpacker writes what hostile archives hold: as root, it runs as nobody, so that an entry
  # slipping past its checks cannot replace a system file.
  if [ "$t" = unpack ] && [ "$(id -u)" = 0 ]; then
    chown -R nobody "$out"
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  fi
  # The sanitizers abort on the first report, leak checks included; libFuzzer saves the input.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  nice "${as[@]}" "$bin" "${seed[@]}" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/crashes/" \
    "$out/corpus" "$corpus/$t" >"$log" 2>&1 || rc=$?
  local execs cov ft units
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  units=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|^fuzz: ' "$log"; then
    echo "FAIL $t: exit $rc after $((SECONDS - start)) s; log $log" >&2
    grep -E -m 20 -A 12 'ERROR: |runtime error:|^fuzz: ' "$log" >&2 || tail -30 "$log" >&2
    ls "$out/crashes" >&2
    return 1
  fi
  echo "$t: ${execs:-0} execs, cov ${cov:-0}, ft ${ft:-0}, corpus ${units:-0}, $((SECONDS - start)) s"
}

run() {
  local seconds=${1:-}
  [[ $seconds =~ ^[0-9]+$ ]] || usage
  shift
  local chosen=("$@")
  [ ${#chosen[@]} -gt 0 ] || chosen=("${targets[@]}")
  local jobs=${OSBUILD_FUZZ_JOBS:-1} failed=0 t
  local pids=() names=()
  for t in "${chosen[@]}"; do
    [[ " ${targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (${targets[*]})" >&2; exit 2; }
    run_one "$t" "$seconds" &
    pids+=($!)
    names+=("$t")
    if [ ${#pids[@]} -ge "$jobs" ]; then
      wait "${pids[0]}" || failed=$((failed + 1))
      pids=("${pids[@]:1}")
    fi
  done
  for t in "${pids[@]}"; do wait "$t" || failed=$((failed + 1)); done
  if [ "$failed" -gt 0 ]; then
    echo "fuzz.sh: $failed target(s) failed" >&2
    exit 1
  fi
}

case ${1:-} in
  build) build_fuzzers ;;
  seed) seed ;;
  run) shift; run "$@" ;;
  list) printf '%s\n' "${targets[@]}" ;;
  *) usage ;;
esac

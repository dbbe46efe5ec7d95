#!/usr/bin/env bash
# The test suite under the sanitizers (docs/fuzzing.md, "Sanitizers").
#   scripts/sanitize.sh asan [ctest args…]  AddressSanitizer + UndefinedBehaviorSanitizer build in
#                                           build-asan, then every unit, integration and golden test
#   scripts/sanitize.sh tsan [ctest args…]  ThreadSanitizer build in build-tsan, then the scheduler
#                                           and fetcher tests (unit and integration)
# Extra arguments go to ctest (e.g. -R fetch). Sanitizer reports go to files under
# <build>/sanitizer-logs/ rather than to stderr: osbuild also runs as the osbuild-cc compiler
# wrappers and inside sandboxes, and tests compare its stderr. After ctest the script prints every
# report and fails when there is one, even if the test that caused it passed.
# Environment: OSBUILD_ASAN_BUILD_DIR, OSBUILD_TSAN_BUILD_DIR, OSBUILD_SANITIZE_OPT (default -O1),
# OSBUILD_UNITY (default ON: osbuild_core and the CLI compile in unity batches).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
shift || true

case $mode in
  asan)
    build=${OSBUILD_ASAN_BUILD_DIR:-$top/build-asan}
    sanitizers="address;undefined"
    targets=(osbuild osbuild_unit_tests)
    # All but the QEMU boots of tests/boot: under TCG they cost minutes and exercise the guest,
    # not osbuild; `osbuild qemu` itself is covered by integration.qemu_boot_* here.
    select=(-LE '^boot$')
    ;;
  tsan)
    build=${OSBUILD_TSAN_BUILD_DIR:-$top/build-tsan}
    sanitizers=thread
    targets=(osbuild osbuild_unit_tests)
    # The scheduler and the fetcher: their unit tests and the fetch integration tests.
    select=(-R '^(Scheduler|Fetch[A-Za-z]*)\.|^integration\.fetch_')
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

logs=$build/sanitizer-logs
start=$SECONDS
# -O1 and line tables only: reports keep file:line, the build and the run stay quick.
# -Wno-maybe-uninitialized: with the sanitizers GCC 12 warns inside libstdc++'s std::regex
# (std::function in _State, GCC PR 105562), a false positive that -Werror would turn fatal.
opt=${OSBUILD_SANITIZE_OPT:--O1}
nowarn=
[[ $(${CXX:-c++} --version 2>/dev/null | head -1) == *clang* ]] || nowarn=-Wno-maybe-uninitialized
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="$opt -g1 $nowarn" -DCMAKE_C_FLAGS_DEBUG="$opt -g1" \
  -DOSBUILD_SANITIZE="$sanitizers" -DOSBUILD_WARNINGS_AS_ERRORS=ON -DOSBUILD_BUILD_TESTS=ON \
  -DOSBUILD_UNITY="${OSBUILD_UNITY:-ON}" >/dev/null
nice cmake --build "$build" --target "${targets[@]}" --parallel "$(nproc)"
built=$SECONDS
echo "sanitize $mode: build $((built - start)) s"

rm -rf "$logs"
mkdir -p "$logs"
# exitcode 86 so that a report never passes for an expected exit status 1; halt on the first
# report; leaks are checked at exit, with suppressions only for leaks inside libraries
# (scripts/lsan-suppressions.txt says which and why).
common="log_path=$logs/report:exitcode=86:halt_on_error=1:print_summary=1"
export ASAN_OPTIONS="$common:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0:strict_init_order=1"
export LSAN_OPTIONS="$common:suppressions=$top/scripts/lsan-suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="$common:print_stacktrace=1"
export TSAN_OPTIONS="$common:second_deadlock_stack=1"
rc=0
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 1800 \
  "${select[@]}" "$@" || rc=$?

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
  for report in $reports; do
    echo "==== $report" >&2
    cat "$report" >&2
  done
  echo "sanitize $mode: $(echo "$reports" | wc -l) sanitizer report(s) in $logs" >&2
  rc=1
fi
echo "sanitize $mode: tests $((SECONDS - built)) s, total $((SECONDS - start)) s, $([ $rc = 0 ] && echo passed || echo FAILED)"
exit $rc

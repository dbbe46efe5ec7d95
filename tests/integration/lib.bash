# Shared helpers for integration tests: source it first. Every test runs in its own temporary
# folder, removed on exit; `run` captures output and status of one osbuild call. Sourced twice
# (by two helper libraries), it sets up once.
[ -z "${_OSBUILD_TEST_LIB:-}" ] || return 0
_OSBUILD_TEST_LIB=1
set -u
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
: "${OSBUILD_SOURCE_DIR:?set OSBUILD_SOURCE_DIR to the source tree}"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-test.XXXXXX")
export HOME="$TEST_TMP/home" OSBUILD_CACHE_DIR="$TEST_TMP/cache" NO_COLOR=1
# zig's own cache of what it builds per target (musl, glibc stubs, compiler-rt): shared by the
# tests when the suite names one, as the content store is not.
if [ -n "${OSBUILD_TEST_ZIG_CACHE:-}" ]; then export OSBUILD_ZIG_CACHE_DIR=$OSBUILD_TEST_ZIG_CACHE; fi
mkdir -p "$HOME"
unset BUILDSYS_ARCH OSBUILD_ARCH BUILDSYS_VARIANT BUILDSYS_JOBS OSBUILD_JOBS
_cleanups=()
cleanup() {
  local c
  for c in "${_cleanups[@]}"; do eval "$c" || true; done
  rm -rf "$TEST_TMP"
}
trap cleanup EXIT
on_exit() { _cleanups+=("$1"); }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
  echo "ok"; exit 0
}
skip() { echo "SKIP: $*"; exit 125; }

# run ARGS...: runs osbuild, leaving its combined output in $out and exit code in $status.
run() {
  out=$("$OSBUILD" "$@" 2>&1)
  status=$?
}
expect_status() { [ "$status" = "$1" ] || fail "expected exit $1, got $status from: $out"; }
expect_contains() {
  case "$out" in *"$1"*) ;; *) fail "expected output to contain [$1], got: $out" ;; esac
}
expect_not_contains() {
  case "$out" in *"$1"*) fail "expected output not to contain [$1], got: $out" ;; esac
}
expect_eq() { [ "$1" = "$2" ] || fail "expected [$2], got [$1]${3:+ ($3)}"; }

# copy_example NAME: a private copy of examples/NAME in $TEST_TMP/NAME, without its kernel
# package (a kernel build takes minutes per arch: only the boot tests build it, from a shared
# cache). copy_example_with_kernel NAME keeps it.
copy_example() {
  copy_example_with_kernel "$1"
  [ -d "$TEST_TMP/$1/packages/kernel" ] || return 0
  rm -rf "$TEST_TMP/$1/packages/kernel"
  sed -i -E '/^included-packages/ s/"kernel", ?//' "$TEST_TMP/$1"/variants/*/variant.toml
}
copy_example_with_kernel() {
  cp -a "$OSBUILD_SOURCE_DIR/examples/$1" "$TEST_TMP/$1"
  rm -rf "$TEST_TMP/$1/build"
}

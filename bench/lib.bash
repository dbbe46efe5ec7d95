# Shared by the benchmarks that start servers with the tests' helpers (kits, remote): the tests'
# own lib.bash gives a private work folder ($TEST_TMP, also $work) and HOME, cleanups registered
# with on_exit and run at exit; this adds the tree ($src) and a clock.
#   source "$(dirname "$0")/../lib.bash"
: "${OSBUILD:?set OSBUILD to the osbuild binary}"
OSBUILD=$(realpath "$OSBUILD")
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSBUILD_SOURCE_DIR=$src
OSBUILD_TESTS=$src/tests
# build_lib.bash brings lib.bash; oci_lib.bash and remote_cache_lib.bash then find it loaded.
source "$OSBUILD_TESTS/integration/build_lib.bash"
set -e
work=$TEST_TMP
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# hello_os_without_kernel DIR: a copy of examples/hello-os at DIR without its kernel package, for
# benchmarks that measure osbuild rather than Linux's 16-minute build (an update or a remote
# cache hit does not need a kernel).
hello_os_without_kernel() {
  cp -a "$src/examples/hello-os" "$1"
  rm -rf "$1/build" "$1/packages/kernel"
  sed -i -E '/^included-packages/ s/"kernel", ?//' "$1"/variants/*/variant.toml
}

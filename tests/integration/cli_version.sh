#!/usr/bin/env bash
# --version prints the version, the git commit osbuild was built from ("unknown" outside a git
# checkout) and the versions of the libraries it runs with.
. "$(dirname "$0")/lib.bash"

run --version
expect_status 0
version=$(sed -n 's/^project(osbuild VERSION \([0-9.]*\).*/\1/p' "$OSBUILD_SOURCE_DIR/CMakeLists.txt")
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "osbuild $version" "first line"
commit=$(printf '%s\n' "$out" | sed -n 's/^commit //p')
if git -C "$OSBUILD_SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1; then
  [[ $commit =~ ^[0-9a-f]{12}(-dirty)?$ ]] || fail "commit is not a short hash: [$commit]"
  git -C "$OSBUILD_SOURCE_DIR" cat-file -e "${commit%-dirty}^{commit}" 2>/dev/null ||
    fail "commit $commit is not in the source tree's repository"
else
  expect_eq "$commit" "unknown" "commit outside a git checkout"
fi
libraries=$(printf '%s\n' "$out" | sed -n 's/^libraries: //p')
for lib in libcurl OpenSSL libarchive libgit2 toml++ CLI11 fmt spdlog zstd; do
  [[ $libraries =~ (^|, )"$lib "[0-9] ]] || fail "no version of $lib in: $libraries"
done
# The versions are the ones really loaded: libcurl's is what curl-config says for the library
# installed here.
if command -v curl-config >/dev/null; then
  case "$libraries" in *"libcurl $(curl-config --version | cut -d' ' -f2)"*) ;;
    *) fail "libcurl version differs from curl-config's: $libraries" ;; esac
fi

# The script that fills version.h reports "unknown" for a source tree outside git.
mkdir -p "$TEST_TMP/src"
cmake -DSOURCE_DIR="$TEST_TMP/src" -DPROJECT_VERSION=9.9.9 -DOUTPUT="$TEST_TMP/version.h" \
  -P "$OSBUILD_SOURCE_DIR/cmake/WriteVersion.cmake" || fail "WriteVersion.cmake failed"
grep -q '#define OSBUILD_GIT_COMMIT "unknown"' "$TEST_TMP/version.h" ||
  fail "outside git: $(cat "$TEST_TMP/version.h")"
grep -q '#define OSBUILD_VERSION "9.9.9"' "$TEST_TMP/version.h" || fail "version not written"
finish

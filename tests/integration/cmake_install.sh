#!/usr/bin/env bash
# `cmake --install` puts the binary, the man page and the bash, zsh and fish completions where a
# system looks for them, under the prefix given (and under DESTDIR), and each works from there.
. "$(dirname "$0")/lib.bash"
build_dir=$(dirname "$OSBUILD")
[ -f "$build_dir/cmake_install.cmake" ] || skip "$build_dir is not a CMake build folder"
prefix=$TEST_TMP/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$TEST_TMP/install.log" 2>&1 ||
  fail "cmake --install failed: $(tail -n 5 "$TEST_TMP/install.log")"
for f in bin/osbuild share/man/man1/osbuild.1 share/bash-completion/completions/osbuild \
  share/zsh/vendor-completions/_osbuild share/fish/vendor_completions.d/osbuild.fish; do
  [ -s "$prefix/$f" ] || fail "$f was not installed"
done
"$prefix/bin/osbuild" --version | grep -q osbuild || fail "the installed binary does not run"
bash -c "source '$prefix/share/bash-completion/completions/osbuild' && complete -p osbuild" >/dev/null 2>&1 ||
  fail "the bash completion does not register for osbuild"
grep -q "compdef\|#compdef" "$prefix/share/zsh/vendor-completions/_osbuild" || fail "the zsh completion has no compdef"
if command -v man >/dev/null; then
  MANPATH=$prefix/share/man man -P cat osbuild 2>/dev/null | grep -q "osbuild" || fail "man osbuild does not render from the prefix"
fi
DESTDIR=$TEST_TMP/stage cmake --install "$build_dir" --prefix /usr/local >/dev/null 2>&1 ||
  fail "cmake --install with DESTDIR failed"
[ -x "$TEST_TMP/stage/usr/local/bin/osbuild" ] || fail "DESTDIR was not honoured"
[ -s "$TEST_TMP/stage/usr/local/share/bash-completion/completions/osbuild" ] ||
  fail "the completions ignored DESTDIR"
finish

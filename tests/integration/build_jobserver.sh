#!/usr/bin/env bash
# A build gets the run's jobserver: MAKEFLAGS names it, a token can be taken from it and given
# back, and the sandbox sees no other descriptor of osbuild's. A plain `make` in the build joins
# it: two jobs of one package run at once at -j2 without -j on make's command line.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v make >/dev/null || skip "make is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
arch=$(uname -m)
script_package probe '#!/bin/bash
set -euo pipefail
out=$OSBUILD_DESTDIR/usr/share/probe
mkdir -p "$out"
printf "%s\n" "$MAKEFLAGS" >"$out/makeflags"
printf "%s\n" "$CARGO_MAKEFLAGS" >"$out/cargo-makeflags"
auth=${MAKEFLAGS##*--jobserver-auth=}
auth=${auth%% *}
case $auth in
  fifo:*) exec 8<>"${auth#fifo:}"; r=8; w=8 ;;
  *,*) r=${auth%,*}; w=${auth#*,} ;;
  *) echo "no jobserver in MAKEFLAGS: $MAKEFLAGS"; exit 1 ;;
esac
IFS= read -r -n 1 -t 5 -u "$r" token || { echo "no token could be read"; exit 1; }
printf "%s" "$token" >&"$w"
echo taken-and-given-back >"$out/token"
# Every descriptor of this shell, listed by a child (no pipeline: its pipes would show).
ls /proc/$$/fd >"$out/fds"
echo "$r $w" >"$out/jobserver-fds"
# A plain make joins the jobserver: two jobs at once, each waiting for the other to start.
cat >Makefile <<"MK"
all: a b
a b:
	@touch started-$@; for i in $$(seq 100); do [ -e started-a ] && [ -e started-b ] && break; sleep 0.05; done; [ -e started-a ] && [ -e started-b ] && echo both >$@
MK
make
cat a b >"$out/make"'

run build package probe -j3
expect_status 0
share=build/packages/$arch/probe/usr/share/probe
makeflags=$(cat "$share/makeflags" 2>&1)
case $makeflags in
  "-j3 --jobserver-auth="*) ;;
  *) fail "MAKEFLAGS is [$makeflags], expected -j3 --jobserver-auth=…" ;;
esac
expect_eq "$(cat "$share/cargo-makeflags" 2>&1)" "$makeflags" "CARGO_MAKEFLAGS"
expect_eq "$(cat "$share/token" 2>&1)" "taken-and-given-back" "a token read and written back"
read -r r w <"$share/jobserver-fds"
if [ "$r" != 8 ]; then  # the pipe form: exactly the two descriptors are inherited
  # The standard three, the jobserver's two and bash's own script (255): nothing else.
  expect_eq "$(sort -n "$share/fds" | tr '\n' ' ')" "$(printf '%s\n' 0 1 2 "$r" "$w" 255 | sort -n | tr '\n' ' ')" "the build's descriptors"
fi
expect_eq "$(cat "$share/make" 2>&1)" "$(printf 'both\nboth')" "plain make ran two jobs at once"
# The fifo is osbuild's, for the run: gone afterwards.
[ -e build/.osbuild/jobserver ] && fail "the jobserver fifo outlived the build"
# The jobserver is not an input: the same package at another -j is a cache hit.
run build package probe -j2
expect_status 0
expect_eq "$(built_count)" "0" "a rebuild at another -j"
finish

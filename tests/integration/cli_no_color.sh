#!/usr/bin/env bash
# NO_COLOR and non-terminal output: under a pseudo-terminal (script(1)) a build redraws its status
# line with escapes, unless NO_COLOR is set, --color never is given or TERM is dumb; then not one
# ESC byte is written. Piped output never has escapes.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v script >/dev/null || { fail "script(1) is missing: apt-get install util-linux"; finish; }
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
# Long enough for the once-a-second status line to be drawn.
script_package slow 'sleep 2.5; mkdir -p "$OSBUILD_DESTDIR"; echo done >"$OSBUILD_DESTDIR/done"'

# in_pty ENV... -- ARGS: osbuild ARGS under a pseudo-terminal; output in $TEST_TMP/pty.out.
in_pty() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env -u NO_COLOR TERM=xterm "${envs[@]}" script -qec "$(printf '%q ' "$OSBUILD" "$@")" /dev/null \
    >"$TEST_TMP/pty.out" 2>&1 </dev/null
}
has_escape() { grep -q $'\x1b' "$TEST_TMP/pty.out"; }

# The control: a terminal without NO_COLOR gets the status line (so the checks below mean something).
in_pty -- build package slow --force
has_escape || fail "no status line under a terminal: $(cat -v "$TEST_TMP/pty.out")"

in_pty NO_COLOR=1 -- build package slow --force
expect_eq "$?" 0 "build under NO_COLOR"
has_escape && fail "ESC under NO_COLOR=1: $(cat -v "$TEST_TMP/pty.out")"
grep -q "built slow" "$TEST_TMP/pty.out" || fail "plain progress missing: $(cat "$TEST_TMP/pty.out")"

in_pty -- build package slow --force --color never
has_escape && fail "ESC with --color never: $(cat -v "$TEST_TMP/pty.out")"

in_pty TERM=dumb -- build package slow --force
has_escape && fail "ESC with TERM=dumb: $(cat -v "$TEST_TMP/pty.out")"

# Errors and debug logs under a terminal with NO_COLOR: still no escapes.
in_pty NO_COLOR=1 -- build package missing --log-level debug
has_escape && fail "ESC in an error under NO_COLOR: $(cat -v "$TEST_TMP/pty.out")"

# fetch's progress line: escapes on a terminal, none under NO_COLOR.
head -c 300000 /dev/urandom >"$TEST_TMP/blob.bin"
add_archive slow "$TEST_TMP/blob.bin"
in_pty NO_COLOR=1 -- fetch
grep -q "blob.bin" "$TEST_TMP/pty.out" || grep -q "1 file" "$TEST_TMP/pty.out" ||
  fail "fetch said nothing of its file: $(cat -v "$TEST_TMP/pty.out")"
has_escape && fail "ESC from fetch under NO_COLOR: $(cat -v "$TEST_TMP/pty.out")"

# Not a terminal: no escapes even without NO_COLOR.
env -u NO_COLOR TERM=xterm "$OSBUILD" build package slow --force >"$TEST_TMP/pty.out" 2>&1
has_escape && fail "ESC in piped output: $(cat -v "$TEST_TMP/pty.out")"
finish

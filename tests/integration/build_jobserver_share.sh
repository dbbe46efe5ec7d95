#!/usr/bin/env bash
# Two make packages built at -j2 share one jobserver: never more than two jobs run at once, all of
# them counted, and a token goes from package to package: the package that outlasts the other
# runs two jobs at once once the other is done. Each package's make, alone, takes two jobs.
# (While both run, each has one job: -j2 leaves one token, held for the second package.)
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v make >/dev/null || skip "make is missing"
command -v awk >/dev/null || skip "awk is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
arch=$(uname -m)
# make_package NAME COUNT: COUNT CPU-bound jobs, each recording when it started and ended.
make_package() {
  script_package "$1" '#!/bin/bash
set -euo pipefail
cat >Makefile <<"MK"
JOBS := $(addprefix j,$(shell seq '"$2"'))
all: $(JOBS)
$(JOBS):
	@s=$$(date +%s.%N); awk "BEGIN { for (i = 0; i < 6000000; i++) x += i }"; e=$$(date +%s.%N); echo "$(PKG) $@ $$s $$e" >$@.time
MK
make PKG='"$1"'
mkdir -p "$OSBUILD_DESTDIR/usr/share"
cat j*.time >"$OSBUILD_DESTDIR/usr/share/'"$1"'.times"'
}
# alpha ends first: beta still has jobs to run when alpha's slot comes back.
make_package alpha 4
make_package beta 8
script_package top 'mkdir -p "$OSBUILD_DESTDIR"' 'depends = ["alpha", "beta"]'

# The most jobs running at once among the lines "package job start end" on stdin; ends before
# starts at the same instant.
max_overlap() {
  awk '{ print $3, 1; print $4, 0 }' | sort -k1,1g -k2,2n |
    awk '{ n += $2 ? 1 : -1; if (n > max) max = n } END { print max + 0 }'
}
times() { cat "build/packages/$arch/$1/usr/share/$1.times" 2>/dev/null; }
last_end() { times "$1" | awk '$4 > m { m = $4 } END { print m }'; }

run build package top -j2
expect_status 0
all=$(times alpha; times beta)
expect_eq "$(printf '%s\n' "$all" | grep -c ' j')" "12" "jobs recorded"
expect_eq "$(printf '%s\n' "$all" | max_overlap)" "2" "most jobs at once, both packages together"
# Both packages ran at the same time: the later one started before the earlier one ended.
first_end=$(printf '%s\n' "$(last_end alpha)" "$(last_end beta)" | sort -g | head -n 1)
latest_start=$(printf '%s\n' "$all" | awk '$3 > m { m = $3 } END { print m }')
if [ "$(last_end alpha)" = "$first_end" ]; then early=alpha late=beta; else early=beta late=alpha; fi
earliest_start_late=$(times "$late" | awk 'NR == 1 || $3 < m { m = $3 } END { print m }')
awk -v a="$earliest_start_late" -v b="$first_end" 'BEGIN { exit !(a < b) }' ||
  fail "the packages did not build at the same time ($late started at $earliest_start_late, $early ended at $first_end)"
# While both ran, the scheduler held the one token for the second package: one job each. Once the
# earlier one was done, its slot came back and the later one's make ran two jobs at once.
expect_eq "$(times "$early" | max_overlap)" "1" "jobs at once in $early, which always shared the machine"
expect_eq "$(times "$late" | awk -v t="$first_end" '$4 > t' | max_overlap)" "2" "jobs at once in $late after $early ended"
[ -n "$latest_start" ] || fail "no start times"

# Alone, the other package's make takes two jobs as well.
run build package "$early" -j2 --force-package "$early"
expect_status 0
expect_eq "$(times "$early" | max_overlap)" "2" "jobs at once in $early alone"
finish

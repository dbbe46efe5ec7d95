#!/usr/bin/env bash
# A clean build of real make-based packages at -jJOBS against the ideal; never passes or fails on
# time.
#   OSBUILD=build/osbuild bench/build/make_projects.sh [--with-kernel] [-j JOBS]   (JOBS: 2)
# Generates a throw-away project of four upstream C projects from Debian's sources (zlib 1.2.13
# and Lua 5.4.4 with examples/hello-os's build scripts, bzip2 1.0.8 and xz-utils 5.4.1 with their
# own; --with-kernel adds hello-os's Linux 6.1 tinyconfig, off by default: a kernel build takes
# many minutes), fills the lookaside with examples/fill-lookaside.sh, and builds the variant
# twice, each with an empty cache:
#   shared     every build runs plain `make`, which joins osbuild's jobserver (MAKEFLAGS);
#   own pool   every build gets MAKEFLAGS=-jJOBS, no jobserver: each package's make starts a pool
#              of JOBS jobs of its own (the way build scripts ran `make -j$OSBUILD_JOBS`).
# Each package's build.sh runs the real script under `/usr/bin/time`, whose line lands in the
# package's log; that gives each package's CPU time (user+sys of the script and everything it
# waited for) and its wall time at that parallelism. The dependency edges are the packages'
# `depends`. Then
#   ideal = max(total CPU / JOBS, critical path)
# where the critical path is the heaviest chain of `depends` weighted by each package's CPU time
# (an upper bound for a chain: a package's make can run faster than its CPU time). The ratio is
# wall / ideal (goal <= 1.15). /proc/loadavg's 1-minute figure is read every second while a
# build runs (goal: never above 3; it counts the whole machine, so the load before the run is
# printed too), with the number of the build's own runnable processes at the same moments. Each
# package's start comes from osbuild's --json events.
set -euo pipefail
with_kernel=0
jobs=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --with-kernel) with_kernel=1 ;;
    -j) jobs=$2; shift ;;
    -j*) jobs=${1#-j} ;;
    *) echo "usage: OSBUILD=build/osbuild $0 [--with-kernel] [-j JOBS]" >&2; exit 2 ;;
  esac
  shift
done
source "$(dirname "$0")/../lib.bash"
hello=$src/examples/hello-os/packages
lookaside=$src/examples/lookaside

# ---- the project -----------------------------------------------------------------------------

# bzip2 and xz-utils: Debian's orig tarballs are the upstream releases byte for byte.
write_bzip2() {
  cat >"$1/package.toml" <<'TOML'
[package]
name = "bzip2"
version = "1.0.8"
license = "bzip2-1.0.6"

[[external-files]]
# debian-source: bzip2 bzip2_1.0.8.orig.tar.gz
url = "https://sourceware.org/pub/bzip2/bzip2-1.0.8.tar.gz"
path = "bzip2_1.0.8.orig.tar.gz"
sha512 = "083f5e675d73f3233c7930ebe20425a533feedeaaa9d8cc86831312a6581cefbe6ed0d08d2fa89be81082f2a5abdabca8b3c080bf97218a1bd59dc118a30b9f3"

[build]
system = "script"
script = "build.sh"
TOML
  cat >"$1/work.sh" <<'SH'
#!/bin/sh
# bzip2's own Makefile (no configure): the static library and the two programs, linked static.
set -eu
make libbz2.a bzip2 bzip2recover CC="$CC" AR="$AR" RANLIB="$RANLIB" \
  CFLAGS="${CFLAGS:-} -D_FILE_OFFSET_BITS=64" LDFLAGS="${LDFLAGS:-} -static"
install -D -m 0755 bzip2 "$OSBUILD_DESTDIR/usr/bin/bzip2"
install -D -m 0755 bzip2recover "$OSBUILD_DESTDIR/usr/bin/bzip2recover"
install -D -m 0644 libbz2.a "$OSBUILD_DESTDIR/usr/lib/libbz2.a"
install -D -m 0644 bzlib.h "$OSBUILD_DESTDIR/usr/include/bzlib.h"
SH
}

write_xz() {
  cat >"$1/package.toml" <<'TOML'
[package]
name = "xz"
version = "5.4.1"
license = "0BSD AND GPL-2.0-or-later"

[[external-files]]
# debian-source: xz-utils xz-utils_5.4.1.orig.tar.xz
url = "https://github.com/tukaani-project/xz/releases/download/v5.4.1/xz-5.4.1.tar.xz"
path = "xz-utils_5.4.1.orig.tar.xz"
sha512 = "f890ee5207799fbc7bb9ae031f444d39d82275b0e1b8cc7f01fdb9270050e38849bd1269db2a2f12fe87b5e23e03f9e809a5c3456d066c0a56e6f98d728553ea"

[build]
system = "script"
script = "build.sh"
TOML
  cat >"$1/work.sh" <<'SH'
#!/bin/sh
# liblzma and the xz tools, static; automake's recursive make passes the jobserver on ($(MAKE)).
set -eu
./configure --prefix=/usr --host="$OSBUILD_TARGET" --disable-shared --enable-static \
  --disable-nls --disable-doc --disable-scripts --disable-lzmadec --disable-lzmainfo
make
make install DESTDIR="$OSBUILD_DESTDIR"
SH
}

# copy_hello NAME DIR: hello-os's package NAME with its build script as work.sh.
copy_hello() {
  cp -a "$hello/$1/." "$2/"
  mv "$2/build.sh" "$2/work.sh"
}

# write_wrapper DIR MODE: build.sh runs work.sh under /usr/bin/time; in own-pool mode without
# the jobserver (MAKEFLAGS=-jJOBS: each top-level make runs a pool of its own).
write_wrapper() {
  {
    echo '#!/bin/sh'
    echo 'set -eu'
    [[ $2 == own-pool ]] && echo 'export MAKEFLAGS="-j$OSBUILD_JOBS" CARGO_MAKEFLAGS="-j$OSBUILD_JOBS"'
    echo 'exec /usr/bin/time -f "bench-time: %e %U %S" "$(dirname "$0")/work.sh"'
  } >"$1/build.sh"
  chmod +x "$1/build.sh" "$1/work.sh"
}

# make_project DIR MODE
make_project() {
  local dir=$1 mode=$2 pkg
  local -a pkgs=(zlib bzip2 lua xz)
  [[ $with_kernel == 1 ]] && pkgs+=(kernel)
  mkdir -p "$dir/packages"
  cat >"$dir/osbuild.toml" <<'TOML'
schema-version = 1
name = "make-bench"
release-version = "1.0.0"

[sources]
lookaside = ["../lookaside"]
upstream-fallback = false
TOML
  for pkg in "${pkgs[@]}"; do
    mkdir -p "$dir/packages/$pkg"
    case $pkg in
      bzip2) write_bzip2 "$dir/packages/$pkg" ;;
      xz) write_xz "$dir/packages/$pkg" ;;
      *) copy_hello "$pkg" "$dir/packages/$pkg" ;;
    esac
    write_wrapper "$dir/packages/$pkg" "$mode"
  done
  # The kernel's script runs plain make (it joins the jobserver); the own-pool wrapper's MAKEFLAGS
  # gives it a pool of its own like every other package.
  if [[ $with_kernel == 1 ]] && grep -q -- '-j"\$OSBUILD_JOBS"' "$dir/packages/kernel/work.sh"; then
    echo "the kernel's build script names its own -j: $(grep OSBUILD_JOBS "$dir/packages/kernel/work.sh")" >&2
    exit 1
  fi
  mkdir -p "$dir/variants/all"
  printf '[variant]\nincluded-packages = [%s]\n' \
    "$(printf '"%s"\n' "${pkgs[@]}" | paste -sd,)" >"$dir/variants/all/variant.toml"
}

projects=$work/projects
mkdir -p "$projects"
ln -s "$lookaside" "$projects/lookaside"
make_project "$projects/shared" shared
make_project "$projects/own-pool" own-pool
FILL_LOOKASIDE_EXAMPLES=$projects "$src/examples/fill-lookaside.sh" "$lookaside" >"$work/fill.log" 2>&1 || {
  echo "the lookaside cannot be filled: $(tail -n 5 "$work/fill.log")"
  exit 1
}

# ---- one measured build ------------------------------------------------------------------------

# sample_load PID FILE: each second, "<1-minute load> <runnable processes under PID>".
sample_load() {
  while kill -0 "$1" 2>/dev/null; do
    local load _
    read -r load _ </proc/loadavg
    ps -e -o pid=,ppid=,stat= | awk -v root="$1" -v load="$load" '
      { parent[$1] = $2; state[$1] = $3 }
      END {
        n = 0
        for (p in parent) {
          if (state[p] !~ /^R/) continue
          for (q = p; q != "" && q != 0 && q != 1; q = parent[q]) if (q == root) { n++; break }
        }
        print load, n
      }' >>"$2"
    sleep 1
  done
}

# measure MODE: a clean build of $projects/MODE; leaves $work/MODE.json with the figures.
measure() {
  local mode=$1 dir=$projects/$1 pkg arch t0 pid
  export OSBUILD_CACHE_DIR=$work/cache-$mode
  rm -rf "$OSBUILD_CACHE_DIR" "$dir/build"
  cd "$dir"
  "$OSBUILD" fetch >"$work/$mode.fetch.log" 2>&1 || { echo "fetch failed: $(tail -n 5 "$work/$mode.fetch.log")"; exit 1; }
  read -r load_before _ </proc/loadavg
  : >"$work/$mode.load"
  t0=$(now)
  "$OSBUILD" --json build variant all -j"$jobs" --timings >"$work/$mode.events" 2>"$work/$mode.out" &
  pid=$!
  sample_load "$pid" "$work/$mode.load" &
  wait "$pid" || { echo "build ($mode) failed: $(tail -n 20 "$work/$mode.out" "$work/$mode.events")"; exit 1; }
  wall=$(elapsed "$t0")
  wait
  arch=$(ls "$dir/build/logs")
  {
    for pkg in "$dir"/packages/*/; do
      pkg=$(basename "$pkg")
      printf '%s %s ' "$pkg" "$(grep -h '^bench-time: ' "$dir/build/logs/$arch/$pkg.log" | tail -n1 | cut -d' ' -f2-)"
      # depends = ["a", "b"] in package.toml: the edges
      sed -n 's/^depends *= *\[\(.*\)\]/\1/p' "$dir/packages/$pkg/package.toml" | tr -d '" ' | tr '\n' ' '
      echo
    done
  } >"$work/$mode.packages"
  # What make said about the jobserver ("jobserver unavailable", "-jN forced in submake").
  grep -vh '^\$ ' "$dir/build/logs/$arch"/*.log | grep -i 'jobserver' >"$work/$mode.warnings" || true
  python3 - "$mode" "$jobs" "$wall" "$load_before" "$work/$mode.packages" "$work/$mode.load" \
    "$work/$mode.warnings" "$work/$mode.events" >"$work/$mode.json" <<'PY'
import json, sys
mode, jobs, wall, load_before, pkgs_file, load_file, warnings_file, events_file = sys.argv[1:]
jobs, wall, load_before = int(jobs), float(wall), float(load_before)
pkgs = {}
for line in open(pkgs_file):
    f = line.split()
    if len(f) < 4:
        sys.exit(f"{mode}: no bench-time line in the log of {f[0]}")
    name, pwall, user, sys_ = f[0], float(f[1]), float(f[2]), float(f[3])
    deps = [d for d in ",".join(f[4:]).split(",") if d]
    pkgs[name] = {"wall": pwall, "cpu": user + sys_, "deps": deps}
# When osbuild started each package, in seconds since the build started (its --json events).
for line in open(events_file):
    e = json.loads(line)
    if e.get("event") == "started" and e.get("package") in pkgs:
        pkgs[e["package"]]["start"] = e["time"]
memo = {}
def path(n):  # heaviest chain ending in n, CPU-weighted, over depends inside the project
    if n not in memo:
        before = max((path(d) for d in pkgs[n]["deps"] if d in pkgs), key=lambda p: p[0], default=(0.0, []))
        memo[n] = (before[0] + pkgs[n]["cpu"], before[1] + [n])
    return memo[n]
crit = max((path(n) for n in pkgs), key=lambda p: p[0])
total = sum(p["cpu"] for p in pkgs.values())
ideal = max(total / jobs, crit[0])
loads = [tuple(map(float, l.split())) for l in open(load_file) if l.strip()]
warnings = [l.strip() for l in open(warnings_file) if l.strip()]
print(json.dumps({
    "mode": mode, "wall": wall, "total_cpu": total, "critical_path": crit[0], "critical_chain": crit[1],
    "ideal": ideal, "ideal_from": "total CPU / jobs" if total / jobs >= crit[0] else "critical path",
    "ratio": wall / ideal, "load_before": load_before,
    "max_load": max((l[0] for l in loads), default=0.0),
    "max_runnable": int(max((l[1] for l in loads), default=0)), "samples": len(loads),
    "mean_runnable": sum(l[1] for l in loads) / max(len(loads), 1),
    "jobserver_warnings": warnings,
    "packages": pkgs}))
PY
}

measure shared
measure own-pool

python3 - "$jobs" "$work/shared.json" "$work/own-pool.json" <<'PY'
import json, sys
jobs = sys.argv[1]
runs = [json.load(open(f)) for f in sys.argv[2:]]
for r in runs:
    label = {"shared": "shared jobserver (plain make)", "own-pool": f"own pool (make -j{jobs} each, no jobserver)"}[r["mode"]]
    print(f"{label}: -j{jobs}, clean build of {len(r['packages'])} packages")
    for name, p in sorted(r["packages"].items()):
        print(f"    {name:7s} cpu {p['cpu']:7.2f} s  wall {p['wall']:7.2f} s  started at {p.get('start', float('nan')):6.2f} s"
              f"  depends [{', '.join(p['deps'])}]")
    print(f"  wall {r['wall']:.2f} s; total CPU {r['total_cpu']:.2f} s (/ {jobs} = {r['total_cpu'] / int(jobs):.2f} s); critical path {r['critical_path']:.2f} s ({' -> '.join(r['critical_chain'])})")
    print(f"  ideal {r['ideal']:.2f} s (= {r['ideal_from']}); ratio {r['ratio']:.3f} (goal <= 1.15)")
    # A package whose own make compiles in parallel ends under its CPU time, so a CPU-weighted
    # critical path can overstate the ideal: the ratio to total CPU / jobs alone is the strict one.
    print(f"  against total CPU / {jobs} alone: ratio {r['wall'] / (r['total_cpu'] / int(jobs)):.3f}")
    print(f"  load average: {r['load_before']:.2f} before, max {r['max_load']:.2f} during ({r['samples']} samples, goal <= 3);"
          f" the build's own runnable processes: "
          f"max {r['max_runnable']}, mean {r['mean_runnable']:.2f}")
    w = r["jobserver_warnings"]
    print(f"  make's jobserver warnings in the logs: {len(w)}" + (f" (first: {w[0]})" if w else ""))
print(f"ratio to the ideal: shared jobserver {runs[0]['ratio']:.3f}, own pool {runs[1]['ratio']:.3f}")
strict = [r['wall'] / (r['total_cpu'] / int(jobs)) for r in runs]
print(f"ratio to total CPU / {jobs}: shared jobserver {strict[0]:.3f}, own pool {strict[1]:.3f}")
PY

# Shared by tests/integration/fetch_*.sh: a throw-away project, a fault-injecting server on
# 127.0.0.1, and assertions. Source it; it sets `set -euo pipefail` and a cleanup trap.
set -euo pipefail

: "${OSBUILD:?set OSBUILD to the osbuild binary}"
: "${OSBUILD_TESTS:?set OSBUILD_TESTS to the tests folder}"
command -v python3 >/dev/null || { echo "skip: python3 is missing"; exit 125; }

# Only loopback, never a proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*'

WORK=$(mktemp -d "${TMPDIR:-/tmp}/osbuild-fetch-test.XXXXXX")
PROJECT=$WORK/project
LOOKASIDE=$WORK/lookaside
SERVED=$WORK/served
export OSBUILD_CACHE_DIR=$WORK/cache
export OSBUILD_FETCH_RETRIES=${OSBUILD_FETCH_RETRIES:-2}
export OSBUILD_FETCH_BACKOFF_MS=${OSBUILD_FETCH_BACKOFF_MS:-50}
export OSBUILD_FETCH_CONNECT_TIMEOUT=${OSBUILD_FETCH_CONNECT_TIMEOUT:-5}
export OSBUILD_FETCH_LOW_SPEED_TIME=${OSBUILD_FETCH_LOW_SPEED_TIME:-2}
unset BUILDSYS_UPSTREAM_SOURCE_FALLBACK OSBUILD_UPSTREAM_SOURCE_FALLBACK OSBUILD_LOOKASIDE
SERVER_PID=
CLEANUP_HOOKS=()
mkdir -p "$PROJECT/packages" "$LOOKASIDE" "$SERVED"

cleanup() {
  local hook
  for hook in "${CLEANUP_HOOKS[@]:-}"; do [ -n "$hook" ] && eval "$hook" || true; done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# write_project LOOKASIDE_TOML_LIST [UPSTREAM_FALLBACK]
write_project() {
  cat >"$PROJECT/osbuild.toml" <<EOF
schema-version = 1
name = "fetch-test"
release-version = "1.0.0"

[sources]
lookaside = [$1]
upstream-fallback = ${2:-false}
EOF
}

# make_source NAME SIZE_BYTES: a file of pseudo-random bytes in $WORK/files; prints its sha512.
make_source() {
  mkdir -p "$WORK/files"
  head -c "$2" /dev/urandom >"$WORK/files/$1"
  sha512sum "$WORK/files/$1" | cut -d' ' -f1
}

# put_lookaside DIR NAME: places $WORK/files/NAME at DIR/NAME/<sha512>/NAME.
put_lookaside() {
  local sha
  sha=$(sha512sum "$WORK/files/$2" | cut -d' ' -f1)
  mkdir -p "$1/$2/$sha"
  cp "$WORK/files/$2" "$1/$2/$sha/$2"
}

# add_package PKG NAME SHA512 URL [extra toml lines]
add_package() {
  mkdir -p "$PROJECT/packages/$1"
  printf '#!/bin/sh\ntrue\n' >"$PROJECT/packages/$1/build.sh"
  cat >"$PROJECT/packages/$1/package.toml" <<EOF
[package]
name = "$1"
version = "1.0.0"
license = "MIT"

[[external-files]]
url = "$4"
sha512 = "$3"
path = "$2"
${5:-}

[build]
system = "script"
script = "build.sh"
EOF
}

# start_server [CONTROL_JSON]: serves $SERVED; sets PORT, BASE, SERVER_LOG, CONTROL.
start_server() {
  SERVER_LOG=$WORK/server.log
  CONTROL=$WORK/control.json
  local control=${1:-'{}'}
  echo "$control" >"$CONTROL"
  rm -f "$WORK/port"
  python3 "$OSBUILD_TESTS/tools/faulty_http.py" --root "$SERVED" --port-file "$WORK/port" \
    --log "$SERVER_LOG" --control "$CONTROL" --lifetime 300 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  [ -s "$WORK/port" ] || fail "the test server did not start"
  PORT=$(cat "$WORK/port")
  BASE="http://127.0.0.1:$PORT"
}

set_control() { echo "$1" >"$CONTROL"; }

# run_fetch ARGS...: runs `osbuild fetch` in the project; sets RC, OUT, ERR.
run_fetch() {
  set +e
  (cd "$PROJECT" && "$OSBUILD" ${GLOBAL_ARGS[@]+"${GLOBAL_ARGS[@]}"} fetch "$@") >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}
GLOBAL_ARGS=()

expect_ok() {
  [ "$RC" -eq 0 ] || fail "expected success, got exit $RC; stderr:
$ERR"
}

expect_fail() {
  [ "$RC" -ne 0 ] || fail "expected failure, got success; stderr:
$ERR"
}

# expect_err TEXT: stderr contains TEXT literally.
expect_err() {
  grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1
--- stderr ---
$ERR"
}

expect_no_err() {
  if grep -qF -- "$1" <<<"$ERR"; then fail "stderr should not contain: $1
--- stderr ---
$ERR"; fi
}

# The store must hold nothing partial or corrupt after any failure.
expect_store_sound() {
  [ -d "$OSBUILD_CACHE_DIR" ] || return 0
  local out rc
  set +e
  out=$("$OSBUILD" --cache-dir "$OSBUILD_CACHE_DIR" cache verify 2>&1)
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || fail "osbuild cache verify failed ($rc):
$out"
}

# expect_stored FILE_NAME: the source is in the store with its bytes.
expect_stored() {
  local sha count
  sha=$(sha512sum "$WORK/files/$1" | cut -d' ' -f1)
  count=$(find "$OSBUILD_CACHE_DIR/cas" -type f -size "$(stat -c %s "$WORK/files/$1")c" 2>/dev/null |
    xargs -r sha512sum | grep -c "^$sha " || true)
  [ "$count" -ge 1 ] || fail "$1 is not in the store"
}

requests() { [ -f "$SERVER_LOG" ] && wc -l <"$SERVER_LOG" || echo 0; }

# make_git_repo: a bare repository at $WORK/git/repo.git with nested folders, an executable and a
# symlink; sets GIT_REV to its head commit.
make_git_repo() {
  command -v git >/dev/null || { echo "skip: git is missing"; exit 125; }
  local src=$WORK/git-src
  mkdir -p "$src/sub/deeper" "$WORK/git"
  echo "hello" >"$src/README"
  printf '#!/bin/sh\necho tool\n' >"$src/tool.sh"
  chmod +x "$src/tool.sh"
  echo "nested" >"$src/sub/deeper/file.txt"
  ln -s sub/deeper/file.txt "$src/link"
  git -C "$src" init -q -b main
  git -C "$src" -c user.name=t -c user.email=t@t add -A
  GIT_COMMITTER_DATE='2020-01-01T00:00:00Z' GIT_AUTHOR_DATE='2020-01-01T00:00:00Z' \
    git -C "$src" -c user.name=t -c user.email=t@t commit -q -m init
  git clone -q --bare "$src" "$WORK/git/repo.git"
  GIT_REV=$(git -C "$src" rev-parse HEAD)
}

# add_git_package PKG URL REV
add_git_package() {
  mkdir -p "$PROJECT/packages/$1"
  printf '#!/bin/sh\ntrue\n' >"$PROJECT/packages/$1/build.sh"
  cat >"$PROJECT/packages/$1/package.toml" <<EOF2
[package]
name = "$1"
version = "1.0.0"
license = "MIT"

[[git-sources]]
url = "$2"
rev = "$3"

[build]
system = "script"
script = "build.sh"
EOF2
}

# start_git_daemon: serves $WORK/git over git:// on 127.0.0.1; sets GIT_PORT.
start_git_daemon() {
  GIT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  git daemon --base-path="$WORK/git" --export-all --reuseaddr --listen=127.0.0.1 \
    --port="$GIT_PORT" "$WORK/git" >"$WORK/git-daemon.log" 2>&1 &
  GIT_DAEMON_PID=$!
  CLEANUP_HOOKS+=("kill $GIT_DAEMON_PID 2>/dev/null; wait $GIT_DAEMON_PID 2>/dev/null")
  local i
  for i in $(seq 1 100); do
    git ls-remote "git://127.0.0.1:$GIT_PORT/repo.git" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "git daemon did not start: $(cat "$WORK/git-daemon.log")"
}

# cas_tars DIR: the sha256 names of the tar files in a store.
cas_tars() {
  local f
  for f in $(find "$1/cas" -type f 2>/dev/null | sort); do
    tar -tf "$f" >/dev/null 2>&1 && basename "$f"
  done
  return 0
}

# serve_one NAME SIZE: a project with one package whose file is in the served lookaside cache
# (start_server first); sets SHA and URL (the file's lookaside URL).
serve_one() {
  SHA=$(make_source "$1" "$2")
  put_lookaside "$SERVED" "$1"
  write_project "\"$BASE\""
  add_package "${1%%.*}" "$1" "$SHA" "https://upstream.invalid/$1"
  URL="$BASE/$1/$SHA/$1"
}

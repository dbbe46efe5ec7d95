# Shared by tests/integration/kit_*.sh (sourced; not a test itself): a real OCI registry (Debian's
# docker-registry, distribution 2.8) on 127.0.0.1, and a project with a kit of script packages.
# A test that also needs image_lib.bash sources that first: build_lib.bash is read once.
declare -F script_project >/dev/null || source "$OSBUILD_TESTS/integration/build_lib.bash"

oci_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry [USER:PASSWORD]: docker-registry on 127.0.0.1:$REGISTRY_PORT storing under
# $TEST_TMP/registry, waited for (bounded) and stopped at exit; with an argument, it asks for that
# user and password (htpasswd, bcrypt). Sets REGISTRY (host:port) and REGISTRY_URL.
start_registry() {
  local auth=""
  if [ -n "${1:-}" ]; then
    mkdir -p "$TEST_TMP/registry"
    python3 -W ignore -c 'import crypt, sys; u, p = sys.argv[1].split(":", 1); print(u + ":" + crypt.crypt(p, crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
      "$1" >"$TEST_TMP/registry/htpasswd" || { echo "FAIL: cannot write the htpasswd file"; exit 1; }
    auth="auth:
  htpasswd:
    realm: osbuild-test
    path: $TEST_TMP/registry/htpasswd"
  fi
  local bin=/usr/bin/docker-registry
  [ -x "$bin" ] || { echo "FAIL: $bin is missing (scripts/install-deps.sh installs docker-registry)"; exit 1; }
  REGISTRY_PORT=$(oci_free_port)
  REGISTRY=127.0.0.1:$REGISTRY_PORT
  REGISTRY_URL=http://$REGISTRY
  mkdir -p "$TEST_TMP/registry/data"
  cat >"$TEST_TMP/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $TEST_TMP/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
$auth
YAML
  "$bin" serve "$TEST_TMP/registry/config.yml" >"$TEST_TMP/registry/log" 2>&1 &
  REGISTRY_PID=$!
  on_exit "stop_registry"
  local i
  for i in $(seq 1 100); do
    case $(curl -sS -m 2 -o /dev/null -w '%{http_code}' "$REGISTRY_URL/v2/" 2>/dev/null) in
      200 | 401) return 0 ;;
    esac
    if ! kill -0 "$REGISTRY_PID" 2>/dev/null; then
      echo "FAIL: docker-registry exited: $(tail -n 5 "$TEST_TMP/registry/log")"
      exit 1
    fi
    sleep 0.1
  done
  echo "FAIL: docker-registry did not answer on $REGISTRY_URL/v2/ within 10 s: $(tail -n 5 "$TEST_TMP/registry/log")"
  exit 1
}

stop_registry() {
  if [ -n "${REGISTRY_PID:-}" ]; then
    kill "$REGISTRY_PID" 2>/dev/null
    wait "$REGISTRY_PID" 2>/dev/null
    REGISTRY_PID=
  fi
}

# kit_project DIR REGISTRY [VERSION]: a project with two script packages, greet requiring
# greet-data, and kits/greet-kit including greet; vendor "local" at REGISTRY/osbuild.
kit_project() {
  script_project "$1"
  local_vendor "$PROJECT/osbuild.toml" "$2"
  if [ -n "${3:-}" ]; then set_release_version "$3"; fi
  script_package greet-data 'mkdir -p "$OSBUILD_DESTDIR/usr/share/greet" && echo hello >"$OSBUILD_DESTDIR/usr/share/greet/word"'
  script_package greet 'mkdir -p "$OSBUILD_DESTDIR/usr/bin" && printf "#!/bin/sh\ncat /usr/share/greet/word\n" >"$OSBUILD_DESTDIR/usr/bin/greet"' 'requires = ["greet-data"]'
  mkdir -p "$PROJECT/kits/greet-kit"
  cat >"$PROJECT/kits/greet-kit/kit.toml" <<TOML
[kit]
name = "greet-kit"
vendor = "local"
included-packages = ["greet"]
TOML
}

# local_vendor FILE REGISTRY: appends [vendor.local] at REGISTRY/osbuild to the osbuild.toml FILE.
local_vendor() {
  printf '\n[vendor.local]\nregistry = "%s/osbuild"\n' "$2" >>"$1"
}

# require_kit FILE NAME VERSION: appends a [[kit]] of vendor "local" to the osbuild.toml FILE.
require_kit() {
  printf '\n[[kit]]\nname = "%s"\nversion = "%s"\nvendor = "local"\n' "$2" "$3" >>"$1"
}

# consumer_project DIR REGISTRY [KIT VERSION]: a project of an osbuild.toml alone, vendor "local"
# at REGISTRY/osbuild, requiring KIT at VERSION (greet-kit ^1.0).
consumer_project() {
  mkdir -p "$1"
  printf 'schema-version = 1\nname = "consumer"\nrelease-version = "0.1.0"\n' >"$1/osbuild.toml"
  local_vendor "$1/osbuild.toml" "$2"
  require_kit "$1/osbuild.toml" "${3:-greet-kit}" "${4:-^1.0}"
}

set_release_version() {
  sed -i "s/^release-version = .*/release-version = \"$1\"/" "$PROJECT/osbuild.toml"
}

# registry_get PATH [ACCEPT]: the body of GET $REGISTRY_URL/v2/PATH ($REGISTRY_CURL_AUTH: -u u:p).
registry_get() {
  curl -fsS -m 10 ${REGISTRY_CURL_AUTH:+-u "$REGISTRY_CURL_AUTH"} ${2:+-H "Accept: $2"} "$REGISTRY_URL/v2/$1"
}

# json_get EXPR: evaluates a Python expression over the JSON document on stdin (`d`).
json_get() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# publish_core_kit: examples/hello-os and greet-os copied under $TEST_TMP, both pointed at the test's
# registry (osbuild.override.toml), hello-os's core-kit fetched and published to it; leaves the
# shell in greet-os with its own cache, so the kit comes from the registry. Skips when the
# lookaside cannot be filled. Sets `arch`.
publish_core_kit() {
  "$OSBUILD_SOURCE_DIR/examples/fill-lookaside.sh" >"$TEST_TMP/fill.log" 2>&1 ||
    skip "the lookaside cannot be filled (apt sources unreachable?): $(tail -n 3 "$TEST_TMP/fill.log")"
  start_registry
  copy_example hello-os
  copy_example greet-os
  ln -s "$OSBUILD_SOURCE_DIR/examples/lookaside" "$TEST_TMP/lookaside"
  local p
  for p in hello-os greet-os; do
    printf '[vendor.local]\nregistry = "%s/osbuild"\n' "$REGISTRY" >"$TEST_TMP/$p/osbuild.override.toml"
  done
  arch=$(uname -m)
  cd "$TEST_TMP/hello-os" || exit 1
  run fetch
  expect_status 0
  run publish kit core-kit
  expect_status 0
  expect_contains "osbuild: using osbuild.override.toml: vendor local → $REGISTRY/osbuild"
  expect_contains "published $REGISTRY/osbuild/core-kit:v1.4.0"
  cd "$TEST_TMP/greet-os" || exit 1
  export OSBUILD_CACHE_DIR=$TEST_TMP/greet-cache
}

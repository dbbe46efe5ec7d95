# Shared by tests/integration/repo_*.sh (sourced): a project with a stand-in image, a loopback
# HTTP server, and tuf-js, a TUF client osbuild did not write.
source "$OSBUILD_TESTS/integration/lib.bash"
unset RELEASE_START_TIME PUBLISH_REPO PUBLISH_EXPIRATION_POLICY_PATH PUBLISH_WAVE_POLICY_PATH \
  PUBLISH_INFRA_CONFIG_PATH REPO_METADATA_EXPIRING_WITHIN OSBUILD_TEST_PAUSE_AT \
  OSBUILD_PUBLISH_DISK_IMAGE
ARCH=x86_64

# repo_project: a copy of examples/hello-os in $PROJECT (cwd), with an image of 1.4.0.
repo_project() {
  copy_example hello-os
  PROJECT=$TEST_TMP/hello-os
  rm -rf "$PROJECT/keys" "$PROJECT/roles"
  cd "$PROJECT" || exit 1
  fake_image 1.4.0
}

# fake_image VERSION [KIB]: what `osbuild image dev` leaves for the repo stage, small real files.
fake_image() {
  local version=$1 kib=${2:-64} dir prefix f
  dir=$PROJECT/build/images/$ARCH-dev/$version
  prefix=hello-os-dev-$ARCH-$version
  mkdir -p "$dir"
  for f in boot.ext4.lz4 root.erofs.lz4 root.verity.lz4; do
    head -c $((kib * 1024)) /dev/urandom >"$dir/$prefix-$f"
  done
  head -c $((kib * 2048)) /dev/urandom >"$dir/$prefix.img"
  echo '{"spdxVersion": "SPDX-2.3"}' >"$dir/$prefix.spdx.json"
  cat >"$dir/image.json" <<JSON
{"name": "hello-os", "variant": "dev", "arch": "$ARCH", "version": "$version",
 "files": {"disk": "$prefix.img", "data": null, "boot": "$prefix-boot.ext4.lz4",
           "root": "$prefix-root.erofs.lz4", "verity": "$prefix-root.verity.lz4",
           "sbom": "$prefix.spdx.json"}}
JSON
}

source "$OSBUILD_TESTS/tools/set_version.bash"

REPO_OUT=build/repos/default
META=$REPO_OUT/metadata/dev/$ARCH

# serve DIR: a python3 http.server on 127.0.0.1 with a free port, in $PORT; stopped at exit.
serve() {
  local log=$TEST_TMP/http.$RANDOM.log i
  : >"$log"
  python3 -u -m http.server --bind 127.0.0.1 --directory "$1" 0 >"$log" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null"
  PORT=
  for i in $(seq 100); do
    PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$log" | head -n1)
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  [ -n "$PORT" ] || { echo "http.server did not start: $(cat "$log")"; exit 1; }
}

# need_tuf_js: installs tuf-js once into a cache beside the osbuild binary (shared by the tests).
need_tuf_js() {
  local preinstalled=/opt/osbuild/tuf-js  # scripts/install-deps.sh puts it there
  [ -d "$preinstalled/node_modules/tuf-js" ] || preinstalled=$(dirname "$OSBUILD")/tuf-js-cache
  TUF_JS_DIR=${OSBUILD_TUF_JS_DIR:-$preinstalled}
  command -v node >/dev/null || { fail "node is missing: scripts/install-deps.sh installs it"; finish; }
  mkdir -p "$TUF_JS_DIR"
  (
    flock 9
    [ -d "$TUF_JS_DIR/node_modules/tuf-js" ] ||
      HOME=$TEST_TMP/npm-home npm_config_cache=${npm_config_cache:-$TEST_TMP/npm-cache} \
        timeout 300 npm install --silent --no-audit --no-fund --engine-strict=false \
        --prefix "$TUF_JS_DIR" tuf-js >"$TEST_TMP/npm.log" 2>&1
  ) 9>"$TUF_JS_DIR/.lock"
  [ -d "$TUF_JS_DIR/node_modules/tuf-js" ] ||
    skip "tuf-js could not be installed from npm: $(tail -n 3 "$TEST_TMP/npm.log")"
}

# tuf_client NAME ROOT_JSON [ARGS...]: tuf-js refreshes from http://127.0.0.1:$PORT and downloads
# every target; a client NAME keeps its metadata between calls, as an installed client does.
# Output in $out, status in $status.
tuf_client() {
  local name=$1 root=$2
  shift 2
  mkdir -p "$TEST_TMP/client-$name"
  out=$(NODE_PATH="$TUF_JS_DIR/node_modules" node "$OSBUILD_TESTS/tools/tuf_client.mjs" \
    --modules "$TUF_JS_DIR/node_modules" --root "$root" --dir "$TEST_TMP/client-$name" \
    --metadata "http://127.0.0.1:$PORT/metadata/dev/$ARCH/" \
    --targets "http://127.0.0.1:$PORT/targets/" "$@" 2>&1)
  status=$?
}

# json_get FILE EXPR: a value from a JSON file (python3 expression over `d`).
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# resign FILE CODE KEY...: runs the python3 statements CODE over `s`, the signed part of the
# metadata FILE, and signs it again with each ed25519 KEY (openssl), as another tool re-signing it
# would; how a test makes a state osbuild itself refuses to write, such as an expired timestamp.
resign() {
  local file=$1 code=$2 canonical=$TEST_TMP/canonical.$RANDOM key sig sigs=
  shift 2
  python3 - "$file" "$canonical" "$code" <<'PY' || return 1
import json, sys
path, canonical, code = sys.argv[1:]
d = json.load(open(path))
s = d["signed"]
exec(code)
open(canonical, "w").write(json.dumps(s, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
json.dump(d, open(path, "w"), indent=2)
PY
  for key in "$@"; do
    sig=$(openssl pkeyutl -sign -rawin -inkey "$key" -in "$canonical" | od -An -tx1 -v | tr -d ' \n')
    [ ${#sig} = 128 ] || return 1
    sigs+="$("$OSBUILD" keys id "$key")=$sig "
  done
  python3 - "$file" $sigs <<'PY'
import json, sys
path = sys.argv[1]
d = json.load(open(path))
d["signatures"] = [dict(zip(("keyid", "sig"), pair.split("="))) for pair in sys.argv[2:]]
json.dump(d, open(path, "w"), indent=2)
PY
}

# served_repo: repo_project with its first repository published and served over HTTP ($BASE),
# tuf-js at hand (the test skips without it).
served_repo() {
  need_tuf_js
  repo_project
  run repo dev --arch "$ARCH"
  expect_status 0
  serve "$REPO_OUT"
}

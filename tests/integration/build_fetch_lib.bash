# Shared by tests/integration/build_fetch_*.sh (sourced; not a test itself): a project whose
# sources only a lookaside on 127.0.0.1 serves, and that server's log of requests.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v python3 >/dev/null || skip "python3 is missing"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY OSBUILD_OFFLINE
unset BUILDSYS_UPSTREAM_SOURCE_FALLBACK OSBUILD_UPSTREAM_SOURCE_FALLBACK OSBUILD_LOOKASIDE
export no_proxy='*'
SERVED=$TEST_TMP/served
SERVER_LOG=$TEST_TMP/server.log

# start_lookaside: serves $SERVED on 127.0.0.1 (tests/tools/faulty_http.py, no faults); sets
# BASE. The server stops itself after 300 s at the latest.
start_lookaside() {
  mkdir -p "$SERVED"
  echo '{}' >"$TEST_TMP/control.json"
  python3 "$OSBUILD_TESTS/tools/faulty_http.py" --root "$SERVED" --port-file "$TEST_TMP/port" \
    --log "$SERVER_LOG" --control "$TEST_TMP/control.json" --lifetime 300 &
  local pid=$! i
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  for i in $(seq 1 100); do [ -s "$TEST_TMP/port" ] && break; sleep 0.1; done
  [ -s "$TEST_TMP/port" ] || { echo "FAIL: the lookaside server did not start"; exit 1; }
  BASE="http://127.0.0.1:$(cat "$TEST_TMP/port")"
}

# served_package NAME [EXTRA_TOML]: a package whose one source, NAME.txt, only the server has;
# its build copies the source into its output.
served_package() {
  local file=$TEST_TMP/files/$1.txt sha
  mkdir -p "$TEST_TMP/files"
  printf 'the source of %s\n' "$1" >"$file"
  sha=$(sha512sum "$file" | cut -d' ' -f1)
  mkdir -p "$SERVED/$1.txt/$sha"
  cp "$file" "$SERVED/$1.txt/$sha/$1.txt"
  script_package "$1" "mkdir -p \"\$OSBUILD_DESTDIR\" && cp \"\$OSBUILD_SOURCES/$1.txt\" \"\$OSBUILD_DESTDIR/\"" "${2:-}"
  cat >>"$PROJECT/packages/$1/package.toml" <<TOML

[[external-files]]
url = "https://example.invalid/$1.txt"
sha512 = "$sha"
TOML
}

# fetch_project: $PROJECT with base, app (depends on base) and other, each with one served
# source; variant dev includes app and other. Starts the server.
fetch_project() {
  start_lookaside
  PROJECT=$TEST_TMP/project
  mkdir -p "$PROJECT/packages" "$PROJECT/variants/dev"
  cat >"$PROJECT/osbuild.toml" <<TOML
schema-version = 1
name = "build-fetch-test"
release-version = "1.0.0"

[sources]
lookaside = ["$BASE"]
upstream-fallback = false
TOML
  served_package base
  served_package app 'depends = ["base"]'
  served_package other
  printf '[variant]\nincluded-packages = ["app", "other"]\n' >"$PROJECT/variants/dev/variant.toml"
  cd "$PROJECT" || exit 1
}

# requests [NAME]: how many requests the server had (for NAME.txt only, with NAME).
requests() {
  [ -f "$SERVER_LOG" ] || { echo 0; return; }
  if [ -n "${1:-}" ]; then grep -c " /$1\.txt/" "$SERVER_LOG" || true; else wc -l <"$SERVER_LOG"; fi
}

# sha512_prefix NAME: the first 16 digits of NAME.txt's sha512, as the offline error shows them.
sha512_prefix() { sha512sum "$TEST_TMP/files/$1.txt" | cut -c1-16; }

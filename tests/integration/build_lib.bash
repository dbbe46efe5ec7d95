# Shared by tests/integration/build_*.sh (sourced; not a test itself: it has no .sh suffix).
source "$OSBUILD_TESTS/integration/lib.bash"
unset SOURCE_DATE_EPOCH OSBUILD_SANDBOX

# setup_hello_os: a copy of examples/hello-os in $PROJECT, its sources fetched into the store.
setup_hello_os() {
  "$OSBUILD_SOURCE_DIR/examples/fill-lookaside.sh" >"$TEST_TMP/fill.log" 2>&1 ||
    skip "the lookaside cannot be filled (apt sources unreachable?): $(tail -n 3 "$TEST_TMP/fill.log")"
  copy_example hello-os
  ln -s "$OSBUILD_SOURCE_DIR/examples/lookaside" "$TEST_TMP/lookaside"
  PROJECT=$TEST_TMP/hello-os
  cd "$PROJECT" || exit 1
  run fetch
  [ "$status" = 0 ] || { echo "fetch failed: $out"; exit 1; }
}

# Packages the last `run build` built, sorted, space separated.
built_list() { printf '%s\n' "$out" | sed -n 's/^built \([^ ]*\) in .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'; }
built_count() { printf '%s\n' "$out" | grep -c '^built ' || true; }

# script_project DIR: an empty project with a lookaside folder at DIR/lookaside.
script_project() {
  PROJECT=$1
  mkdir -p "$PROJECT/packages" "$PROJECT/lookaside"
  cat >"$PROJECT/osbuild.toml" <<TOML
schema-version = 1
name = "build-test"
release-version = "1.0.0"

[sources]
lookaside = ["lookaside"]
TOML
}

# script_package NAME SCRIPT [EXTRA_TOML]: a package built by a shell script.
script_package() {
  mkdir -p "$PROJECT/packages/$1"
  printf '%s\n' "$2" >"$PROJECT/packages/$1/build.sh"
  cat >"$PROJECT/packages/$1/package.toml" <<TOML
[package]
name = "$1"
version = "1.0.0"
license = "MIT"
${3:-}

[build]
system = "script"
script = "build.sh"
TOML
}

# add_archive PACKAGE FILE: FILE into the lookaside and the package's external files.
add_archive() {
  local name sha
  name=$(basename "$2")
  sha=$(sha512sum "$2" | cut -d' ' -f1)
  mkdir -p "$PROJECT/lookaside/$name/$sha"
  cp "$2" "$PROJECT/lookaside/$name/$sha/$name"
  cat >>"$PROJECT/packages/$1/package.toml" <<TOML

[[external-files]]
url = "https://example.invalid/$name"
sha512 = "$sha"
TOML
}

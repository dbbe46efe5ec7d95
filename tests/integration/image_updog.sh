#!/usr/bin/env bash
# The image knows its repository: /usr/share/updog/root.json is the trusted root of the repository
# the image will be published to (the development default made on first use, as `osbuild repo`
# makes it), /etc/updog.toml says where that repository is served, and /usr/share/updog/image.json
# names the image. `osbuild repo` then publishes under the same root; the root's bytes are part of
# the image's key.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
set_image root-filesystem '"ext4"'
build_dev

# root_file PATH: a file of the root file system of the latest image (its update image).
root_file() {
  lz4 -dc "$(IMAGES)/tiny-os-dev-$ARCH-1.0.0-root.ext4.lz4" >"$TEST_TMP/root.ext4"
  debugfs -R "cat $1" "$TEST_TMP/root.ext4" 2>/dev/null
}

run image dev
expect_status 0
expect_contains "generated keys/default.pem and roles/default.root.json for development only"
[ -f roles/default.root.json ] || fail "no development root"
root_file /usr/share/updog/root.json >"$TEST_TMP/root.json"
cmp "$TEST_TMP/root.json" roles/default.root.json || fail "root.json in the image is not the repository's root"
expect_eq "$(root_file /etc/updog.toml)" 'version_lock = "latest"
ignore_waves = false' "updog.toml without Infra.toml"
expect_eq "$(root_file /usr/share/updog/image.json)" \
  "{\"name\":\"tiny-os\",\"variant\":\"dev\",\"arch\":\"$ARCH\",\"version\":\"1.0.0\",\"repo\":\"default\"}" \
  "image.json"

# The repo stage publishes under the root the image carries (no second generation).
run repo dev
expect_status 0
expect_not_contains "generated"
cmp build/repos/default/metadata/dev/"$ARCH"/1.root.json roles/default.root.json ||
  fail "the repository's root is not the image's"

# Another repository: its own root, its name in image.json; the key changes with the root.
run image dev --repo beta --explain
expect_status 0
expect_contains "update-agent.repo changed"
expect_contains "update-agent.root-sha256 changed"
root_file /usr/share/updog/root.json | cmp - roles/beta.root.json || fail "root of repository beta"
case "$(root_file /usr/share/updog/image.json)" in *'"repo":"beta"}'*) ;; *) fail "image.json names beta" ;; esac

# Infra.toml's URLs: updog.toml points at the variant's and arch's metadata.
cat >Infra.toml <<'TOML'
[repo.default]
metadata_base_url = "http://127.0.0.1:9/updates/metadata"
targets_url = "http://127.0.0.1:9/updates/targets/"
TOML
run image dev --explain
expect_status 0
expect_contains "update-agent.metadata-base-url changed"
expect_eq "$(root_file /etc/updog.toml)" "metadata_base_url = \"http://127.0.0.1:9/updates/metadata/dev/$ARCH/\"
targets_base_url = \"http://127.0.0.1:9/updates/targets/\"
version_lock = \"latest\"
ignore_waves = false" "updog.toml with Infra.toml"
finish

#!/usr/bin/env bash
# The flow of examples/README.md, "greet-os: consuming a kit": hello-os publishes core-kit to a
# docker-registry on 127.0.0.1, greet-os updates, fetches, builds and images against it, and its
# image holds greet (built against the kit's zlib) and the kit's lua. The registry's port is the
# test's own, given to both projects through osbuild.override.toml.
source "$OSBUILD_TESTS/integration/image_lib.bash"
source "$OSBUILD_TESTS/integration/oci_lib.bash"
publish_core_kit  # leaves us in greet-os, whose kit comes from the registry
run update
expect_status 0
expect_contains "core-kit 1.4.0 from $REGISTRY/osbuild/core-kit:v1.4.0"
run --locked fetch
expect_status 0
expect_contains "kit core-kit 1.4.0 for $arch: 2 layer(s), 2 downloaded"
run --locked build variant dev
expect_status 0
expect_eq "$(json_get '" ".join(sorted(p["name"] for p in d["packages"]))' <"build/.osbuild/variants/$arch/dev.json")" \
  "greet lua zlib" "packages of greet-os dev"
run image dev
expect_status 0
dir=build/images/$arch-dev/0.1.0
lz4 -dc "$dir/greet-os-dev-$arch-0.1.0-root.erofs.lz4" >"$TEST_TMP/root.fs" || fail "no root image"
fsck.erofs --extract="$TEST_TMP/root" "$TEST_TMP/root.fs" >/dev/null 2>&1 || fail "fsck.erofs"
for f in usr/bin/greet usr/bin/lua; do
  [ -e "$TEST_TMP/root/$f" ] || fail "the root lacks /$f"
done
[ -e "$TEST_TMP/root/usr/lib/libz.a" ] && fail "zlib, a build-time dependency only, is in the root"
greeting=$("$TEST_TMP/root/usr/bin/greet" kits 2>&1) || fail "greet from the image does not run: $greeting"
case "$greeting" in "hello from kits (zlib 1.2.13, crc32 "*) ;; *) fail "greet said: $greeting" ;; esac
expect_eq "$("$TEST_TMP/root/usr/bin/lua" -e 'print(1+1)' 2>&1)" "2" "the kit's lua from the image"
finish

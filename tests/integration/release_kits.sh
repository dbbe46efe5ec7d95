#!/usr/bin/env bash
# `osbuild release dev` of a project that builds on a kit (examples/greet-os on hello-os's
# core-kit, through Debian's docker-registry on 127.0.0.1): the release's fetch stage pulls the
# locked kit and adds its packages before it selects sources, so greet's dependency on the kit's
# zlib resolves, and the release goes through build, image and repo like `fetch`, `build`,
# `image` and `repo` one by one.
source "$OSBUILD_TESTS/integration/image_lib.bash"
source "$OSBUILD_TESTS/integration/oci_lib.bash"
publish_core_kit  # leaves us in greet-os, whose kit comes from the registry
run update
expect_status 0
cat >Infra.toml <<'TOML'
[repo.default]
signing_keys = { file = { path = "keys/dev-root.pem" } }
TOML
run --locked release dev
expect_status 0
expect_contains "kit core-kit 1.4.0 for $arch: 2 layer(s), 2 downloaded"
expect_contains "1 kit(s), 2 layer(s) downloaded"
expect_contains "3 package(s): 1 built, 2 cached"
expect_contains "published 0.1.0 to build/repos/default"
expect_eq "$(json_get '" ".join(sorted(p["name"] for p in d["packages"]))' <"build/.osbuild/variants/$arch/dev.json")" \
  "greet lua zlib" "packages of greet-os dev"
run repo validate dev
expect_status 0
finish

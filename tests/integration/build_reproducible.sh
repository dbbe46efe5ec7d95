#!/usr/bin/env bash
# Two builds of hello-os from empty caches give bit-identical artifacts.
source "$OSBUILD_TESTS/integration/build_lib.bash"
setup_hello_os
digests() {
  python3 - "$PROJECT/build/.osbuild/state/$(uname -m)" <<'PY'
import json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    print(name, json.load(open(os.path.join(d, name)))["artifact"])
PY
}
run build variant dev
expect_status 0
first=$(digests)
rm -rf "$PROJECT/build"
mv "$OSBUILD_CACHE_DIR" "$TEST_TMP/old-cache"
run fetch
expect_status 0
run build variant dev
expect_status 0
expect_eq "$(built_count)" 5 "second build from an empty cache"
expect_eq "$(digests)" "$first" "artifact digests of two clean builds"
finish

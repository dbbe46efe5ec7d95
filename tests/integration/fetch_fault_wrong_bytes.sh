#!/usr/bin/env bash
# Bytes that do not match the pinned sha512 never enter the store; the message names both digests.
source "${OSBUILD_TESTS:?set OSBUILD_TESTS}/tools/fetch_lib.sh" || exit 1
start_server '{"*": {"mode": "wrong-bytes"}}'
serve_one a.tar 3000
actual=$(python3 -c 'import hashlib,sys; d=open(sys.argv[1],"rb").read(); print(hashlib.sha512(bytes(b^255 for b in d)).hexdigest())' "$WORK/files/a.tar")
run_fetch
expect_fail
[ "$RC" -eq 3 ] || fail "a digest mismatch should exit 3, got $RC"
expect_err "sha512 mismatch for $URL: expected $SHA, got $actual; the partial file was deleted; upstream may have re-rolled the archive (Bottlerocket #2831): check the new file and update sha512"
[ -z "$(find "$OSBUILD_CACHE_DIR/tmp" -name '*.partial*')" ] || fail "the partial file was kept"
[ -z "$(find "$OSBUILD_CACHE_DIR/cas" -type f -size 3000c 2>/dev/null)" ] || fail "wrong bytes entered the store"
expect_store_sound
echo ok

# Updates that boot (docs/update.md), on $UPDATE_ARCH under UEFI (sourced by update_ab_<arch>.sh,
# which sets UPDATE_ARCH): hello-os 1.4.0 is published and boots
# from bank A; 1.5.0 (hello-agent changed) is published into the same repository, `osbuild image
# update` writes it into bank B, it boots once, init marks it good, and it keeps booting; 1.6.0,
# whose selftest fails, goes into bank A, boots once unconfirmed, and the next boot is 1.5.0 again.
# At every version tuf-js, keeping its metadata from the version before, accepts the repository,
# and refuses it rolled back to the version before. Every refusal of `image update` leaves the disk's sha256 unchanged.
source "$OSBUILD_TESTS/boot/boot_lib.bash"
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
: "${UPDATE_ARCH:?set UPDATE_ARCH}"
other_arch=$([ "$UPDATE_ARCH" = x86_64 ] && echo aarch64 || echo x86_64)
boot_project "$UPDATE_ARCH"
other_disk=
[ -f "$PROJECT/build/images/$other_arch-dev/$VERSION/image.json" ] &&
  other_disk=$(ARCH=$other_arch DISK)
copy_project
ln -s "$OSBUILD_SOURCE_DIR/examples/lookaside" "$TEST_TMP/lookaside"
cd "$PROJECT" || exit 1
root_json=$PROJECT/roles/default.root.json
machine=$TEST_TMP/machine.img
cp --sparse=always "$(DISK)" "$machine"

# A time at which every wave of a release published now has started (the last, Bottlerocket's
# default, after 6 days) and its timestamp (1 week) has not yet expired.
soon=$(date -u -d '+6 days 23 hours' +%Y-%m-%dT%H:%M:%SZ)

publish() {  # publish VERSION PREVIOUS: build, image and publish the project's current release
  local start=$SECONDS
  run fetch
  expect_status 0
  run build variant dev --arch $UPDATE_ARCH
  expect_status 0
  run image dev --arch $UPDATE_ARCH
  expect_status 0
  run repo dev --arch $UPDATE_ARCH
  expect_status 0
  echo "$1: built, imaged and published in $((SECONDS - start)) s"
  tuf_client fleet "$root_json"
  expect_status 0
  case "$out" in *"-$1-root."*) ;; *) fail "tuf-js did not download $1's root image: $out" ;; esac
  cp "$REPO_OUT/metadata/dev/$UPDATE_ARCH/timestamp.json" "$TEST_TMP/timestamp-$1.json"
  refuses_rollback "$2" "$1"
}

# refuses_rollback OLD NEW: with the repository's timestamp rolled back to OLD's, tuf-js (which
# trusts NEW's) refuses it; NEW's is then put back.
refuses_rollback() {
  cp "$TEST_TMP/timestamp-$1.json" "$REPO_OUT/metadata/dev/$UPDATE_ARCH/timestamp.json"
  tuf_client fleet "$root_json"
  [ "$status" != 0 ] || fail "tuf-js accepted the repository rolled back from $2 to $1: $out"
  cp "$TEST_TMP/timestamp-$2.json" "$REPO_OUT/metadata/dev/$UPDATE_ARCH/timestamp.json"
}

# unchanged WHY ARGS...: `osbuild image update ARGS...` is refused and the disk keeps its bytes.
unchanged() {
  local why=$1 before
  shift
  before=$(sha256sum <"$machine")
  run image update "$machine" "$@"
  [ "$status" != 0 ] || fail "$why: accepted: $out"
  expect_eq "$(sha256sum <"$machine")" "$before" "the disk after a refused update ($why)"
}

booted() {  # booted VERSION BANK: the last boot greeted with VERSION from BANK
  case "$console" in *"$GREETING $1"*) ;; *) fail "not $1: $(tail -n 15 <<<"$console")" ;; esac
  case "$console" in *"init: booted bank $2"*) ;; *) fail "not from bank $2: $(tail -n 15 <<<"$console")" ;; esac
}

# 1.4.0, as the fixture made it.
run repo dev --arch $UPDATE_ARCH
expect_status 0
serve "$PROJECT/$REPO_OUT"
repo_url=http://127.0.0.1:$PORT/
tuf_client fleet "$root_json"
expect_status 0
cp "$REPO_OUT/metadata/dev/$UPDATE_ARCH/timestamp.json" "$TEST_TMP/timestamp-1.4.0.json"
boot --disk "$machine" --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
booted 1.4.0 A

run image update "$machine" --repo "$repo_url" --now "$soon"
expect_status 0
expect_contains "is up to date"

# 1.5.0: hello-agent says another version.
sed -i 's/#define AGENT_VERSION "0.1.0"/#define AGENT_VERSION "0.2.0"/' sources/hello-agent/hello-agent.c
set_version 1.5.0
publish 1.5.0 1.4.0

# Before its wave the disk waits; --check writes nothing.
run image update "$machine" --repo "$repo_url" --check
expect_status 0
expect_contains "waits for the wave"
run image update "$machine" --repo "$repo_url" --now "$soon" --check
expect_status 0
expect_contains "1.4.0 → 1.5.0 would be written to bank B"

# Refusals, each before a byte is written.
unchanged "expired metadata" --repo "$repo_url" --now "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_contains "expired"
cp -a "$REPO_OUT" "$TEST_TMP/tampered"
root_target=$(ls "$TEST_TMP"/tampered/targets/*-1.5.0-root.erofs.lz4)
flip_byte "$root_target" 100
unchanged "a tampered target" --repo "$TEST_TMP/tampered" --now "$soon"
expect_contains "1.5.0-root"
expect_contains "sha256"
truncate -s 64M "$TEST_TMP/zeros.img"
run image update "$TEST_TMP/zeros.img" --repo "$repo_url"
expect_status 1
expect_contains "not a raw disk image with a GPT"
expect_eq "$(head -c 64M "$TEST_TMP/zeros.img" | tr -d '\0' | wc -c)" 0 "the zero disk after a refused update"
data_disk=$(IMAGES)/$(image_json "d['files']['data'] or ''")
if [ -f "$data_disk" ]; then
  before=$(sha256sum <"$data_disk")
  run image update "$data_disk" --repo "$repo_url"
  expect_contains "not an osbuild A/B disk"
  expect_eq "$(sha256sum <"$data_disk")" "$before" "the data disk after a refused update"
fi
if [ -n "$other_disk" ]; then  # a disk of the other arch and a repository of this one only
  cp --sparse=always "$other_disk" "$TEST_TMP/other.img"
  before=$(sha256sum <"$TEST_TMP/other.img")
  run image update "$TEST_TMP/other.img" --repo "$repo_url" --now "$soon"
  [ "$status" != 0 ] || fail "an $other_arch disk took an $UPDATE_ARCH repository: $out"
  expect_contains "dev on $other_arch"
  expect_eq "$(sha256sum <"$TEST_TMP/other.img")" "$before" "the $other_arch disk after a refused update"
fi

# 1.5.0 into bank B: tried once, confirmed by init, and it sticks.
run image update "$machine" --repo "$repo_url" --now "$soon"
expect_status 0
expect_contains "1.4.0 → 1.5.0: written to bank B"
run image boot-state "$machine"
expect_contains "boot_order=B A"
expect_contains "B_tries=1"
boot --disk "$machine" --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
booted 1.5.0 B
case "$console" in *"init: bank B marked good"*) ;; *) fail "bank B not marked good" ;; esac
run image boot-state "$machine" --json
expect_contains '"B_ok":"1"'
boot --disk "$machine" --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
booted 1.5.0 B

unchanged "a downgrade" --repo "$repo_url" --now "$soon" --version 1.4.0
expect_contains "1.4.0 is a downgrade"

# 1.6.0, whose selftest fails: bank A takes it, boots it once, and falls back to B.
sed -i 's/0xcbf43926UL/0xcbf43927UL/' sources/hello-agent/hello-agent.c
set_version 1.6.0
publish 1.6.0 1.5.0
run image update "$machine" --repo "$repo_url" --now "$soon"
expect_status 0
expect_contains "1.5.0 → 1.6.0: written to bank A"
boot --disk "$machine" --persist --expect "init: the selftest failed" --timeout 600
expect_status 0
booted 1.6.0 A
case "$console" in *"bank A marked good"*) fail "a failing selftest marked its bank good" ;; esac
boot --disk "$machine" --persist --expect "$SELFTEST_OK" --timeout 600
expect_status 0
booted 1.5.0 B
run image boot-state "$machine" --json
expect_contains '"next":"B"'
finish

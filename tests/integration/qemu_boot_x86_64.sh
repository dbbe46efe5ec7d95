#!/usr/bin/env bash
# `osbuild qemu dev` boots a real image (its ESP holding a GRUB that prints a marker and halts)
# under OVMF: --expect exits 0 when the marker appears and the guest powers off, the image stays
# byte for byte as it was (the boot went to an overlay), a marker that never appears or a timeout
# exits 1 with the console's last lines, and --persist boots the disk itself.
source "$OSBUILD_TESTS/integration/qemu_lib.bash"
qemu_needs x86_64
qemu_image x86_64

run qemu dev --print-command
expect_status 0
expect_contains "qemu-img create -q -f qcow2 -F raw -b $DISK"
expect_contains "qemu-system-x86_64 -machine q35 -accel"
expect_contains "-nodefaults -nographic -no-reboot -serial mon:stdio"
expect_contains "-device virtio-blk-pci,drive=os,bootindex=0"
expect_contains "-drive if=none,id=data,format=qcow2"
expect_not_contains "-netdev"
run qemu dev --print-command --network --kvm no -- -d guest_errors
expect_contains "-accel tcg -cpu max"
expect_contains "-netdev user,id=net0 -device virtio-net-pci,netdev=net0 -d guest_errors"

boots_to_marker x86_64 120
expect_contains "$MARKER"
[ -z "$(ls -A "$PROJECT/build/.osbuild/qemu")" ] || fail "overlays left: $(ls "$PROJECT/build/.osbuild/qemu")"
grep -q "$MARKER" "$PROJECT/build/logs/x86_64/qemu-dev.log" || fail "the console log lacks the marker"

# The guest powers off without the text: exit 1, the console's last lines, the log.
start=$(date +%s)
run qemu dev --expect "never printed" --timeout 120
expect_status 1
expect_contains "the guest powered off without 'never printed' appearing on the console"
expect_contains "the console's last lines:"
expect_contains "  | $MARKER"
expect_contains "hint: the whole console is in build/logs/x86_64/qemu-dev.log"

# The text never comes within the time: QEMU's process group is killed at the limit.
start=$(date +%s)
run qemu dev --expect "never printed" --timeout 2
expect_status 1
expect_contains "'never printed' did not appear on the console within 2 s"
took=$(seconds_since "$start")
[ "$took" -le 10 ] || fail "a 2 s timeout took $took s"
pgrep -f "qemu-system-x86_64.*$PROJECT" >/dev/null && fail "QEMU outlived its timeout"

# --persist boots the disk itself and keeps the firmware's variables beside it.
run qemu dev --persist --expect "$MARKER" --timeout 120
expect_status 0
[ -f "$DISK.efivars.fd" ] || fail "no variables beside the disk after --persist"

run qemu nosuch --expect x
expect_status 1
run qemu dev --arch aarch64 --expect x
expect_status 1
expect_contains "no image of variant dev for aarch64"
expect_contains "hint: run osbuild image dev --arch aarch64"
finish

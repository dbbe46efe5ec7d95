# Booting a disk under UEFI firmware in QEMU (sourced by the boot tests; not a test itself).
# TCG only (no /dev/kvm is assumed), one CPU, no network device, every run bounded by a timeout.

# ovmf_ready: whether x86_64 QEMU and OVMF are here (a test skips when not).
ovmf_ready() {
  command -v qemu-system-x86_64 >/dev/null && [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] &&
    [ -f /usr/share/OVMF/OVMF_VARS_4M.fd ]
}

# ovmf_boot DISK LOG: boots DISK (raw, changed in place as a machine would change it) with fresh
# firmware variables; the serial console goes to LOG. Returns QEMU's status (124: timed out).
ovmf_boot() {
  local vars=$TEST_TMP/ovmf-vars.fd
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
  timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 512M \
    -nodefaults -nographic -no-reboot -serial stdio \
    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive if=pflash,format=raw,unit=1,file="$vars" \
    -drive if=none,id=os,format=raw,file="$1" -device virtio-blk-pci,drive=os,bootindex=0 \
    </dev/null >"$2" 2>&1
}

# marker_boot_partitions DISK: puts into BOOT-A and BOOT-B a copy of BOOT-A whose grub/grub.cfg
# only says which partition GRUB chose ("osbuild-boot-marker <PARTUUID>") and halts: the ESP's
# selector is then tested without a kernel. Needs image_lib.bash (partition_file, image_json).
marker_boot_partitions() {
  local disk=$1 boot=$TEST_TMP/marker-boot.ext4 cfg=$TEST_TMP/marker-grub.cfg bank offset
  partition_file BOTTLEROCKET-BOOT-A "$disk" "$boot"
  printf 'echo "osbuild-boot-marker $boot_uuid"\nhalt\n' >"$cfg"
  debugfs -w -R "rm /grub/grub.cfg" "$boot" >/dev/null 2>&1
  debugfs -w -R "write $cfg /grub/grub.cfg" "$boot" >/dev/null 2>&1
  for bank in A B; do
    offset=$(image_json "[p['offset'] for p in d['partitions'] if p['name']=='BOTTLEROCKET-BOOT-$bank' and p['disk']=='os'][0]")
    dd if="$boot" of="$disk" bs=1M oflag=seek_bytes seek="$offset" conv=notrunc status=none
  done
}

# booted_partition LOG: the PARTUUID the marker printed, lowercase; empty when none.
booted_partition() {
  grep -a -o 'osbuild-boot-marker [0-9a-fA-F-]*' "$1" | head -n 1 | cut -d' ' -f2 | tr 'A-F' 'a-f'
}

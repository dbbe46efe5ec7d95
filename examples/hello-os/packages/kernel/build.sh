#!/bin/bash
# Linux for hello-os: tinyconfig plus config-common and config-<arch>, everything built in (no
# modules, no initrd). Installs /boot/vmlinuz: bzImage on x86_64, the uncompressed Image on aarch64
# (GRUB 2.06's arm64 loader reads the Image header; it cannot load a compressed or EFI_ZBOOT one).
set -euo pipefail

here=$(dirname "$0")
case $OSBUILD_ARCH in
  x86_64) arch=x86_64 image=arch/x86/boot/bzImage target=bzImage ;;
  aarch64) arch=arm64 image=arch/arm64/boot/Image target=Image ;;
  *) echo "kernel: no kernel configuration for $OSBUILD_ARCH" >&2; exit 1 ;;
esac
# CROSS_COMPILE from the resolved gcc: /usr/bin/aarch64-linux-gnu-gcc gives /usr/bin/aarch64-linux-gnu-.
case $CC in
  *gcc) cross=${CC%gcc} ;;
  *) echo "kernel: CC=$CC is not a gcc; the package asks for compiler:gcc" >&2; exit 1 ;;
esac

# A reproducible build: no date, user, host or build counter of this machine in the image.
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH"
export KBUILD_BUILD_USER=osbuild KBUILD_BUILD_HOST=osbuild KBUILD_BUILD_VERSION=1
# The toolchain's CFLAGS/LDFLAGS are for userland programs; Kbuild has its own.
unset CFLAGS LDFLAGS CXXFLAGS CPPFLAGS
# Plain make: MAKEFLAGS carries osbuild's jobserver, shared with the packages building beside
# this one (docs/build.md, "Parallelism"); a -j of its own would start a second pool.
kmake() { make ARCH="$arch" CROSS_COMPILE="$cross" "$@"; }

kmake tinyconfig
fragments=("$here/config-common" "$here/config-$OSBUILD_ARCH")
KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null
kmake olddefconfig

# olddefconfig drops an option whose dependencies are unmet without a word: name every one.
missing=()
while read -r option; do
  grep -qx "$option=y" .config || missing+=("$option")
done < <(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "${fragments[@]}")
if ((${#missing[@]} > 0)); then
  echo "kernel: these options of the config fragments did not survive make olddefconfig" \
    "(unmet dependencies?): ${missing[*]}" >&2
  for option in "${missing[@]}"; do
    echo "  $(grep -E "^(# )?$option[= ]" .config || echo "$option: not in .config at all")" >&2
  done
  exit 1
fi
if grep -qx 'CONFIG_MODULES=y' .config; then
  echo "kernel: CONFIG_MODULES=y; everything must be built in" >&2
  exit 1
fi

kmake "$target"
install -D -m 0644 "$image" "$OSBUILD_DESTDIR/boot/vmlinuz"

#!/usr/bin/env bash
# Every bad input of the image stage says what is wrong and what to change: no build, an
# unsupported arch, an unknown format, a size too small for the plan, a tree too large for the
# root partition, two packages writing one file.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1

run image dev
expect_status 1
expect_contains "osbuild: error: no build of variant dev for $ARCH: run osbuild build variant dev --arch $ARCH first"

run image nosuch
expect_status 1
expect_contains "nosuch"

other=aarch64; [ "$ARCH" = aarch64 ] && other=x86_64
sed -i "s/^kernel-parameters/supported-arches = [\"$ARCH\"]\nkernel-parameters/" "$PROJECT/variants/dev/variant.toml"
run image dev --arch "$other"
expect_status 2
expect_contains "variants/dev/variant.toml: variant dev does not support $other (supported-arches = [$ARCH])"
expect_contains "hint: pass --arch $ARCH"

set_image format '"vhdx"'
run image dev
expect_status 1
expect_contains "unknown format 'vhdx': expected raw, qcow2 or vmdk"
set_image format '"raw"'

set_image os-image-size-mib 300
run image dev
expect_status 1
expect_contains "variants/dev/variant.toml: os-image-size-mib = 300 is too small for the partition plan: RESERVED would get"
expect_contains "it must be at least 410"
set_image os-image-size-mib 512

set_image data-image-size-mib 2
run image dev
expect_status 1
expect_contains "data-image-size-mib = 2 is too small"
set_image data-image-size-mib 64

# A tree larger than ROOT-A (230 MiB of a 512 MiB image): both sizes and the setting.
script_package big 'mkdir -p "$OSBUILD_DESTDIR/usr/share/big"
head -c 260000000 /dev/urandom >"$OSBUILD_DESTDIR/usr/share/big/blob"'
sed -i 's/included-packages = \["app", "kernel"\]/included-packages = ["app", "kernel", "big"]/' "$PROJECT/variants/dev/variant.toml"
build_dev
run image dev
expect_status 1
expect_contains "variants/dev/variant.toml: ROOT: the root file system needs"
expect_contains "but the partition holds 230.0 MiB (241172480 bytes)"
expect_contains "hint: raise os-image-size-mib in [variant.image] (now 512;"

# Two packages installing /etc/hostname.
script_package rival 'mkdir -p "$OSBUILD_DESTDIR/etc"; echo rival >"$OSBUILD_DESTDIR/etc/hostname"'
sed -i 's/"kernel", "big"\]/"kernel", "rival"]/' "$PROJECT/variants/dev/variant.toml"
rm -f "$PROJECT/build/.osbuild/variants/$ARCH/dev.json"
build_dev
run image dev
expect_status 1
expect_contains "osbuild: error: packages base and rival both install /etc/hostname"
expect_contains "leave one out of included-packages in $PROJECT/variants/dev/variant.toml"
finish

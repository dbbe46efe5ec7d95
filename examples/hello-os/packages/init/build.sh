#!/bin/sh
set -eu
# CC, CFLAGS and LDFLAGS may hold several words: they are split on purpose.
# shellcheck disable=SC2086

# -static: the image has no dynamic loader or libc (the platforms say libc:musl, built by zig).
$CC ${CFLAGS:-} -Wall -Wextra -static -o init "$OSBUILD_SOURCES/init/init.c" ${LDFLAGS:-}
install -D -m 0755 init "$OSBUILD_DESTDIR/sbin/init"   # where the kernel looks first

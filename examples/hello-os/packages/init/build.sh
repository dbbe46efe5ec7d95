#!/bin/sh
set -eu

$CC ${CFLAGS:-} -Wall -Wextra -o init "$OSBUILD_SOURCES/init/init.c" ${LDFLAGS:-}
install -D -m 0755 init "$OSBUILD_DESTDIR/sbin/init"   # where the kernel looks first

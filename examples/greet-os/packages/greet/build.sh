#!/bin/sh
set -eu
# CC, CFLAGS and LDFLAGS may hold several words: they are split on purpose.
# shellcheck disable=SC2086

$CC ${CFLAGS:-} -Wall -Wextra -I"$OSBUILD_SYSROOT/usr/include" \
  -o greet "$OSBUILD_SOURCES/greet/greet.c" \
  ${LDFLAGS:-} -L"$OSBUILD_SYSROOT/usr/lib" -Wl,-Bstatic -lz -Wl,-Bdynamic
install -D -m 0755 greet "$OSBUILD_DESTDIR/usr/bin/greet"

#!/bin/sh
set -eu
# CC, CFLAGS and LDFLAGS may hold several words: they are split on purpose.
# shellcheck disable=SC2086

# -static: the image has no dynamic loader or libc (the platforms say libc:musl, built by zig).
$CC ${CFLAGS:-} -Wall -Wextra -static -I"$OSBUILD_SYSROOT/usr/include" \
  -o hello-agent "$OSBUILD_SOURCES/hello-agent/hello-agent.c" \
  ${LDFLAGS:-} -L"$OSBUILD_SYSROOT/usr/lib" -lz
install -D -m 0755 hello-agent "$OSBUILD_DESTDIR/usr/bin/hello-agent"

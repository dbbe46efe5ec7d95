#!/bin/sh
set -eu
# CC, CFLAGS and LDFLAGS may hold several words: they are split on purpose.
# shellcheck disable=SC2086

$CC ${CFLAGS:-} -Wall -Wextra -I"$OSBUILD_SYSROOT/usr/include" \
  -o hello-agent "$OSBUILD_SOURCES/hello-agent/hello-agent.c" \
  ${LDFLAGS:-} -L"$OSBUILD_SYSROOT/usr/lib" -Wl,-Bstatic -lz -Wl,-Bdynamic
install -D -m 0755 hello-agent "$OSBUILD_DESTDIR/usr/bin/hello-agent"

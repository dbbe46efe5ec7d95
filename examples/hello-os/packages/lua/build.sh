#!/bin/sh
# The lua interpreter and compiler: POSIX build, no readline, no dlopen, linked static (the image
# has no libc).
set -eu

make -C src posix \
  CC="$CC -std=gnu99" AR="$AR rc" RANLIB="$RANLIB" \
  MYCFLAGS="${CFLAGS:-}" MYLDFLAGS="${LDFLAGS:-} -static" MYLIBS=
install -D -m 0755 src/lua "$OSBUILD_DESTDIR/usr/bin/lua"
install -D -m 0755 src/luac "$OSBUILD_DESTDIR/usr/bin/luac"
install -D -m 0644 doc/lua.1 "$OSBUILD_DESTDIR/usr/share/man/man1/lua.1"
install -D -m 0644 doc/luac.1 "$OSBUILD_DESTDIR/usr/share/man/man1/luac.1"

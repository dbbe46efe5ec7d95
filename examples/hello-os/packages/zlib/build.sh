#!/bin/sh
# zlib as a static library (nothing to ship at run time), plus its minigzip example tool.
set -eu

# configure takes CC, AR, RANLIB, CFLAGS and LDFLAGS from the environment; CHOST only names the
# target (it would pick "$CHOST-ar" for an unset AR).
# minigzip is linked -static like every program of the image (which has no libc).
LDFLAGS="${LDFLAGS:-} -static" CHOST="$OSBUILD_TARGET" ./configure --prefix=/usr --libdir=/usr/lib --static
make libz.a minigzip   # plain make joins osbuild's jobserver (MAKEFLAGS)
make install DESTDIR="$OSBUILD_DESTDIR"
install -D -m 0755 minigzip "$OSBUILD_DESTDIR/usr/bin/minigzip"

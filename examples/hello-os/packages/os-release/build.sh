#!/bin/sh
# /usr/lib/os-release for the release being built, and /etc/os-release pointing at it.
set -eu

: "${OSBUILD_OS_NAME:?not set: package.toml must say uses-release-version = true}"
: "${OSBUILD_RELEASE_VERSION:?not set: package.toml must say uses-release-version = true}"

id=$(printf '%s' "$OSBUILD_OS_NAME" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._-' '-')
mkdir -p "$OSBUILD_DESTDIR/usr/lib" "$OSBUILD_DESTDIR/etc"
cat >"$OSBUILD_DESTDIR/usr/lib/os-release" <<OSRELEASE
NAME="$OSBUILD_OS_NAME"
ID=$id
VERSION="$OSBUILD_RELEASE_VERSION"
VERSION_ID=$OSBUILD_RELEASE_VERSION
PRETTY_NAME="$OSBUILD_OS_NAME $OSBUILD_RELEASE_VERSION"
OSRELEASE
ln -sf ../usr/lib/os-release "$OSBUILD_DESTDIR/etc/os-release"

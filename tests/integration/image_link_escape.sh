#!/usr/bin/env bash
# `osbuild image` runs outside the sandbox: a package's links must never lead what it writes into
# the root tree (os-release, the update agent's files, the mount points) out to the host. A
# package that installs usr/lib as an absolute link to a host folder, or etc as a relative link
# that climbs out (../../../<host folder>), is refused naming the package and the link, and the
# host folders stay empty.
source "$OSBUILD_TESTS/integration/image_lib.bash"
image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
host_lib="$TEST_TMP/host-lib"
host_etc="$TEST_TMP/host-etc"
mkdir -p "$host_lib" "$host_etc"
# The variant without base (it installs /etc as a folder): the kernel and the package with links.
sed -i 's/^included-packages = .*/included-packages = ["kernel", "links"]/' variants/dev/variant.toml

host_folders_empty() {
  expect_eq "$(find "$host_lib" "$host_etc" -mindepth 1 | wc -l)" 0 "entries in the host folders ($1)"
}

# usr/lib -> /abs/host/folder
script_package links "mkdir -p \"\$OSBUILD_DESTDIR/usr\"
ln -s '$host_lib' \"\$OSBUILD_DESTDIR/usr/lib\""
build_dev
run image dev
expect_status 1
expect_contains "/usr/lib is a link to $host_lib (installed by package links)"
expect_contains "hint: make /usr/lib a folder, or a link to a folder inside the image, in package links"
host_folders_empty "absolute link"

# etc -> ../../../<host folder>: climbing out of the root stops at the root, where that folder is not.
script_package links "ln -s '../../../${host_etc#/}' \"\$OSBUILD_DESTDIR/etc\""
rm -rf build/.osbuild/variants
build_dev
run image dev
expect_status 1
expect_contains "/etc is a link to ../../../${host_etc#/} (installed by package links)"
host_folders_empty "relative link"

# A link that stays inside the image is followed inside it: etc -> /usr/etc works.
script_package links 'mkdir -p "$OSBUILD_DESTDIR/usr/etc"; ln -s /usr/etc "$OSBUILD_DESTDIR/etc"'
rm -rf build/.osbuild/variants
build_dev
run image dev
expect_status 0
expect_contains "made image"
host_folders_empty "inside link"
finish

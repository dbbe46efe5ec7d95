#!/usr/bin/env bash
# Archives whose entries would escape the work dir are refused, naming the archive and the entry:
# a `..` component, an absolute path, a symlink and a hard link pointing outside, a device node.
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v python3 >/dev/null || skip "python3 is missing"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
python3 - "$TEST_TMP" <<'PY'
import io, sys, tarfile
out = sys.argv[1]
def make(name, entries):
    with tarfile.open(f"{out}/{name}.tar.gz", "w:gz", format=tarfile.GNU_FORMAT) as t:
        ok = tarfile.TarInfo("top/ok.txt"); ok.size = 3
        t.addfile(ok, io.BytesIO(b"ok\n"))
        for info in entries:
            t.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
def entry(name, kind=tarfile.REGTYPE, link="", size=0):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = size
    return i
make("dotdot", [entry("top/../../evil.txt", size=1)])
make("absolute", [entry("/tmp/evil.txt", size=1)])
make("symlink", [entry("top/link", tarfile.SYMTYPE, "../../../etc")])
make("hardlink", [entry("top/hard", tarfile.LNKTYPE, "../etc/passwd")])
make("device", [entry("top/null", tarfile.CHRTYPE)])
PY
for kind in dotdot absolute symlink hardlink device; do
  script_package "slip-$kind" 'true'
  add_archive "slip-$kind" "$TEST_TMP/$kind.tar.gz"
done
run fetch
expect_status 0

check() {  # check KIND MESSAGE
  run build package "slip-$1"
  expect_status 1
  expect_contains "$2"
}
check dotdot "archive dotdot.tar.gz: entry 'top/../../evil.txt' escapes the work dir through '..'"
check absolute "archive absolute.tar.gz: entry '/tmp/evil.txt' is an absolute path"
check symlink "archive symlink.tar.gz: entry 'top/link' is a symlink to '../../../etc' outside the work dir"
check hardlink "archive hardlink.tar.gz: entry 'top/hard' is a hard link to '../etc/passwd' outside the work dir"
check device "archive device.tar.gz: entry 'top/null' is a device node or fifo"
[ ! -e /tmp/evil.txt ] || fail "an entry escaped to /tmp/evil.txt"
finish

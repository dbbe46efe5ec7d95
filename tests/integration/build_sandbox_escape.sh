#!/usr/bin/env bash
# A package is untrusted code. A probe package's build tries every way out of the sealed sandbox:
# read the caller's $HOME and the project's signing keys, connect to a host Unix socket (by path and
# abstract) and to 127.0.0.1, write into the project, the cache, the host /tmp, /run and /dev/shm,
# and leave a process behind. Every attempt fails, the build itself succeeds, and the test reads what
# the probe recorded in its artifact. Then: a bwrap that cannot start is refused with the way out,
# and `--sandbox unshare` is a different build (another action key, recorded in the build record).
source "$OSBUILD_TESTS/integration/build_lib.bash"
command -v python3 >/dev/null || skip "python3 is missing"
command -v bwrap >/dev/null || skip "bwrap is missing (scripts/install-deps.sh installs bubblewrap)"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
tag="osbuild-probe-$$-$RANDOM"
echo "home secret" >"$HOME/secret.txt"
mkdir -p keys sources/own
echo "-----BEGIN PRIVATE KEY-----" >keys/root.pem
: >"$TEST_TMP/run-marker"

# A Unix socket by path and an abstract one, and a TCP port, all listening on the host.
python3 - "$TEST_TMP" "$tag" <<'PY' &
import os, socket, sys, time
tmp, tag = sys.argv[1], sys.argv[2]
listeners = []
for address in (os.path.join(tmp, "agent.sock"), "\0" + tag):
    s = socket.socket(socket.AF_UNIX); s.bind(address); s.listen(8); listeners.append(s)
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(8); listeners.append(t)
open(os.path.join(tmp, "port.tmp"), "w").write(str(t.getsockname()[1]))
os.rename(os.path.join(tmp, "port.tmp"), os.path.join(tmp, "port"))
for s in listeners: s.settimeout(0.2)
deadline = time.time() + 300
while time.time() < deadline:
    for s in listeners:
        try: s.accept()[0].close()
        except OSError: pass
PY
server=$!
on_exit "kill $server"
for _ in $(seq 100); do [ -s "$TEST_TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TEST_TMP/port")
python3 -c "import socket; socket.socket(socket.AF_UNIX).connect('$TEST_TMP/agent.sock')" ||
  fail "the Unix socket is not reachable outside the sandbox"

script_package probe "#!/bin/sh
out=\"\$OSBUILD_DESTDIR/probe.txt\"
attempt() { name=\$1; shift; if \"\$@\" >/dev/null 2>&1; then echo \"\$name escaped\"; else echo \"\$name denied\"; fi; }
{
  attempt read-home cat '$HOME/secret.txt'
  attempt read-key cat '$PROJECT/keys/root.pem'
  attempt read-project cat '$PROJECT/osbuild.toml'
  attempt list-root-home ls /root
  attempt unix-socket python3 -c \"import socket; socket.socket(socket.AF_UNIX).connect('$TEST_TMP/agent.sock')\"
  attempt abstract-socket python3 -c \"import socket; socket.socket(socket.AF_UNIX).connect('\\\\0$tag')\"
  attempt tcp-loopback python3 -c \"import socket; socket.create_connection(('127.0.0.1', $port), timeout=3)\"
  attempt write-sources sh -c 'echo x >$PROJECT/sources/own/planted'
  attempt write-cache sh -c 'mkdir -p $OSBUILD_CACHE_DIR && echo x >$OSBUILD_CACHE_DIR/planted'
  attempt write-host-tmp sh -c 'echo x >$TEST_TMP/planted'
  attempt write-run sh -c 'echo x >/run/$tag'
  attempt write-dev-shm sh -c 'echo x >/dev/shm/$tag'
  attempt see-run-marker test -e '$TEST_TMP/run-marker'
  echo \"user \$(id -un 2>/dev/null)\"
} >\"\$out\"
# A process left behind: it must not outlive the build.
python3 -c 'import time; time.sleep(300)' leftover-$tag &
echo ok
"
run build package probe
expect_status 0
probe=$PROJECT/build/packages/$(uname -m)/probe/probe.txt
[ -f "$probe" ] || fail "the probe left no record: $out"
# Reads and connections fail; writes land nowhere the host sees (checked below), and with the root
# read-only and /tmp, /dev private, most fail outright.
for attempt in read-home read-key read-project list-root-home unix-socket abstract-socket tcp-loopback \
  write-run see-run-marker; do
  grep -qx "$attempt denied" "$probe" || fail "$attempt: $(grep "^$attempt " "$probe")"
done
grep -qx "user root" "$probe" || fail "the sandbox's /etc/passwd: $(grep '^user' "$probe")"
for planted in "$PROJECT/sources/own/planted" "$OSBUILD_CACHE_DIR/planted" "$TEST_TMP/planted" \
  "/run/$tag" "/dev/shm/$tag"; do
  [ ! -e "$planted" ] || fail "the build wrote $planted"
done
rm -f "/run/$tag" "/dev/shm/$tag"
for _ in $(seq 20); do pgrep -f "leftover-$tag" >/dev/null || break; sleep 0.1; done
pgrep -af "leftover-$tag" && { pkill -f "leftover-$tag"; fail "a process of the build outlived it"; }

# A bwrap that cannot start is refused, with the way out; nothing falls back on its own.
mkdir -p "$TEST_TMP/broken-bin"
printf '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n' \
  >"$TEST_TMP/broken-bin/bwrap"
chmod +x "$TEST_TMP/broken-bin/bwrap"
PATH="$TEST_TMP/broken-bin:$PATH" run build package probe --force
expect_status 1
expect_contains "the sealed build sandbox cannot start"
expect_contains "setting up uid map: Permission denied"
expect_contains "--sandbox unshare"

# The weaker sandbox only when named, and then it is another build.
run build package probe --sandbox unshare --explain
expect_status 0
expect_contains "explain: sandbox: unshare"
expect_contains "built probe"
# The probe works: with network isolation only, the same reads succeed.
for attempt in read-home read-key read-project; do
  grep -qx "$attempt escaped" "$probe" || fail "unshare: $attempt: $(grep "^$attempt " "$probe")"
done
run build package probe --explain
expect_status 0
expect_contains "explain: sandbox: sealed"
expect_not_contains "built probe"
pkill -f "leftover-$tag" || true  # the unshare build's, had it outlived its build
finish

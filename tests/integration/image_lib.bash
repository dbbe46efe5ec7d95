# Shared by tests/integration/image_*.sh (sourced; not a test itself: it has no .sh suffix).
source "$OSBUILD_TESTS/integration/build_lib.bash"
ARCH=$(uname -m)
# The console the image stage puts first on the kernel command line.
CONSOLE=$([ "$ARCH" = x86_64 ] && echo console=ttyS0 || echo console=ttyAMA0)

# image_project DIR [IMAGE_TOML]: a small project of script packages and a variant `dev`:
#   base      usr/bin/hello, etc/hostname               (required by app)
#   app       usr/share/app/data.txt, 200 KiB of data   (requires base)
#   kernel    boot/vmlinuz and boot/initrd.img          (stands in for a kernel package)
#   buildonly usr/lib/buildonly.a                       (a build-time dependency of app only)
image_project() {
  script_project "$1"
  sed -i 's/^name = "build-test"/name = "tiny-os"/' "$PROJECT/osbuild.toml"
  script_package base 'mkdir -p "$OSBUILD_DESTDIR/usr/bin" "$OSBUILD_DESTDIR/etc"
printf "#!/bin/sh\necho hello\n" >"$OSBUILD_DESTDIR/usr/bin/hello"
chmod 755 "$OSBUILD_DESTDIR/usr/bin/hello"
echo tiny >"$OSBUILD_DESTDIR/etc/hostname"'
  script_package buildonly 'mkdir -p "$OSBUILD_DESTDIR/usr/lib"; echo lib >"$OSBUILD_DESTDIR/usr/lib/buildonly.a"'
  script_package app 'mkdir -p "$OSBUILD_DESTDIR/usr/share/app"
echo "app data" >"$OSBUILD_DESTDIR/usr/share/app/data.txt"
head -c 204800 /dev/zero | tr "\0" "a" >"$OSBUILD_DESTDIR/usr/share/app/blob"' \
    'requires = ["base"]
depends = ["buildonly"]'
  script_package kernel 'mkdir -p "$OSBUILD_DESTDIR/boot"
echo "not really a kernel" >"$OSBUILD_DESTDIR/boot/vmlinuz"
echo "not really an initrd" >"$OSBUILD_DESTDIR/boot/initrd.img"'
  local image_toml='format = "raw"
root-filesystem = "erofs"
os-image-size-mib = 512
data-image-size-mib = 64
partition-plan = "split"
in-place-updates = true'
  mkdir -p "$PROJECT/variants/dev"
  cat >"$PROJECT/variants/dev/variant.toml" <<TOML
[variant]
included-packages = ["app", "kernel"]
kernel-parameters = ["quiet"]

[variant.image]
${2:-$image_toml}
TOML
}

# set_image KEY VALUE: rewrites one line of [variant.image].
set_image() { sed -i "s/^$1 = .*/$1 = $2/" "$PROJECT/variants/dev/variant.toml"; }

# build_dev: `osbuild build variant dev`, then the build record the image stage reads. Until the
# build stage writes the record itself, it is made here from the build's state files.
build_dev() {
  mkdir -p "$PROJECT/build/.osbuild/variants/$ARCH"
  run build variant dev
  [ "$status" = 0 ] || { echo "build failed: $out"; exit 1; }
  local record="$PROJECT/build/.osbuild/variants/$ARCH/dev.json"
  [ -f "$record" ] || write_record "$record"
}

write_record() {
  python3 - "$PROJECT" "$ARCH" "$1" <<'PY'
import json, os, sys, tomllib
project, arch, out = sys.argv[1:]
top = tomllib.load(open(os.path.join(project, "osbuild.toml"), "rb"))
variant = tomllib.load(open(os.path.join(project, "variants/dev/variant.toml"), "rb"))["variant"]
state = os.path.join(project, "build/.osbuild/state", arch)
packages = []
for name in sorted(os.listdir(os.path.join(project, "packages"))):
    s = os.path.join(state, name + ".json")
    if not os.path.exists(s):
        continue
    p = tomllib.load(open(os.path.join(project, "packages", name, "package.toml"), "rb"))
    pkg = p["package"]
    packages.append({
        "name": name, "version": pkg["version"], "license": pkg.get("license", ""),
        "artifact": json.load(open(s))["artifact"], "manifest": "",
        "depends": pkg.get("depends", []), "requires": pkg.get("requires", []),
        "sources": [{"url": f["url"], "path": f.get("path", f["url"].rsplit("/", 1)[-1]),
                     "sha512": f["sha512"]} for f in p.get("external-files", [])],
        "git": [{"url": g["url"], "rev": g["rev"]} for g in p.get("git-sources", [])]})
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump({"variant": "dev", "arch": arch,
           "source-date-epoch": int(os.environ.get("SOURCE_DATE_EPOCH", "1700000000")),
           "os-name": top["name"], "release-version": top["release-version"],
           "included-packages": variant["included-packages"], "packages": packages},
          open(out, "w"), indent=1)
PY
}

IMAGES() { echo "$PROJECT/build/images/$ARCH-dev/1.0.0"; }

# image_json FIELD...: a value from image.json, by a python expression on `d`.
image_json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$(IMAGES)/image.json"; }

# partition_file NAME DISK OUT: copies one partition of a raw disk out, using image.json's offsets.
partition_file() {
  local offset size
  offset=$(image_json "[p['offset'] for p in d['partitions'] if p['name']=='$1' and p['disk']=='os'][0]")
  size=$(image_json "[p['size'] for p in d['partitions'] if p['name']=='$1' and p['disk']=='os'][0]")
  dd if="$2" of="$3" bs=1M iflag=skip_bytes,count_bytes skip="$offset" count="$size" status=none
}

# gpt_names DISK: the partition names in table order, from `sgdisk -i` (`-p` cuts long names).
gpt_names() {
  local count i
  count=$(sgdisk -p "$1" | awk '/^ +[0-9]+ /{c++} END{print c}')
  for i in $(seq 1 "$count"); do
    sgdisk -i "$i" "$1" | sed -n "s/^Partition name: '\(.*\)'$/\1/p"
  done | tr '\n' ' '
}

# release_project DIR: image_project with an archive source for `base` and an Infra.toml whose
# default repository signs with keys/dev-root.pem; the shell is left in the project.
release_project() {
  image_project "$1"
  cd "$PROJECT" || exit 1
  printf 'source for base\n' >"$TEST_TMP/base-src.txt"
  add_archive base "$TEST_TMP/base-src.txt"
  cat >Infra.toml <<'TOML'
[repo.default]
signing_keys = { file = { path = "keys/dev-root.pem" } }
TOML
}

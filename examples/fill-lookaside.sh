#!/usr/bin/env bash
# Fill the example projects' local lookaside folder with the upstream tarballs their packages name.
#
# The machine has no general internet access, only Debian's package mirror, so the tarballs come
# from Debian's source packages (`apt-get source --download-only`), whose files apt verifies against
# the signed Sources index. Each file is checked again against the sha512 committed in the
# package.toml that names it, then stored in Bottlerocket's lookaside layout:
#
#     <lookaside>/<path>/<sha512>/<path>
#
# The package.toml files are the single source of truth: this script reads `path` (or the URL's last
# segment) and `sha512` from every [[external-files]] entry under examples/*/packages/, and the
# Debian source package and file name from the entry's `# debian-source: <package> <file>` comment.
#
# Usage: examples/fill-lookaside.sh [LOOKASIDE_DIR]     (default: examples/lookaside)
# Idempotent, and silent when every file is already in place. Needs root only when it has to add a
# deb-src entry, refresh apt's lists or install dpkg-dev.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lookaside=${1:-"$here/lookaside"}
debsrc_file=/etc/apt/sources.list.d/osbuild-deb-src.sources

die() { printf 'fill-lookaside: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'fill-lookaside: %s\n' "$*"; }

sha512_of() { sha512sum "$1" | cut -d' ' -f1; }

# One line per [[external-files]] entry: <path> <sha512> <debian-package> <debian-file> <package.toml>
list_entries() {
  local manifest
  for manifest in "$here"/*/packages/*/package.toml; do
    [[ -f $manifest ]] || continue
    awk -v manifest="$manifest" '
      function value(line) {
        if (match(line, /"[^"]*"/)) return substr(line, RSTART + 1, RLENGTH - 2)
        return ""
      }
      function flush() {
        if (in_entry) {
          if (path == "") { n = split(url, parts, "/"); path = parts[n] }
          if (dpkg == "") dpkg = "-"
          if (dfile == "") dfile = "-"
          print path, sha512, dpkg, dfile, manifest
        }
        in_entry = 0; url = ""; path = ""; sha512 = ""; dpkg = ""; dfile = ""
      }
      /^[ \t]*\[\[external-files\]\]/ { flush(); in_entry = 1; next }
      /^[ \t]*\[/                     { flush(); next }
      in_entry && /^[ \t]*url[ \t]*=/    { url = value($0) }
      in_entry && /^[ \t]*path[ \t]*=/   { path = value($0) }
      in_entry && /^[ \t]*sha512[ \t]*=/ { sha512 = value($0) }
      in_entry && /^[ \t]*#[ \t]*debian-source:/ {
        sub(/^[ \t]*#[ \t]*debian-source:[ \t]*/, ""); split($0, f, /[ \t]+/); dpkg = f[1]; dfile = f[2]
      }
      END { flush() }
    ' "$manifest"
  done | sort -u
}

have_deb_src() {
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
  grep -qsE '^[[:space:]]*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources && return 0
  return 1
}

need_root() {
  [[ $EUID -eq 0 ]] || die "$1 needs root; rerun as root (or do it yourself and rerun)"
}

# A deb-src entry derived from the machine's own deb entries, so no mirror is ever named here.
add_deb_src() {
  need_root "adding a deb-src entry to apt's sources"
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
      /etc/apt/sources.list.d/debian.sources >"$debsrc_file.tmp"
    mv "$debsrc_file.tmp" "$debsrc_file"
    say "added $debsrc_file (deb-src copy of debian.sources)"
  elif grep -qsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' /etc/apt/sources.list \
      >/etc/apt/sources.list.d/osbuild-deb-src.list.tmp
    mv /etc/apt/sources.list.d/osbuild-deb-src.list.tmp /etc/apt/sources.list.d/osbuild-deb-src.list
    say "added /etc/apt/sources.list.d/osbuild-deb-src.list (deb-src copy of sources.list)"
  else
    die "no deb entry found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list to derive a deb-src entry from"
  fi
}

apt_update() {
  need_root "refreshing apt's package lists"
  say "apt-get update"
  apt-get update -qq
}

# ---- what is missing? ----------------------------------------------------------------------------
mapfile -t entries < <(list_entries)
[[ ${#entries[@]} -gt 0 ]] || die "no [[external-files]] entries found under $here/*/packages/"

missing=()
for entry in "${entries[@]}"; do
  read -r path sha512 dpkg dfile manifest <<<"$entry"
  [[ $path =~ ^[A-Za-z0-9._+~-]+$ ]] || die "$manifest: path '$path' must be a single file name"
  [[ $sha512 =~ ^[0-9a-f]{128}$ ]] || die "$manifest: sha512 for $path must be 128 lowercase hex digits"
  target="$lookaside/$path/$sha512/$path"
  if [[ -f $target ]]; then
    actual=$(sha512_of "$target")
    [[ $actual == "$sha512" ]] && continue
    say "removing corrupt $target (sha512 $actual)"
    rm -f "$target"
  fi
  [[ $dpkg != - && $dfile != - ]] ||
    die "$manifest: $path is not in $lookaside and its entry has no '# debian-source: <package> <file>' comment saying where to get it"
  missing+=("$entry")
done
[[ ${#missing[@]} -gt 0 ]] || exit 0

# ---- make apt able to fetch source packages --------------------------------------------------------
have_deb_src || { add_deb_src; apt_update; }
mapfile -t debian_packages < <(printf '%s\n' "${missing[@]}" | awk '{print $3}' | sort -u)
for pkg in "${debian_packages[@]}"; do
  if [[ -z $(apt-cache showsrc "$pkg" 2>/dev/null) ]]; then
    apt_update
    [[ -n $(apt-cache showsrc "$pkg" 2>/dev/null) ]] ||
      die "apt knows no source package '$pkg' even after apt-get update; check the deb-src entries"
  fi
done
if ! dpkg-query -W -f='${Status}' dpkg-dev 2>/dev/null | grep -q 'install ok installed'; then
  need_root "installing dpkg-dev"
  say "installing dpkg-dev"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

# ---- download, verify, store ---------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
apt_opts=(-qq --download-only)
[[ $EUID -eq 0 ]] && apt_opts+=(-o APT::Sandbox::User=root)
say "apt-get source --download-only ${debian_packages[*]}"
(cd "$tmp" && apt-get source "${apt_opts[@]}" "${debian_packages[@]}" >/dev/null) ||
  die "apt-get source ${debian_packages[*]} failed"

for entry in "${missing[@]}"; do
  read -r path sha512 dpkg dfile manifest <<<"$entry"
  downloaded="$tmp/$dfile"
  if [[ ! -f $downloaded ]]; then
    die "Debian's source package '$dpkg' did not provide $dfile (named in $manifest); it provided: $(cd "$tmp" && printf '%s ' *)"
  fi
  actual=$(sha512_of "$downloaded")
  if [[ $actual != "$sha512" ]]; then
    {
      printf 'fill-lookaside: error: sha512 mismatch for %s (Debian %s: %s)\n' "$path" "$dpkg" "$dfile"
      printf '  expected (%s): %s\n' "$manifest" "$sha512"
      printf '  Debian served:  %s\n' "$actual"
    } >&2
    exit 1
  fi
  dir="$lookaside/$path/$sha512"
  mkdir -p "$dir"
  cp "$downloaded" "$dir/.$path.tmp"
  chmod 0644 "$dir/.$path.tmp"
  mv -f "$dir/.$path.tmp" "$dir/$path"
  say "stored $path (sha512 ${sha512:0:16}…) from Debian $dpkg"
done

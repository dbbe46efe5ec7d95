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
# apt may know several versions of a source package (a point release, a security update), and the
# mirror may no longer serve the newest one's files, or that version may carry a repacked tarball.
# So each source package is downloaded version by version, newest first (`apt-cache showsrc`), until
# every file wanted from it has turned up with its pinned sha512; a version that fails to download
# or whose file has another sha512 is skipped with a one-line note. Several files from one source
# package cost one download per version tried.
#
# Usage: examples/fill-lookaside.sh [LOOKASIDE_DIR]     (default: <examples>/lookaside)
# Idempotent, and silent when every file is already in place. Needs root only when it has to add a
# deb-src entry to the machine's apt sources or refresh the machine's apt lists.
#
# Environment:
#   FILL_LOOKASIDE_EXAMPLES     the folder whose */packages/*/package.toml files are read
#                               (default: the folder holding this script)
#   FILL_LOOKASIDE_APT_OPTIONS  extra options for every apt-get and apt-cache call, split on
#                               whitespace, e.g. "-o Dir::Etc::sourcelist=/x/sources.list
#                               -o Dir::Etc::sourceparts=/x/sources.list.d -o Dir::State::lists=/x/lists
#                               -o Dir::Cache=/x/cache"
#   APT_CONFIG                  read by apt itself: a configuration file to use instead of apt.conf
# When either apt setting is given, apt's sources and lists are the caller's: the script never adds
# a deb-src entry then (it fails if that configuration has none), and needs root for nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
examples=${FILL_LOOKASIDE_EXAMPLES:-$here}
examples=${examples%/}
lookaside=${1:-"$examples/lookaside"}
debsrc_file=/etc/apt/sources.list.d/osbuild-deb-src.sources
read -r -a apt_cfg <<<"${FILL_LOOKASIDE_APT_OPTIONS:-}"
private_apt=0
[[ ${#apt_cfg[@]} -gt 0 || -n ${APT_CONFIG:-} ]] && private_apt=1

die() { printf 'fill-lookaside: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'fill-lookaside: %s\n' "$*"; }

sha512_of() { sha512sum "$1" | cut -d' ' -f1; }
join() { local sep=$1 out=$2 item; shift 2; for item in "$@"; do out+="$sep$item"; done; printf '%s' "$out"; }

# One line per [[external-files]] entry: <path> <sha512> <debian-package> <debian-file> <package.toml>
list_entries() {
  local manifest
  for manifest in "$examples"/*/packages/*/package.toml; do
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

# apt's own view of its sources, so a private configuration is honoured like the machine's.
have_deb_src() {
  # shellcheck disable=SC2016 # $(IDENTIFIER) is apt's placeholder
  apt-get "${apt_cfg[@]}" indextargets --no-release-info --format '$(IDENTIFIER)' 2>/dev/null |
    grep -qx Sources
}

need_root() {
  [[ $private_apt -eq 1 || $EUID -eq 0 ]] || die "$1 needs root; rerun as root (or do it yourself and rerun)"
}

# A deb-src entry derived from the machine's own deb entries, so no mirror is ever named here.
add_deb_src() {
  [[ $private_apt -eq 0 ]] ||
    die "the apt configuration given by FILL_LOOKASIDE_APT_OPTIONS or APT_CONFIG has no deb-src entry; add one to its sources"
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
  apt-get "${apt_cfg[@]}" update -qq
}

# The versions of source package $1 that apt knows, newest first (Debian's version order).
source_versions() {
  local version i
  local -a sorted=()
  while read -r version; do
    i=${#sorted[@]}
    while ((i > 0)) && dpkg --compare-versions "$version" gt "${sorted[i - 1]}"; do
      sorted[i]=${sorted[i - 1]}
      i=$((i - 1))
    done
    sorted[i]=$version
  done < <(apt-cache "${apt_cfg[@]}" showsrc "$1" 2>/dev/null |
    awk -v pkg="$1" '/^Package:/ { p = $2 } /^Version:/ && p == pkg { print $2 }' | sort -u)
  [[ ${#sorted[@]} -eq 0 ]] || printf '%s\n' "${sorted[@]}"
}

# One line saying why `apt-get source` failed, from its stderr in file $1:
# "Failed to fetch <url>  404  Not Found [IP: …]" becomes "<file>: 404 Not Found".
download_error() {
  local line
  line=$(grep -m1 '^E: ' "$1" || tail -n1 "$1" || true)
  line=${line#E: }
  if [[ $line =~ ^Failed\ to\ fetch\ ([^[:space:]]+)[[:space:]]+(.*)$ ]]; then
    line="${BASH_REMATCH[1]##*/}: ${BASH_REMATCH[2]% \[IP:*}"
    line=$(printf '%b' "${line//%/\\x}") # the file name as apt quoted it in the URL: %2b is +
  fi
  line=$(tr -s ' \t' '  ' <<<"$line")
  printf '%s\n' "${line:-apt-get source failed}"
}

# store ENTRY FILE: FILE has ENTRY's sha512; place it in the lookaside.
store() {
  local path sha512 dpkg dfile manifest dir
  read -r path sha512 dpkg dfile manifest <<<"$1"
  dir="$lookaside/$path/$sha512"
  mkdir -p "$dir"
  cp "$2" "$dir/.$path.tmp"
  chmod 0644 "$dir/.$path.tmp"
  mv -f "$dir/.$path.tmp" "$dir/$path"
  say "stored $path (sha512 ${sha512:0:16}…) from Debian $dpkg $3"
}

# fetch_package PKG: tries PKG's versions newest first until every missing entry naming PKG is
# stored. What could not be found is appended to $tmp/failures, one paragraph per entry.
fetch_package() {
  local pkg=$1 version dir entry path sha512 dpkg dfile manifest actual why next n
  local -a wanted=() remaining=() versions=() notes=()
  local -A tried=()
  for entry in "${missing[@]}"; do
    read -r path sha512 dpkg dfile manifest <<<"$entry"
    [[ $dpkg == "$pkg" ]] && wanted+=("$entry")
  done
  mapfile -t versions < <(source_versions "$pkg")
  for ((n = 0; n < ${#versions[@]}; n++)); do
    version=${versions[n]}
    next="trying ${versions[n + 1]:-}"
    ((n + 1 < ${#versions[@]})) || next="no older version left"
    dir="$tmp/$pkg/$version"
    mkdir -p "$dir"
    if ! (cd "$dir" && apt-get "${apt_cfg[@]}" source "${apt_opts[@]}" "$pkg=$version" \
      >/dev/null 2>"$dir.err"); then
      why="download failed ($(download_error "$dir.err"))"
      say "Debian $pkg $version: $why; $next"
      for entry in "${wanted[@]}"; do
        read -r path sha512 dpkg dfile manifest <<<"$entry"
        tried[$dfile]+="    $version: $why"$'\n'
      done
      continue
    fi
    remaining=() notes=()
    for entry in "${wanted[@]}"; do
      read -r path sha512 dpkg dfile manifest <<<"$entry"
      if [[ ! -f $dir/$dfile ]]; then
        why="no $dfile (it provides: $(cd "$dir" && printf '%s ' * | sed 's/ $//'))"
        notes+=("no $dfile")
      else
        actual=$(sha512_of "$dir/$dfile")
        if [[ $actual == "$sha512" ]]; then
          store "$entry" "$dir/$dfile" "$version"
          continue
        fi
        why="$dfile has sha512 $actual"
        notes+=("$dfile has sha512 ${actual:0:16}…, not ${sha512:0:16}…")
      fi
      tried[$dfile]+="    $version: $why"$'\n'
      remaining+=("$entry")
    done
    wanted=("${remaining[@]}")
    [[ ${#wanted[@]} -gt 0 ]] || return 0
    say "Debian $pkg $version: $(join '; ' "${notes[@]}"); $next"
  done
  for entry in "${wanted[@]}"; do
    read -r path sha512 dpkg dfile manifest <<<"$entry"
    {
      printf 'fill-lookaside: error: %s: no version of Debian source package %s provides %s with sha512 %s…\n' \
        "$manifest" "$pkg" "$dfile" "${sha512:0:16}"
      if [[ ${#versions[@]} -eq 0 ]]; then
        printf '  versions tried: none (apt knows no version of %s)\n' "$pkg"
      else
        printf '  versions tried, newest first:\n%s' "${tried[$dfile]}"
      fi
      printf '  fix: add a deb-src entry for a suite or snapshot that still serves a version with this file\n'
      printf '       and rerun (apt-get update first), or put the file at %s yourself;\n' \
        "$lookaside/$path/$sha512/$path"
      printf '       if upstream really changed the file, update path, sha512 and the debian-source comment in %s\n' \
        "$manifest"
    } >>"$tmp/failures"
  done
}

# ---- what is missing? ----------------------------------------------------------------------------
mapfile -t entries < <(list_entries)
[[ ${#entries[@]} -gt 0 ]] || die "no [[external-files]] entries found under $examples/*/packages/"

missing=()
declare -A seen=()
for entry in "${entries[@]}"; do
  read -r path sha512 dpkg dfile manifest <<<"$entry"
  [[ $path =~ ^[A-Za-z0-9._+~-]+$ ]] || die "$manifest: path '$path' must be a single file name"
  [[ $sha512 =~ ^[0-9a-f]{128}$ ]] || die "$manifest: sha512 for $path must be 128 lowercase hex digits"
  target="$lookaside/$path/$sha512/$path"
  [[ -z ${seen[$target]:-} ]] || continue
  seen[$target]=1
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
  if [[ -z $(apt-cache "${apt_cfg[@]}" showsrc "$pkg" 2>/dev/null) ]]; then
    apt_update
    [[ -n $(apt-cache "${apt_cfg[@]}" showsrc "$pkg" 2>/dev/null) ]] ||
      die "apt knows no source package '$pkg' even after apt-get update; check the deb-src entries"
  fi
done

# ---- download, verify, store ---------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
apt_opts=(-qq --download-only)
[[ $EUID -eq 0 ]] && apt_opts+=(-o APT::Sandbox::User=root)
for pkg in "${debian_packages[@]}"; do
  fetch_package "$pkg"
done
if [[ -s $tmp/failures ]]; then
  cat "$tmp/failures" >&2
  exit 1
fi

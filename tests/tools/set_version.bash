# set_version VERSION: raises the release version of the project in the current folder
# (Release.toml's version and osbuild.toml's release-version), with an empty migration to it.
# Sourced by the repo tests, the update boot tests and the benchmarks.
set_version() {
  local old
  old=$(sed -n 's/^version = "\(.*\)"/\1/p' Release.toml)
  sed -i "s/^version = \".*\"/version = \"$1\"/" Release.toml
  printf '"(%s, %s)" = []\n' "$old" "$1" >>Release.toml
  sed -i "s/^release-version = \"[^\"]*\"/release-version = \"$1\"/" osbuild.toml
}

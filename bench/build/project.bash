# The project generator of bench/build/run.sh and ab.sh: COUNT script packages p1..pCOUNT, each
# running SCRIPT and writing one file; with CHAIN, p_i depends on p_(i-1) and p_(i/2).
make_project() {  # make_project DIR COUNT SCRIPT [CHAIN]
  mkdir -p "$1/packages"
  printf 'schema-version = 1\nname = "bench"\nrelease-version = "1.0.0"\n' >"$1/osbuild.toml"
  local i deps
  for i in $(seq 1 "$2"); do
    mkdir -p "$1/packages/p$i"
    deps=""
    [[ ${4:-} == chain && $i -gt 2 ]] && deps="depends = [\"p$((i - 1))\", \"p$((i / 2))\"]"
    printf '%s\nmkdir -p "$OSBUILD_DESTDIR" && echo %s >"$OSBUILD_DESTDIR/p%s"\n' "$3" "$i" "$i" \
      >"$1/packages/p$i/build.sh"
    printf '[package]\nname = "p%s"\nversion = "1.0.0"\nlicense = "MIT"\n%s\n[build]\nsystem = "script"\nscript = "build.sh"\n' \
      "$i" "$deps" >"$1/packages/p$i/package.toml"
  done
  printf '[variant]\nincluded-packages = [%s]\n' \
    "$(seq 1 "$2" | sed 's/^/"p/; s/$/"/' | paste -sd,)" >"$1/variants.tmp"
  mkdir -p "$1/variants/all" && mv "$1/variants.tmp" "$1/variants/all/variant.toml"
}

# The build script of (c)'s CPU-bound packages: about 0.4 s of shell arithmetic, no I/O.
cpu_bound_script='i=0; while [ $i -lt 400000 ]; do i=$((i + 1)); done'

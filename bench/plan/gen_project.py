#!/usr/bin/env python3
"""Writes a synthetic osbuild project: N packages with about E build-time edges, a variant that
includes every package, and a build script per package. Deterministic for a given seed.

usage: gen_project.py OUT_DIR [--packages 2000] [--edges 10000] [--seed 1]
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    n = args.packages
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "osbuild.toml"), "w") as f:
        f.write('schema-version = 1\nname = "bench-os"\nrelease-version = "1.0.0"\n')
    with open(os.path.join(args.out, "Release.toml"), "w") as f:
        f.write('version = "1.0.0"\n')
    # Edges point from a package to lower-numbered ones, so the graph is acyclic by construction.
    deps = [set() for _ in range(n)]
    edges = 0
    while edges < args.edges:
        a = rng.randrange(1, n)
        b = rng.randrange(max(0, a - 200), a)
        if b not in deps[a]:
            deps[a].add(b)
            edges += 1
    for i in range(n):
        d = os.path.join(args.out, "packages", f"pkg{i:04d}")
        os.makedirs(d, exist_ok=True)
        names = ", ".join(f'"pkg{j:04d}"' for j in sorted(deps[i]))
        with open(os.path.join(d, "package.toml"), "w") as f:
            f.write(f'[package]\nname = "pkg{i:04d}"\nversion = "1.0.{i}"\nlicense = "MIT"\n'
                    f"depends = [{names}]\n\n[build]\nsystem = \"script\"\nscript = \"build.sh\"\n")
        with open(os.path.join(d, "build.sh"), "w") as f:
            f.write(f"#!/bin/sh\necho pkg{i:04d} > \"$OSBUILD_DESTDIR/pkg{i:04d}\"\n")
    v = os.path.join(args.out, "variants", "big")
    os.makedirs(v, exist_ok=True)
    included = ", ".join(f'"pkg{i:04d}"' for i in range(n))
    with open(os.path.join(v, "variant.toml"), "w") as f:
        f.write(f'[variant]\nincluded-packages = [{included}]\nsupported-arches = ["x86_64", "aarch64"]\n')
    print(f"wrote {n} packages and {edges} edges to {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets into <corpus>/<target>/ (docs/fuzzing.md).

Usage: seeds.py SOURCE_DIR CORPUS_DIR. Each seed is named after its content's sha1, so running it
again adds nothing twice; inputs already in the corpus (crash reproducers among them) are kept.
"""
import hashlib
import io
import json
import os
import pathlib
import sys
import tarfile
import zipfile


def put(corpus, target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("seed-" + hashlib.sha1(data).hexdigest())
    if not path.exists():
        path.write_bytes(data)


def toml_kind(path):
    name = path.name
    if name == "osbuild.toml":
        return "o"
    if name == "package.toml":
        return "p"
    if name == "kit.toml":
        return "k"
    if name == "variant.toml":
        return "v"
    if name == "Release.toml":
        return "r"
    if name.startswith("Infra"):
        return "i"
    if "expiration" in name or name == "2w-2w-1w.toml":
        return "e"
    if "waves" in name:
        return "w"
    return None


def config_seeds(source, corpus):
    for folder in ("tests/data", "tests/golden/cases", "examples"):
        for path in sorted((source / folder).rglob("*.toml")):
            kind = toml_kind(path)
            if kind is not None:
                put(corpus, "config", kind.encode() + path.read_bytes())


def tar_bytes(entries, mode="w"):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.GNU_FORMAT) as tar:
        for name, kind, payload in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1700000000
            if kind == "file":
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                continue
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, payload
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, payload
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            elif kind == "chr":
                info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
            tar.addfile(info)
    return out.getvalue()


def zip_bytes(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, payload in entries:
            z.writestr(zipfile.ZipInfo(name, (2023, 11, 14, 0, 0, 0)), payload)
    return out.getvalue()


def unpack_seeds(corpus):
    benign = [("pkg-1.0", "dir", None), ("pkg-1.0/README", "file", b"hello\n"),
              ("pkg-1.0/src", "dir", None), ("pkg-1.0/src/main.c", "file", b"int main(){}\n"),
              ("pkg-1.0/link", "symlink", "src/main.c"), ("pkg-1.0/hard", "hardlink", "pkg-1.0/README")]
    hostile = [
        [("../escape", "file", b"x")],
        [("/abs", "file", b"x")],
        [("a/../../escape", "file", b"x")],
        [("up", "symlink", "../outside")],
        [("abs", "symlink", "/tmp/osbuild-fuzz-outside")],
        [("dot", "symlink", "."), ("esc", "symlink", "dot/..")],
        [("d", "dir", None), ("d/l", "symlink", ".."), ("d/l/x", "file", b"x")],
        [("hl", "hardlink", "/tmp/osbuild-fuzz-outside")],
        [("hl", "hardlink", "../archive")],
        [("fifo", "fifo", None)],
        [("null", "chr", None)],
        [("top/a", "file", b"a"), ("top/b", "symlink", "../x")],
    ]
    # flag byte: bit 0 strips the top folder, bit 1 keeps symlinks as they are.
    for flags in (b"\0", b"\1"):
        put(corpus, "unpack", flags + tar_bytes(benign))
        put(corpus, "unpack", flags + tar_bytes(benign, "w:gz"))
        put(corpus, "unpack", flags + tar_bytes(benign, "w:bz2"))
        put(corpus, "unpack", flags + tar_bytes(benign, "w:xz"))
        put(corpus, "unpack", flags + zip_bytes([("pkg/a.txt", b"a"), ("pkg/dir/", b""), ("pkg/dir/b", b"b")]))
    for entries in hostile:
        put(corpus, "unpack", b"\0" + tar_bytes(entries))
        put(corpus, "unpack", b"\3" + tar_bytes(entries))
    put(corpus, "unpack", b"\0" + zip_bytes([("../zip-slip", b"x")]))
    put(corpus, "unpack", b"\0" + zip_bytes([("/abs", b"x")]))


def oci_seeds(corpus):
    digest = "sha256:" + hashlib.sha256(b"{}").hexdigest()
    auth = json.dumps({"auths": {"127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"},
                                 "https://index.docker.io/v1/": {"username": "u", "password": "p"}}})
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                       "digest": digest, "size": 2,
                                       "platform": {"architecture": "amd64", "os": "linux"}},
                                      {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                       "digest": digest, "size": 2,
                                       "platform": {"architecture": "arm64", "os": "linux"}}]})
    for seed in ["r127.0.0.1:5000/osbuild", "rregistry.example.org/a/b/", "r[::1]:5000",
                 'cBearer realm="http://127.0.0.1:5000/token",service="registry",'
                 'scope="repository:osbuild/core-kit:pull"',
                 'cBasic realm="registry", charset=UTF-8', "cBearer realm=\"a\\\"b\"",
                 "d127.0.0.1:5000\0" + auth, "dindex.docker.io\0" + auth,
                 "bdXNlcjpwYXNz", "bYQ==", "uuser:pa:ss", "g" + digest + "\0{}", "g" + digest + "\0{",
                 "i" + index, 'i{"manifests": []}']:
        put(corpus, "oci", seed)


def units_seeds(corpus):
    for seed in ["512 MiB", "20 GiB", "4096", "1 kB", "16 TiB", "18446744073709551615",
                 "in 2 weeks", "30 minutes", "7 days", "1 hour", "2026-12-01T00:00:00Z",
                 "2026-12-01T10:20:30.123+02:00", "2026-02-29T00:00:00Z", "1999-12-31 23:59:60z"]:
        put(corpus, "units", seed)


def rewrite_seeds(corpus):
    lines = [
        "-O2\n-g\n-c\nfoo.c\n-o\nfoo.o",
        "-lgcc_s\n--target=x86_64-linux-gnu\n-Wl,--no-undefined-version\n-Wp,-D_FORTIFY_SOURCE=2",
        "-march=armv8.2-a+crypto+crc+sha3\n-mtune=cortex-a72\ncrc.S",
        "-mcpu=native\n-march=native",
        "-march=x86-64-v3\n-mavx512f\n-mavx512vl",
        "-Wl,--dynamic-list\nlist.txt\n-Wl,-exported_symbols_list,syms\n-eentry",
        "-target\nx86_64-linux-musl\n-lc\n/usr/lib/self-contained/crt1.o\n-Wl,-melf_i386",
        "-Xassembler\n-march=armv8-a+crc\n-mcpu=cortex_a53\n-Wl,-plugin-opt=O2",
    ]
    for flags in (b"\0", b"\1", b"\2", b"\5", b"\x08", b"\x10"):
        for line in lines:
            put(corpus, "rewrite", flags + line.encode())


def main():
    source, corpus = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    config_seeds(source, corpus)
    unpack_seeds(corpus)
    oci_seeds(corpus)
    units_seeds(corpus)
    rewrite_seeds(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())

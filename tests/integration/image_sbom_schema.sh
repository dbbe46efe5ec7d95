#!/usr/bin/env bash
# hello-os's SBOM validates against the published SPDX 2.3 JSON schema (tests/data/spdx/, checked
# with python3-jsonschema), records zlib, whose libz.a hello-agent links, as a package of its own
# with a STATIC_LINK from hello-agent (zlib's files are not in the image), and gives packages with
# a known upstream a purl and every built package a supplier.
source "$OSBUILD_TESTS/integration/image_lib.bash"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  fail "python3 cannot import jsonschema: scripts/install-deps.sh installs python3-jsonschema"
  finish
fi
setup_hello_os
build_dev
run image dev
expect_status 0
sbom=$PROJECT/build/images/$ARCH-dev/1.4.0/hello-os-dev-$ARCH-1.4.0.spdx.json

schema=$OSBUILD_SOURCE_DIR/tests/data/spdx/spdx-schema.json
python3 - "$schema" "$sbom" <<'PY' || fail "SBOM checks"
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
problems = []
validator = jsonschema.Draft7Validator(schema)
for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
    problems.append("schema: %s: %s" % ("/".join(map(str, e.absolute_path)), e.message))

by_name = {p["name"]: p for p in doc["packages"]}
rels = {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]}
if "zlib" not in by_name:
    problems.append("zlib is not in the SBOM: " + " ".join(sorted(by_name)))
else:
    if ("SPDXRef-Package-hello-agent", "STATIC_LINK", "SPDXRef-Package-zlib") not in rels:
        problems.append("no STATIC_LINK hello-agent -> zlib")
    if ("SPDXRef-OperatingSystem", "CONTAINS", "SPDXRef-Package-zlib") in rels:
        problems.append("the OS CONTAINS zlib, whose files are not in the image")
    if by_name["zlib"].get("versionInfo") != "1.2.13":
        problems.append("zlib version %r" % by_name["zlib"].get("versionInfo"))
links = sorted((a, b) for a, t, b in rels if t == "STATIC_LINK")
if links != [("SPDXRef-Package-hello-agent", "SPDXRef-Package-zlib")]:
    problems.append("static links: %s" % links)

def purl(name):
    refs = by_name.get(name, {}).get("externalRefs", [])
    return [r["referenceLocator"] for r in refs if r["referenceType"] == "purl"]

expected = {
    "lua": "pkg:generic/lua@5.4.4?download_url=https://www.lua.org/ftp/lua-5.4.4.tar.gz",
    "zlib": "pkg:generic/zlib@1.2.13?download_url=https://zlib.net/fossils/zlib-1.2.13.tar.gz",
}
for name, want in expected.items():
    if purl(name) != [want]:
        problems.append("%s purl %s, expected %s" % (name, purl(name), want))
if purl("hello-agent"):
    problems.append("hello-agent has no upstream but a purl %s" % purl("hello-agent"))
for name in ["hello-os", "hello-agent", "lua", "zlib", "init", "os-release"]:
    if by_name.get(name, {}).get("supplier") != "Organization: hello-os project":
        problems.append("%s supplier %r" % (name, by_name.get(name, {}).get("supplier")))
for p in doc["packages"]:
    if p.get("primaryPackagePurpose") == "SOURCE" and p.get("supplier") != "NOASSERTION":
        problems.append("source %s supplier %r" % (p["name"], p.get("supplier")))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
finish

#!/usr/bin/env bash
# The SPDX 2.3 SBOM carries the document and package fields SPDX requires, relationships, a valid
# license expression on every package (checked with the npm packages spdx-expression-parse and
# spdx-license-ids), and a download location and sha512 on every package.
source "$OSBUILD_TESTS/integration/image_lib.bash"

spdx_modules() {
  local d
  for d in /opt/osbuild/spdx/node_modules "${TMPDIR:-/tmp}/osbuild-npm-spdx/node_modules"; do
    [ -d "$d/spdx-expression-parse" ] && [ -d "$d/spdx-license-ids" ] && { echo "$d"; return; }
  done
  d=${TMPDIR:-/tmp}/osbuild-npm-spdx
  npm install --silent --no-audit --no-fund --prefix "$d" spdx-expression-parse spdx-license-ids \
    >"$TEST_TMP/npm.log" 2>&1 && echo "$d/node_modules"
}
modules=$(spdx_modules) || skip "npm cannot install spdx-expression-parse: $(tail -n 2 "$TEST_TMP/npm.log")"

image_project "$TEST_TMP/p"
cd "$PROJECT" || exit 1
sed -i 's/^license = "MIT"/license = "MIT OR Apache-2.0"/' "$PROJECT/packages/app/package.toml"
sed -i 's/^license = "MIT"/license = "GPL-2.0-only WITH Linux-syscall-note"/' "$PROJECT/packages/kernel/package.toml"
printf 'source data\n' >"$TEST_TMP/base-notes.txt"
add_archive base "$TEST_TMP/base-notes.txt"
run fetch
expect_status 0
build_dev
run image dev
expect_status 0
sbom=$(IMAGES)/tiny-os-dev-$ARCH-1.0.0.spdx.json

NODE_PATH=$modules node - "$sbom" "$(sha512sum "$TEST_TMP/base-notes.txt" | cut -d' ' -f1)" <<'JS'
const fs = require("fs");
const parse = require("spdx-expression-parse");
const ids = new Set(require("spdx-license-ids"));
const doc = JSON.parse(fs.readFileSync(process.argv[2]));
const fail = (m) => { console.log("FAIL: " + m); process.exitCode = 1; };
for (const f of ["spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo", "packages", "relationships"])
  if (!(f in doc)) fail("document lacks " + f);
if (doc.spdxVersion !== "SPDX-2.3") fail("spdxVersion " + doc.spdxVersion);
if (doc.dataLicense !== "CC0-1.0") fail("dataLicense");
if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(doc.creationInfo.created)) fail("created " + doc.creationInfo.created);
if (!doc.creationInfo.creators.length) fail("no creators");
try { new URL(doc.documentNamespace); } catch (e) { fail("namespace is not a URI"); }
const known = new Set(doc.packages.map((p) => p.SPDXID));
for (const p of doc.packages) {
  for (const f of ["SPDXID", "name", "downloadLocation", "filesAnalyzed", "licenseConcluded", "licenseDeclared", "copyrightText"])
    if (!(f in p)) fail(p.name + " lacks " + f);
  if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(p.SPDXID)) fail("bad SPDXID " + p.SPDXID);
  for (const l of [p.licenseConcluded, p.licenseDeclared]) {
    if (l === "NOASSERTION" || l === "NONE") continue;
    let ast;
    try { ast = parse(l); } catch (e) { fail(p.name + ": invalid license expression " + l); continue; }
    const walk = (n) => n.license ? (ids.has(n.license) || fail(p.name + ": unknown license " + n.license)) : (walk(n.left), walk(n.right));
    walk(ast);
  }
  if (!p.downloadLocation) fail(p.name + " has no download location");
  const sha512 = (p.checksums || []).find((c) => c.algorithm === "SHA512");
  if (!sha512 || !/^[0-9a-f]{128}$/.test(sha512.checksumValue)) fail(p.name + " has no sha512");
}
for (const r of doc.relationships)
  for (const e of [r.spdxElementId, r.relatedSpdxElement])
    if (e !== "SPDXRef-DOCUMENT" && !known.has(e)) fail("relationship to unknown " + e);
const names = doc.packages.map((p) => p.name).sort().join(" ");
if (!names.includes("app") || !names.includes("base") || !names.includes("kernel")) fail("packages: " + names);
if (names.includes("buildonly")) fail("a build-only package is in the SBOM");
const src = doc.packages.find((p) => p.name === "base-notes.txt");
if (!src) fail("no source package for base-notes.txt");
else {
  if (src.downloadLocation !== "https://example.invalid/base-notes.txt") fail("source URL " + src.downloadLocation);
  if (src.checksums[0].checksumValue !== process.argv[3]) fail("source sha512");
}
const rel = (a, t, b) => doc.relationships.some((r) => r.spdxElementId === a && r.relationshipType === t && r.relatedSpdxElement === b);
if (!rel("SPDXRef-DOCUMENT", "DESCRIBES", doc.documentDescribes[0])) fail("no DESCRIBES");
if (!rel("SPDXRef-Package-app", "DEPENDS_ON", "SPDXRef-Package-base")) fail("no app DEPENDS_ON base");
if (!rel("SPDXRef-Package-base", "GENERATED_FROM", src && src.SPDXID)) fail("no GENERATED_FROM");
JS
[ $? = 0 ] || fail "SBOM checks"
finish

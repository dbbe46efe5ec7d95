// A corpus of TUF repositories for comparing clients, made with tuf-js's @tufjs/models (a producer
// osbuild did not write): good ones, and broken ones that each carry one defect with everything
// else signed consistently around it.
//
//   node tuf_corpus.mjs --modules DIR/node_modules --out CORPUS_DIR
//
// Every repository has separate root, targets, snapshot and timestamp keys, and targets.json
// delegates apps/* to "apps" (which delegates apps/extra-* to "nested") and every other path by
// the sha256 of its name to four hash-bin roles, bin-0 … bin-3 (path_hash_prefixes). Writes
// CORPUS_DIR/<name>/root.json (the trusted root to start from), <name>/metadata/, <name>/targets/,
// for a rollback case <name>/before/{metadata,targets}/ (a state a client trusts first), and
// CORPUS_DIR/index.json: [{name, expect: "good"|"bad", defect, also: [delegated targets],
// before: bool}].
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    args[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  for (const need of ['modules', 'out']) {
    if (!args[need]) throw new Error(`--${need} is required`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
const { Metadata, MetadataKind, Signature } = require('@tufjs/models');
const { canonicalize } = require('@tufjs/canonical-json');

const digest = (algorithm, bytes) => crypto.createHash(algorithm).update(bytes).digest('hex');
const inDays = (days) => new Date(Date.now() + days * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
const flipHex = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

function makeKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const pub = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: spki.subarray(-32).toString('hex') } };
  return { privateKey, pub, id: digest('sha256', canonicalize(pub)) };
}
const K = Object.fromEntries(
  ['root', 'root2', 'targets', 'targets2', 'targets3', 'snapshot', 'timestamp', 'timestamp2', 'apps', 'nested', 'bins', 'early'].map(
    (name) => [name, makeKey()],
  ),
);
const keyMap = (keys) => Object.fromEntries(keys.map((k) => [k.id, k.pub]));

const BINS = [['0', '1', '2', '3'], ['4', '5', '6', '7'], ['8', '9', 'a', 'b'], ['c', 'd', 'e', 'f']];
const binOf = (name) => `bin-${BINS.findIndex((prefixes) => prefixes.includes(digest('sha256', name)[0]))}`;
const delegation = (name, keys, threshold, terminating, match) => ({
  name, keyids: keys.map((k) => k.id), threshold, terminating, ...match,
});

// A good repository's description; a case edits it before it is written.
function model() {
  const m = {
    layout: 'consistent',
    hashOrder: ['sha256', 'sha512'],
    version: {},  // role → version, 1 when absent
    expires: { root: 365, timestamp: 7, snapshot: 30, targets: 30 },  // days, per role
    roots: [{ version: 1, rootKeys: [K.root], signers: [K.root], top: {
      targets: { keys: [K.targets], threshold: 1 },
      snapshot: { keys: [K.snapshot], threshold: 1 },
      timestamp: { keys: [K.timestamp], threshold: 1 },
    } }],
    roles: {
      targets: { files: { 'hello.txt': 'hello from the corpus\n', 'manifest.json': '{"updates": []}\n' } },
      apps: { files: { 'apps/one.txt': 'app one\n' }, signers: [K.apps] },
      nested: { files: { 'apps/extra-two.txt': 'extra two\n' }, signers: [K.nested] },
    },
  };
  m.roles.targets.delegations = {
    keys: keyMap([K.apps, K.bins]),
    roles: [
      delegation('apps', [K.apps], 1, false, { paths: ['apps/*'] }),
      ...BINS.map((prefixes, i) => delegation(`bin-${i}`, [K.bins], 1, true, { path_hash_prefixes: prefixes })),
    ],
  };
  m.roles.apps.delegations = {
    keys: keyMap([K.nested]),
    roles: [delegation('nested', [K.nested], 1, false, { paths: ['apps/extra-*'] })],
  };
  BINS.forEach((_, i) => { m.roles[`bin-${i}`] = { files: {}, signers: [K.bins] }; });
  for (let i = 1; i <= 6; i++) {
    const name = `pkgs/p${i}.txt`;
    m.roles[binOf(name)].files[name] = `package ${i}\n`;
  }
  return m;
}

const version = (m, role) => m.version[role] ?? 1;
const setVersions = (m, v) => {
  for (const role of ['timestamp', 'snapshot', ...Object.keys(m.roles)]) m.version[role] = v;
};

// Writes the repository `m` describes into dir; `d` holds the case's hooks.
function writeRepo(dir, m, d = {}) {
  const metadataDir = path.join(dir, 'metadata');
  const targetsDir = path.join(dir, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetsDir, { recursive: true });
  const consistent = m.layout === 'consistent';
  const metaName = (v, role) => (consistent ? `${v}.${role}.json` : `${role}.json`);
  const sign = (kind, signed, signers) => {
    const md = Metadata.fromJSON(kind, { signed, signatures: [] });
    for (const k of signers) {
      md.sign((data) => new Signature({ keyID: k.id, sig: crypto.sign(null, data, k.privateKey).toString('hex') }));
    }
    const json = md.toJSON();
    d.signatures?.(kind, json);
    return JSON.stringify(json, null, 2) + '\n';
  };
  const write = (name, text) => fs.writeFileSync(path.join(metadataDir, name), text);
  const common = (type, role) => ({ _type: type, spec_version: '1.0.31', version: version(m, role), expires: inDays(m.expires[role] ?? 30) });

  let trusted;
  for (const r of m.roots) {
    const allKeys = [...r.rootKeys, ...Object.values(r.top).flatMap((t) => t.keys)];
    const role = (keys, threshold) => ({ keyids: keys.map((k) => k.id), threshold });
    const signed = {
      _type: 'root', spec_version: '1.0.31', version: r.version, expires: inDays(r.expires ?? m.expires.root),
      consistent_snapshot: consistent,
      keys: keyMap(allKeys),
      roles: {
        root: role(r.rootKeys, 1),
        targets: role(r.top.targets.keys, r.top.targets.threshold),
        snapshot: role(r.top.snapshot.keys, r.top.snapshot.threshold),
        timestamp: role(r.top.timestamp.keys, r.top.timestamp.threshold),
      },
    };
    d.root?.(r, signed);
    const text = sign(MetadataKind.Root, signed, r.signers);
    write(`${r.version}.root.json`, text);
    if (!consistent && r === m.roots.at(-1)) write('root.json', text);
    trusted ??= text;
  }
  const top = m.roots.at(-1).top;

  const snapshotMeta = {};
  for (const [roleName, spec] of Object.entries(m.roles)) {
    const targets = {};
    for (const [name, text] of Object.entries(spec.files)) {
      const bytes = Buffer.from(text);
      const hashes = Object.fromEntries(m.hashOrder.map((a) => [a, digest(a, bytes)]));
      const info = { length: bytes.length, hashes };
      d.target?.(roleName, name, info);
      const stored = d.stored?.(roleName, name, bytes) ?? bytes;
      const dirPart = path.dirname(name) === '.' ? '' : path.dirname(name);
      const base = path.basename(name);
      fs.mkdirSync(path.join(targetsDir, dirPart), { recursive: true });
      fs.writeFileSync(path.join(targetsDir, dirPart, consistent ? `${hashes[m.hashOrder[0]]}.${base}` : base), stored);
      targets[name] = info;
    }
    const signed = { ...common('targets', roleName), targets };
    if (roleName !== 'targets') signed.expires = inDays(m.expires[roleName] ?? 30);
    if (spec.delegations) signed.delegations = spec.delegations;
    d.signed?.(roleName, signed);
    const signers = spec.signers ?? top.targets.signers ?? top.targets.keys;
    const text = sign(MetadataKind.Targets, signed, signers);
    write(metaName(version(m, roleName), roleName), text);
    snapshotMeta[`${roleName}.json`] = {
      version: version(m, roleName), length: Buffer.byteLength(text), hashes: { sha256: digest('sha256', text) },
    };
  }
  d.snapshotMeta?.(snapshotMeta);
  const snapshotSigned = { ...common('snapshot', 'snapshot'), meta: snapshotMeta };
  d.signed?.('snapshot', snapshotSigned);
  const snapshotText = sign(MetadataKind.Snapshot, snapshotSigned, top.snapshot.signers ?? top.snapshot.keys);
  write(metaName(version(m, 'snapshot'), 'snapshot'), snapshotText);
  const tsMeta = {
    version: version(m, 'snapshot'), length: Buffer.byteLength(snapshotText),
    hashes: { sha256: digest('sha256', snapshotText) },
  };
  d.timestampMeta?.(tsMeta, snapshotText);
  const tsSigned = { ...common('timestamp', 'timestamp'), meta: { 'snapshot.json': tsMeta } };
  d.signed?.('timestamp', tsSigned);
  write('timestamp.json', sign(MetadataKind.Timestamp, tsSigned, top.timestamp.signers ?? top.timestamp.keys));
  d.after?.(dir, metadataDir, targetsDir);
  return trusted;
}

const tamper = (bytes) => Buffer.from(bytes.toString().replace(/^./, (c) => (c === 'X' ? 'Y' : 'X')));
const rename = (dir, from, to) => fs.renameSync(path.join(dir, from), path.join(dir, to));
const rotation = (signers, edit = () => {}) => (m) => {
  const next = {
    version: 2, rootKeys: [K.root2], signers,
    top: { ...m.roots[0].top, timestamp: { keys: [K.timestamp2], threshold: 1 } },
  };
  edit(next);
  m.roots.push(next);
};

// name, expected verdict, the defect, and how it is made: `edit` changes the model, `hooks` the
// writing, `before` (rollback cases) the state a client trusts first.
const cases = [
  ['good-full', 'good', 'consistent snapshots, nested delegation, hash-bin roles'],
  ['good-plain-layout', 'good', 'consistent_snapshot false: plain file names', { edit: (m) => { m.layout = 'plain'; } }],
  ['good-sha512-first', 'good', 'targets list sha512 first and are stored under it', { edit: (m) => { m.hashOrder = ['sha512', 'sha256']; } }],
  ['good-sha512-only', 'good', 'targets list only sha512', { edit: (m) => { m.hashOrder = ['sha512']; } }],
  ['good-md5-beside-sha256', 'good', 'targets list sha256, sha512 and a right md5', { edit: (m) => { m.hashOrder = ['sha256', 'sha512', 'md5']; } }],
  ['good-root-rotation', 'good', '2.root.json signed by the old and the new root key, new timestamp key', { edit: rotation([K.root, K.root2]) }],
  ['good-threshold-2-of-3', 'good', 'targets role of three keys, threshold 2, signed by two', {
    edit: (m) => { m.roots[0].top.targets = { keys: [K.targets, K.targets2, K.targets3], threshold: 2, signers: [K.targets, K.targets3] }; },
  }],
  ['good-snapshot-meta-version-only', 'good', 'snapshot lists versions only, no lengths or hashes', {
    hooks: { snapshotMeta: (meta) => { for (const v of Object.values(meta)) { delete v.length; delete v.hashes; } } },
  }],
  ['good-terminating-answers-first', 'good', 'a terminating role for apps/early-* before apps lists its own target', {
    edit: (m) => {
      m.roles.targets.delegations.keys[K.early.id] = K.early.pub;
      m.roles.targets.delegations.roles.unshift(delegation('early', [K.early], 1, true, { paths: ['apps/early-*'] }));
      m.roles.early = { files: { 'apps/early-x.txt': 'early\n' }, signers: [K.early] };
    },
  }],
  ['good-newer-than-cached', 'good', 'every version above the state the client trusted', {
    before: (m) => setVersions(m, 1), edit: (m) => setVersions(m, 2),
  }],
  ['good-plain-rotation', 'good', 'plain layout with a root rotation', {
    edit: (m) => { m.layout = 'plain'; rotation([K.root, K.root2])(m); },
  }],

  ['bad-root-signature', 'bad', 'the trusted root\'s signature is corrupt', {
    hooks: { signatures: (kind, json) => { if (kind === MetadataKind.Root) json.signatures[0].sig = flipHex(json.signatures[0].sig); } },
  }],
  ['bad-rotation-without-old-key', 'bad', '2.root.json signed only by the new root key', { edit: rotation([K.root2]) }],
  ['bad-rotation-without-new-key', 'bad', '2.root.json signed only by the old root key', { edit: rotation([K.root]) }],
  ['bad-rotation-version-skip', 'bad', '2.root.json holds version 3', { edit: rotation([K.root, K.root2], (r) => { r.version = 3; }), hooks: { after: (dir, meta) => rename(meta, '3.root.json', '2.root.json') } }],
  ['bad-rotation-expired-root', 'bad', 'the newest root has expired', { edit: rotation([K.root, K.root2], (r) => { r.expires = -1; }) }],
  ['bad-timestamp-signature', 'bad', 'timestamp signed by the snapshot key', { edit: (m) => { m.roots[0].top.timestamp.signers = [K.snapshot]; } }],
  ['bad-timestamp-threshold', 'bad', 'timestamp threshold 2, one signature', {
    edit: (m) => { m.roots[0].top.timestamp = { keys: [K.timestamp, K.timestamp2], threshold: 2, signers: [K.timestamp] }; },
  }],
  ['bad-snapshot-signature', 'bad', 'snapshot signed by the targets key', { edit: (m) => { m.roots[0].top.snapshot.signers = [K.targets]; } }],
  ['bad-targets-signature', 'bad', 'targets signed by the snapshot key', { edit: (m) => { m.roots[0].top.targets.signers = [K.snapshot]; } }],
  ['bad-targets-threshold', 'bad', 'targets threshold 2 of 3, one signature', {
    edit: (m) => { m.roots[0].top.targets = { keys: [K.targets, K.targets2, K.targets3], threshold: 2, signers: [K.targets2] }; },
  }],
  ['bad-expired-timestamp', 'bad', 'timestamp expired', { edit: (m) => { m.expires.timestamp = -1; } }],
  ['bad-expired-snapshot', 'bad', 'snapshot expired', { edit: (m) => { m.expires.snapshot = -1; } }],
  ['bad-expired-targets', 'bad', 'targets expired', { edit: (m) => { m.expires.targets = -1; } }],
  ['bad-expired-delegated', 'bad', 'the nested delegated role expired', { edit: (m) => { m.expires.nested = -1; } }],
  ['bad-timestamp-rollback', 'bad', 'timestamp version 1 after the client trusted version 2', {
    before: (m) => setVersions(m, 2),
  }],
  ['bad-snapshot-rollback', 'bad', 'timestamp 3 names snapshot 1 after the client trusted snapshot 2', {
    before: (m) => setVersions(m, 2), edit: (m) => { m.version.timestamp = 3; },
  }],
  ['bad-targets-rollback', 'bad', 'snapshot 3 names targets 1 after the client trusted targets 2', {
    before: (m) => setVersions(m, 2),
    edit: (m) => { setVersions(m, 2); m.version.timestamp = 3; m.version.snapshot = 3; m.version.targets = 1; },
  }],
  ['bad-snapshot-version-mismatch', 'bad', 'timestamp names snapshot 1, the file holds version 2', {
    edit: (m) => { m.version.snapshot = 2; },
    hooks: { timestampMeta: (meta) => { meta.version = 1; }, after: (dir, meta) => rename(meta, '2.snapshot.json', '1.snapshot.json') },
  }],
  ['bad-targets-version-mismatch', 'bad', 'snapshot names targets 1, the file holds version 2', {
    edit: (m) => { m.version.targets = 2; },
    hooks: { snapshotMeta: (meta) => { meta['targets.json'].version = 1; }, after: (dir, meta) => rename(meta, '2.targets.json', '1.targets.json') },
  }],
  ['bad-delegated-version-mismatch', 'bad', 'snapshot names apps 1, the file holds version 2', {
    edit: (m) => { m.version.apps = 2; },
    hooks: { snapshotMeta: (meta) => { meta['apps.json'].version = 1; }, after: (dir, meta) => rename(meta, '2.apps.json', '1.apps.json') },
  }],
  ['bad-snapshot-length', 'bad', 'timestamp records the snapshot one byte longer', { hooks: { timestampMeta: (meta) => { meta.length += 1; } } }],
  ['bad-snapshot-sha256', 'bad', 'timestamp records a wrong snapshot sha256', { hooks: { timestampMeta: (meta) => { meta.hashes.sha256 = flipHex(meta.hashes.sha256); } } }],
  ['bad-snapshot-md5-only', 'bad', 'timestamp records only an md5 for the snapshot (not matching; osbuild refuses md5 alone)', {
    hooks: { timestampMeta: (meta, text) => { meta.hashes = { md5: flipHex(digest('md5', text)) }; } },
  }],
  ['bad-targets-meta-sha512', 'bad', 'snapshot records a right sha256 and a wrong sha512 for targets.json', {
    hooks: { snapshotMeta: (meta) => { meta['targets.json'].hashes.sha512 = '0'.repeat(128); } },
  }],
  ['bad-delegated-meta-length', 'bad', 'snapshot records nested.json one byte shorter', { hooks: { snapshotMeta: (meta) => { meta['nested.json'].length -= 1; } } }],
  ['bad-target-length', 'bad', 'targets.json records hello.txt one byte longer', { hooks: { target: (role, name, info) => { if (name === 'hello.txt') info.length += 1; } } }],
  ['bad-target-sha256', 'bad', 'hello.txt tampered, same length', { hooks: { stored: (role, name, bytes) => (name === 'hello.txt' ? tamper(bytes) : undefined) } }],
  ['bad-target-sha512', 'bad', 'hello.txt listed with the right sha256 and a wrong sha512', {
    hooks: { target: (role, name, info) => { if (name === 'hello.txt') info.hashes.sha512 = flipHex(info.hashes.sha512); } },
  }],
  ['bad-target-missing', 'bad', 'hello.txt is not stored', { hooks: { after: (dir, meta, targets) => { for (const f of fs.readdirSync(targets)) if (f.endsWith('hello.txt')) fs.rmSync(path.join(targets, f)); } } }],
  ['bad-plain-tampered-target', 'bad', 'plain layout, manifest.json tampered', {
    edit: (m) => { m.layout = 'plain'; },
    hooks: { stored: (role, name, bytes) => (name === 'manifest.json' ? tamper(bytes) : undefined) },
  }],
  ['bad-delegated-signature', 'bad', 'apps signed by the hash-bin key', { edit: (m) => { m.roles.apps.signers = [K.bins]; } }],
  ['bad-delegated-threshold', 'bad', 'apps threshold 2 of apps and early keys, one signature', {
    edit: (m) => {
      m.roles.targets.delegations.keys[K.early.id] = K.early.pub;
      m.roles.targets.delegations.roles[0] = delegation('apps', [K.apps, K.early], 2, false, { paths: ['apps/*'] });
    },
  }],
  ['bad-nested-signature', 'bad', 'nested signed by apps\'s key', { edit: (m) => { m.roles.nested.signers = [K.apps]; } }],
  ['bad-delegated-target-tampered', 'bad', 'apps/extra-two.txt tampered', { hooks: { stored: (role, name, bytes) => (name === 'apps/extra-two.txt' ? tamper(bytes) : undefined) } }],
  ['bad-delegated-target-sha512', 'bad', 'apps/one.txt with a wrong sha512', {
    hooks: { target: (role, name, info) => { if (name === 'apps/one.txt') info.hashes.sha512 = flipHex(info.hashes.sha512); } },
  }],
  ['bad-terminating-hides-later-role', 'bad', 'a terminating role for apps/* before apps hides apps/one.txt', {
    edit: (m) => {
      m.roles.targets.delegations.keys[K.early.id] = K.early.pub;
      m.roles.targets.delegations.roles.unshift(delegation('early', [K.early], 1, true, { paths: ['apps/*'] }));
      m.roles.early = { files: { 'apps/early.txt': 'early\n' }, signers: [K.early] };
    },
  }],
  ['bad-hash-bin-wrong-bin', 'bad', 'pkgs/p1.txt listed in a bin its path hash is not in', {
    edit: (m) => {
      const right = binOf('pkgs/p1.txt');
      const wrong = right === 'bin-0' ? 'bin-1' : 'bin-0';
      m.roles[wrong].files['pkgs/p1.txt'] = m.roles[right].files['pkgs/p1.txt'];
      delete m.roles[right].files['pkgs/p1.txt'];
    },
  }],
  ['bad-target-outside-delegated-paths', 'bad', 'apps lists other/x.txt, outside apps/*', { edit: (m) => { m.roles.apps.files['other/x.txt'] = 'stray\n'; } }],
  ['bad-missing-delegated-metadata', 'bad', '1.nested.json is not published', { hooks: { after: (dir, meta) => fs.rmSync(path.join(meta, '1.nested.json')) } }],
  ['bad-delegated-not-in-snapshot', 'bad', 'snapshot does not list nested.json', { hooks: { snapshotMeta: (meta) => { delete meta['nested.json']; } } }],
];

const index = [];
fs.mkdirSync(args.out, { recursive: true });
for (const [name, expect, defect, c = {}] of cases) {
  const dir = path.join(args.out, name);
  fs.rmSync(dir, { recursive: true, force: true });
  if (c.before) {
    const before = model();
    c.before(before);
    writeRepo(path.join(dir, 'before'), before);
  }
  const m = model();
  c.edit?.(m);
  const trusted = writeRepo(dir, m, c.hooks);
  fs.writeFileSync(path.join(dir, 'root.json'), trusted);
  const also = Object.entries(m.roles).filter(([role]) => role !== 'targets').flatMap(([, spec]) => Object.keys(spec.files)).sort();
  index.push({ name, expect, defect, also, before: Boolean(c.before) });
}
fs.writeFileSync(path.join(args.out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
console.log(JSON.stringify({
  repositories: index.length,
  good: index.filter((e) => e.expect === 'good').length,
  bad: index.filter((e) => e.expect === 'bad').length,
}));

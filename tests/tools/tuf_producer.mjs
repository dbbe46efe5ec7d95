// A TUF repository that osbuild did not write, made with tuf-js's @tufjs/models: the shapes other
// producers (python-tuf, tuftool) publish and osbuild must be able to extend.
//
//   node tuf_producer.mjs --modules DIR/node_modules --key KEY.pem --out REPO_DIR
//        --variant dev --arch x86_64 --root-out ROOT.json [--layout consistent|plain]
//        [--delegate NAME]
//
// Writes REPO_DIR/metadata/<variant>/<arch>/ (1.root.json, targets, snapshot, timestamp) and
// REPO_DIR/targets/ with one target, hello.txt, and with --delegate a delegated targets role NAME
// (paths NAME/*) holding NAME/extra.txt, listed in snapshot.json. One ed25519 key (a PKCS#8 PEM,
// as `osbuild keys generate` writes) signs every role. --layout plain writes the root with
// consistent_snapshot false, so files keep their plain names. ROOT.json gets a copy of the root.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function parseArgs(argv) {
  const args = { layout: 'consistent' };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${argv[i]} needs a value`);
    args[argv[i].replace(/^--/, '')] = value;
  }
  for (const need of ['modules', 'key', 'out', 'variant', 'arch', 'root-out']) {
    if (!args[need]) throw new Error(`--${need} is required`);
  }
  if (!['consistent', 'plain'].includes(args.layout)) throw new Error('--layout consistent|plain');
  return args;
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
const inDays = (days) => new Date(Date.now() + days * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
  const { Metadata, MetadataKind, Signature } = require('@tufjs/models');
  const { canonicalize } = require('@tufjs/canonical-json');

  const privateKey = crypto.createPrivateKey(fs.readFileSync(args.key));
  const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: spki.subarray(-32).toString('hex') } };
  const keyid = sha256(canonicalize(publicKey));
  const consistent = args.layout === 'consistent';
  const metadataDir = path.join(args.out, 'metadata', args.variant, args.arch);
  const targetsDir = path.join(args.out, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetsDir, { recursive: true });

  const write = (kind, signed, name) => {
    const md = Metadata.fromJSON(kind, { signed, signatures: [] });
    md.sign((data) => new Signature({ keyID: keyid, sig: crypto.sign(null, data, privateKey).toString('hex') }));
    const text = JSON.stringify(md.toJSON(), null, 2) + '\n';
    fs.writeFileSync(path.join(metadataDir, name), text);
    return text;
  };
  const metaName = (version, role) => (consistent ? `${version}.${role}.json` : `${role}.json`);
  const storeTarget = (name, text) => {
    const bytes = Buffer.from(text);
    const hash = sha256(bytes);
    const dir = path.dirname(name) === '.' ? '' : path.dirname(name);
    const base = path.basename(name);
    fs.mkdirSync(path.join(targetsDir, dir), { recursive: true });
    fs.writeFileSync(path.join(targetsDir, dir, consistent ? `${hash}.${base}` : base), bytes);
    return { length: bytes.length, hashes: { sha256: hash } };
  };
  const common = (type, version, days) => ({ _type: type, spec_version: '1.0.31', version, expires: inDays(days) });
  const role = { keyids: [keyid], threshold: 1 };

  const root = {
    ...common('root', 1, 365),
    consistent_snapshot: consistent,
    keys: { [keyid]: publicKey },
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  };
  fs.writeFileSync(args['root-out'], write(MetadataKind.Root, root, '1.root.json'));

  const snapshotMeta = {};
  const targets = { ...common('targets', 1, 30), targets: { 'hello.txt': storeTarget('hello.txt', 'hello from another producer\n') } };
  if (args.delegate) {
    const name = args.delegate;
    targets.delegations = {
      keys: { [keyid]: publicKey },
      roles: [{ name, keyids: [keyid], threshold: 1, terminating: true, paths: [`${name}/*`] }],
    };
    const delegated = { ...common('targets', 1, 30), targets: { [`${name}/extra.txt`]: storeTarget(`${name}/extra.txt`, 'delegated\n') } };
    write(MetadataKind.Targets, delegated, metaName(1, name));
    snapshotMeta[`${name}.json`] = { version: 1 };
  }
  write(MetadataKind.Targets, targets, metaName(1, 'targets'));
  snapshotMeta['targets.json'] = { version: 1 };
  const snapshotText = write(MetadataKind.Snapshot, { ...common('snapshot', 1, 30), meta: snapshotMeta }, metaName(1, 'snapshot'));
  write(MetadataKind.Timestamp, {
    ...common('timestamp', 1, 7),
    meta: { 'snapshot.json': { version: 1, length: Buffer.byteLength(snapshotText), hashes: { sha256: sha256(snapshotText) } } },
  }, 'timestamp.json');
  console.log(JSON.stringify({ keyid, layout: args.layout, delegate: args.delegate ?? null }));
}

main().catch((error) => {
  console.log(`tuf_producer: ${error.name}: ${error.message}`);
  process.exit(1);
});

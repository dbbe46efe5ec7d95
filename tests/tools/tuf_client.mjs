// A TUF client that osbuild did not write: tuf-js's Updater refreshes the metadata from a trusted
// root and downloads every target, which tuf-js checks against targets.json.
//
//   node tuf_client.mjs --modules DIR/node_modules --root root.json --dir CLIENT_DIR
//        --metadata URL --targets URL [--expect NAME=FILE]... [--also NAME]...
//
// --also NAME looks up a target that a delegated role lists (tuf-js walks the delegations,
// loading each delegated role's metadata as snapshot.json lists it) and downloads it too.
// CLIENT_DIR/metadata keeps what the client trusted between runs, as an installed client does;
// the given root is copied there only on the first run. Prints a JSON summary; exits 1 with
// "tuf-js: <error>" when the client refuses the repository.
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function parseArgs(argv) {
  const args = { expect: {}, also: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    if (key === 'also') {
      args.also.push(value);
    } else if (key === 'expect') {
      const eq = value.indexOf('=');
      args.expect[value.slice(0, eq)] = value.slice(eq + 1);
    } else {
      args[key] = value;
    }
  }
  for (const need of ['modules', 'root', 'dir', 'metadata', 'targets']) {
    if (!args[need]) throw new Error(`--${need} is required`);
  }
  return args;
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
  const { Updater } = require('tuf-js');
  const metadataDir = path.join(args.dir, 'metadata');
  const targetDir = path.join(args.dir, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.rmSync(targetDir, { recursive: true, force: true });
  fs.mkdirSync(targetDir, { recursive: true });
  if (!fs.existsSync(path.join(metadataDir, 'root.json'))) {
    fs.copyFileSync(args.root, path.join(metadataDir, 'root.json'));
  }
  const updater = new Updater({
    metadataBaseUrl: args.metadata,
    targetBaseUrl: args.targets,
    metadataDir,
    targetDir,
    config: { fetchRetries: 0 },
  });
  await updater.refresh();
  const trusted = updater.trustedSet;
  const names = [...Object.keys(trusted.targets.signed.targets).sort(), ...args.also];
  const targets = [];
  for (const name of names) {
    const info = await updater.getTargetInfo(name);
    if (!info) throw new Error(`no target info for ${name}`);
    const file = await updater.downloadTarget(info, path.join(targetDir, name.replaceAll('/', '_')));
    const bytes = fs.readFileSync(file);
    if (args.expect[name] !== undefined && !bytes.equals(fs.readFileSync(args.expect[name]))) {
      throw new Error(`target ${name} differs from ${args.expect[name]}`);
    }
    targets.push({ name, length: bytes.length, sha256: sha256(bytes) });
  }
  for (const name of Object.keys(args.expect)) {
    if (!names.includes(name)) throw new Error(`expected target ${name} is not in the repository`);
  }
  console.log(JSON.stringify({
    root: trusted.root.signed.version,
    timestamp: trusted.timestamp.signed.version,
    snapshot: trusted.snapshot.signed.version,
    targets_version: trusted.targets.signed.version,
    keytypes: [...new Set(Object.values(trusted.root.signed.keys).map((k) => k.keyType))].sort(),
    targets,
  }));
}

main().catch((error) => {
  console.log(`tuf-js: ${error.name}: ${error.message}`);
  process.exit(1);
});

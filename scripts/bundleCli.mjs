/**
 * npm run build, after tsc: bundles the command line (apps/server/dist/cli.js
 * and all it imports, the topology package, zod and yaml included) into one
 * file beside it, apps/server/dist/cli.bundle.cjs, with V8's code cache for it.
 * Node 20 spends most of a command's start loading tsc's hundred-odd small ES
 * modules one by one, then compiling them; the bundle loads in a quarter of
 * that time, and its code cache saves most of the compiling (`npm run bench`).
 * A command's modules are still evaluated only when it runs (`nslab --help`
 * evaluates none of them): the bundler keeps dynamic imports lazy.
 *
 * The bundle is made from tsc's output, so it is what tsc built, and from the
 * installed packages. bin/nslab runs it only while the stamp written here
 * (scripts/cliStamp.mjs: both projects' build info and the lockfiles) still
 * matches: after any later `tsc -b` or `npm install` it runs tsc's modules and
 * the installed packages instead, never a stale bundle.
 *
 * `--restamp` only writes the stamp again, for a change known to leave the
 * bundle as it is: the Dockerfile's `npm prune --omit=dev` after the build
 * (it removes the bundler and the test tools, nothing the bundle holds).
 * The server (`nslab serve`) stays unbundled (bin/nslab runs tsc's modules for
 * it): it starts once, and its worker threads are found by their paths.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeStamp } from './cliStamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'apps/server/dist');
const stampFile = path.join(dist, 'cli.bundle.json');

// Taken before reading anything: a tsc that writes while we bundle makes the stamp stale, and the bundle unused.
const stamp = takeStamp(`${root}/`);
for (const f of ['apps/server/tsconfig.tsbuildinfo', 'packages/topology/tsconfig.tsbuildinfo'])
  if (stamp[f] === null) throw new Error(`bundleCli: no ${f}: run tsc -b packages/topology apps/server first`);

if (process.argv.includes('--restamp')) {
  if (!fs.existsSync(path.join(dist, 'cli.bundle.cjs'))) throw new Error('bundleCli --restamp: there is no bundle to stamp');
  fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  process.exit(0);
}
const { build } = await import('rolldown');

for (const f of fs.readdirSync(dist)) if (f.startsWith('cli.bundle')) fs.rmSync(path.join(dist, f));

await build({
  input: path.join(dist, 'cli.js'),
  platform: 'node',
  // The web server: `nslab serve` runs from tsc's output (see above).
  external: [path.join(dist, 'serve.js')],
  logLevel: 'warn',
  // One file, so one code cache; a command's modules are still initialised only when it is run.
  output: { file: path.join(dist, 'cli.bundle.cjs'), format: 'cjs', codeSplitting: false },
});
// bin/nslab compiles it as a function body (as Node's loader does a CommonJS module), where cli.ts's #! line cannot stand.
const bundle = path.join(dist, 'cli.bundle.cjs');
fs.writeFileSync(bundle, fs.readFileSync(bundle, 'utf8').replace(/^#!.*\n/, ''));
fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);

// The code cache holds what a run compiled: run a command that parses, plans and prints a lab (it touches no host).
execFileSync(process.execPath, [path.join(root, 'bin/nslab'), 'export-script', path.join(root, 'labs/06-two-nodes.yaml')], {
  stdio: 'ignore',
  env: { ...process.env, NSLAB_CODE_CACHE: 'write' },
});
if (!fs.existsSync(path.join(dist, 'cli.bundle.cache'))) throw new Error('bundleCli: the code cache was not written');

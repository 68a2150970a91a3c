/**
 * The bundled CLI's stamp: what the bundle was made from, by modification
 * time. scripts/bundleCli.mjs writes it beside the bundle; bin/nslab runs the
 * bundle only while every file it names is as it was (one absent then, null,
 * must be absent still). Both projects' build info (a later `tsc -b`), and the
 * lockfiles: the bundle holds its own copies of yaml, zod and ipaddr.js, so an
 * `npm install` or `npm update` must not leave bin/nslab running the old ones.
 * bin/nslab reads the stamp without this module: one module less on every run.
 */
import fs from 'node:fs';

/** The files, relative to the repository root. */
export const STAMPED = [
  'apps/server/tsconfig.tsbuildinfo',
  'packages/topology/tsconfig.tsbuildinfo',
  'package-lock.json',
  // npm's record of what is installed: rewritten by every install, update and prune, even where package-lock.json is not.
  'node_modules/.package-lock.json',
];

/** The stamp of the tree at `root` (a path ending in "/") now: each file's modification time, or null where there is none. */
export function takeStamp(root) {
  return Object.fromEntries(STAMPED.map((f) => [f, fs.statSync(root + f, { throwIfNoEntry: false })?.mtimeMs ?? null]));
}

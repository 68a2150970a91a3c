/**
 * Where nslab keeps host-side records. The run directory lives on tmpfs on
 * purpose: it holds what must die with the kernel state it describes (host
 * sysctl holds, capability probes), so a reboot clears both together.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_NAME } from '@nslab/topology';
import { NslabError } from './errors.js';

export function runDir(): string {
  return process.env.NSLAB_RUN_DIR ?? '/run/nslab';
}

export function dataDir(): string {
  return process.env.NSLAB_DATA_DIR ?? '/var/lib/nslab';
}

/** `<data dir>/token`, mode 0600: where `nslab serve` writes its token for the CLI and scripts on this host (root only). */
export function tokenPath(dir = dataDir()): string {
  return path.join(dir, 'token');
}

/** A lab name that cannot be part of a path: it is not a valid lab name. */
export class BadLabName extends Error {
  readonly status = 400;
  constructor(name: unknown) {
    super(
      `${JSON.stringify(String(name)).slice(0, 80)} is not a valid lab name: 1–24 lower-case letters, digits and "-", starting with a letter`,
    );
  }
}

/** Throws BadLabName unless `name` is a valid lab name; the one check every route and path uses. */
export function checkLabName(name: unknown): string {
  if (typeof name !== 'string' || !LAB_NAME.test(name)) throw new BadLabName(name);
  return name;
}

/** The places' areas of per-lab files: intents (names a deploy is making), deployed designs, the lab files they were read from. */
export type LabArea = 'intent' | 'labs' | 'sources';

/**
 * The one way a file path is made from a lab name: `<place dir>/<area>/<lab><ext>`,
 * where the place dir is the run directory (the host) or a sandbox's state
 * directory (`sandboxDir`). Refuses anything but a valid lab name, so no
 * request, intent or record can name a file outside its area (`../victim`,
 * `a/b`, `%2e%2e`). A lab name holds no ".": an `ext` starting with one ends it.
 */
export function labFile(placeDir: string, area: LabArea, lab: string, ext = '.json'): string {
  return path.join(labAreaDir(placeDir, area), `${checkLabName(lab)}${ext}`);
}

/** `<place dir>/<area>`: the directory of an area's files. */
export function labAreaDir(placeDir: string, area: LabArea): string {
  return path.join(placeDir, area);
}

/**
 * The files of an area (of one lab, given `lab`), as `labFile` made them: each
 * with its lab, its `ext` and its path (`labFile(placeDir, area, lab, ext)`).
 * The one reader of those names; a file whose name is no lab's is not listed.
 */
export function listLabFiles(placeDir: string, area: LabArea, lab?: string): Array<{ lab: string; ext: string; file: string }> {
  let names: string[];
  try {
    names = fs.readdirSync(labAreaDir(placeDir, area));
  } catch {
    return []; // no area yet
  }
  return names.flatMap((name) => {
    const dot = name.indexOf('.');
    const of = dot < 0 ? name : name.slice(0, dot);
    if (!LAB_NAME.test(of) || (lab !== undefined && of !== lab)) return [];
    const ext = name.slice(of.length);
    return [{ lab: of, ext, file: labFile(placeDir, area, of, ext) }];
  });
}

/** Sandbox names follow the lab-name rule (they name a cgroup, a directory and an id-range claim). */
export function checkSandboxName(name: unknown): string {
  if (typeof name !== 'string' || !LAB_NAME.test(name))
    throw new NslabError(
      'invalid',
      `${JSON.stringify(String(name)).slice(0, 80)} is not a valid sandbox name: 1–24 lower-case letters, digits and "-", starting with a letter`,
    );
  return name;
}

/** Where every sandbox's namespace handles and state live: `<run dir>/sandboxes`. */
export function sandboxesDir(): string {
  return path.join(runDir(), 'sandboxes');
}

/** The one way a path is made from a sandbox name: `<run dir>/sandboxes/<name>[/<part>]`. */
export function sandboxDir(name: string, part?: 'user' | 'mnt' | 'net' | 'ipc' | 'mnt0' | 'state' | 'captures' | 'sandbox.json'): string {
  const dir = path.join(sandboxesDir(), checkSandboxName(name));
  return part ? path.join(dir, part) : dir;
}

/** Where namespaces' bind mounts live (iproute2's NETNS_RUN_DIR). */
export const NETNS_DIR = '/run/netns';

/**
 * The one way a path is made from a namespace name: `/run/netns/<name>`. The
 * name may come from the host's own listing (any other tool's namespace), so
 * only what could leave the directory is refused.
 */
export function netnsFile(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 255)
    throw new Error(`${JSON.stringify(name.slice(0, 80))} is not a namespace name`);
  return `${NETNS_DIR}/${name}`;
}

export function parallelism(): number {
  return Math.max(2, Math.min(16, os.availableParallelism() * 4));
}

/** The workshops shipped with nslab (workshops/ in the repository). */
export function workshopsDir(): string {
  return process.env.NSLAB_WORKSHOPS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../workshops');
}

/** The teaching labs shipped with nslab (labs/ in the repository). */
export function templatesDir(): string {
  return process.env.NSLAB_TEMPLATES_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../labs');
}

/**
 * Which build of the topology package (the parser and validator) is running:
 * its build info's time, written by every tsc build of it. Undefined where
 * there is none (then nothing parsed is remembered: see deployedRecord.ts).
 * This file sits at the same depth in tsc's output and in the bundle.
 */
export function topologyBuildId(): string | undefined {
  try {
    const info = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/topology/tsconfig.tsbuildinfo');
    return String(fs.statSync(info).mtimeMs);
  } catch {
    return undefined;
  }
}

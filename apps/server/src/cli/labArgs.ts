/** A command's lab argument: a file (or '-' for standard input), parsed and checked; or a lab name. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { formatIssue, isError, LAB_NAME, parseTopology, type Topology } from '@nslab/topology';
import { topologyBuildId } from '../paths.js';
import { err, Exit } from './io.js';
import { USAGE } from './usage.js';

export function readFile(file: string | undefined): string {
  if (!file) throw new Exit(1, `missing FILE\n${USAGE}`);
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Exit(1, `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Parses a lab file; prints every error (to `report`: stderr, or stdout for validate) and exits 1 when it is invalid. */
export function loadLab(file: string | undefined, report: (s: string) => void = err): Topology {
  return parseLab(readFile(file), report).topology;
}

/** A lab file's text, parsed: its warnings are printed (and returned), its errors printed to `report`, then exit 1. */
export function parseLab(text: string, report: (s: string) => void = err): { topology: Topology; warnings: string[] } {
  const r = parseTopology(text);
  const warnings = r.issues.filter((i) => !isError(i)).map(formatIssue);
  warnings.forEach((w) => err(w));
  if (!r.ok || !r.topology) {
    for (const i of r.issues) if (isError(i)) report(formatIssue(i));
    throw new Exit(1);
  }
  return { topology: r.topology, warnings };
}

/** What a lab file's parse depends on: its text and the parser's build (undefined where the build is unknown). */
export function sourceDigest(text: string): string | undefined {
  const build = topologyBuildId();
  return build === undefined ? undefined : crypto.createHash('sha256').update(`${build}\0${text}`).digest('hex');
}

/** FILE or NAME: a lab name is accepted when no such file exists. */
export function labArgOf(arg: string | undefined): { name: string; topology?: Topology } {
  if (!arg) throw new Exit(1, `missing FILE or NAME\n${USAGE}`);
  if (fs.existsSync(arg)) {
    const topology = loadLab(arg); // once: its warnings are printed once
    return { name: topology.name, topology };
  }
  if (!LAB_NAME.test(arg)) throw new Exit(1, `${arg}: no such file, and not a lab name (lower-case letters, digits, "-")`);
  return { name: arg };
}

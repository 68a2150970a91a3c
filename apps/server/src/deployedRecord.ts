/**
 * The design a lab was last deployed with, kept in the run directory so that
 * `nslab status NAME` can compare without the file. Losing it loses nothing:
 * ownership is proven by the host's marks, never by this record. Each place
 * (the host, a sandbox) keeps its own, under its directory `dir`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Topology } from '@nslab/topology';
import { labFile } from './paths.js';

const fileOf = (dir: string, lab: string) => labFile(dir, 'labs', lab);

export function saveDeployed(dir: string, t: Topology): void {
  fs.mkdirSync(path.dirname(fileOf(dir, t.name)), { recursive: true });
  const tmp = `${fileOf(dir, t.name)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(t));
  fs.renameSync(tmp, fileOf(dir, t.name));
}

export function readDeployed(dir: string, lab: string): Topology | undefined {
  const file = fileOf(dir, lab); // throws on a bad lab name, outside the catch
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  } catch {
    return undefined;
  }
}

export function forgetDeployed(dir: string, lab: string): void {
  fs.rmSync(fileOf(dir, lab), { force: true });
  forgetSources(dir, lab);
}

/**
 * The lab file a successful deploy read, under a digest of its text and of the
 * parser's build (the caller makes it): deploying the same text again — a
 * no-op redeploy, the common case — takes the design and its warnings from
 * here rather than parsing and validating the file again, which costs a fresh
 * process ~60 ms for 100 namespaces (the YAML parser, cold). Same text, same
 * parser: same result. One per lab; forgotten with the lab.
 */
export interface DeployedSource {
  topology: Topology;
  /** The file's warnings, as they were printed. */
  warnings: string[];
}

const sourceFile = (dir: string, lab: string, digest: string) => labFile(dir, 'sources', lab, `.${digest}.json`);

export function saveDeployedSource(dir: string, digest: string, source: DeployedSource): void {
  forgetSources(dir, source.topology.name);
  const file = sourceFile(dir, source.topology.name, digest);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(source));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

export function readDeployedSource(dir: string, digest: string): DeployedSource | undefined {
  try {
    const name = fs.readdirSync(path.join(dir, 'sources')).find((f) => f.endsWith(`.${digest}.json`));
    return name ? (JSON.parse(fs.readFileSync(path.join(dir, 'sources', name), 'utf8')) as DeployedSource) : undefined;
  } catch {
    return undefined;
  }
}

function forgetSources(dir: string, lab: string): void {
  const prefix = path.basename(labFile(dir, 'sources', lab, '.'));
  try {
    for (const f of fs.readdirSync(path.join(dir, 'sources')))
      if (f.startsWith(prefix)) fs.rmSync(path.join(dir, 'sources', f), { force: true });
  } catch {
    /* none remembered */
  }
}

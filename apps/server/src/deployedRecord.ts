/**
 * The design a lab was last deployed with, kept in the run directory so that
 * `nslab status NAME` can compare without the file. Losing it loses nothing:
 * ownership is proven by the host's marks, never by this record. Each place
 * (the host, a sandbox) keeps its own, under its directory `dir`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTopologyData, type Topology } from '@nslab/topology';
import { labFile, listLabFiles } from './paths.js';

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

/** A remembered source's place in its area: `sources/<lab>.<digest>.json`. */
const sourceExt = (digest: string) => `.${digest}.json`;

export function saveDeployedSource(dir: string, digest: string, source: DeployedSource): void {
  forgetSources(dir, source.topology.name);
  const file = labFile(dir, 'sources', source.topology.name, sourceExt(digest));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(source));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

/**
 * The source remembered under `digest`, checked again as a design
 * (`parseTopologyData`: the schema and validation, no YAML, a fraction of a
 * parse) before it is used: a record written by another build, damaged, or
 * edited by hand is not deployed. Undefined when there is none or it fails:
 * the caller parses the file.
 */
export function readDeployedSource(dir: string, digest: string): DeployedSource | undefined {
  const found = listLabFiles(dir, 'sources').find((f) => f.ext === sourceExt(digest));
  if (!found) return undefined;
  try {
    const { topology, warnings } = JSON.parse(fs.readFileSync(found.file, 'utf8')) as Partial<DeployedSource>;
    const r = parseTopologyData(topology);
    if (!r.ok || !r.topology || r.topology.name !== found.lab) return undefined;
    if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string')) return undefined;
    return { topology: r.topology, warnings };
  } catch {
    return undefined;
  }
}

function forgetSources(dir: string, lab: string): void {
  for (const f of listLabFiles(dir, 'sources', lab)) fs.rmSync(f.file, { force: true });
}

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
}

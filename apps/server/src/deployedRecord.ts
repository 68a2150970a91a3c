/**
 * The design a lab was last deployed with, kept in the run directory so that
 * `nslab status NAME` can compare without the file. Losing it loses nothing:
 * ownership is proven by the host's marks, never by this record.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Topology } from '@nslab/topology';
import { labFile } from './paths.js';

const fileOf = (lab: string) => labFile('labs', lab);

export function saveDeployed(t: Topology): void {
  fs.mkdirSync(path.dirname(fileOf(t.name)), { recursive: true });
  const tmp = `${fileOf(t.name)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(t));
  fs.renameSync(tmp, fileOf(t.name));
}

export function readDeployed(lab: string): Topology | undefined {
  const file = fileOf(lab); // throws on a bad lab name, outside the catch
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  } catch {
    return undefined;
  }
}

export function forgetDeployed(lab: string): void {
  fs.rmSync(fileOf(lab), { force: true });
}

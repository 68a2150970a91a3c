/**
 * What a deploy is about to create, written before it runs and removed when
 * it ends. A deploy killed between creating a namespace (or host link) and
 * marking it leaves an unmarked name; the intent lets the next deploy adopt
 * and mark it, and destroy or clean remove it — still proven from the host
 * alone (the run directory dies with the kernel state it describes). Each
 * place (the host, a sandbox) keeps its own, under its directory `dir`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isIfName, linksCreatedBy, type Plan } from '@nslab/topology';
import { labFile, listLabFiles } from './paths.js';

export interface Intent {
  netns: string[];
  hostLinks: string[];
}

/** A namespace name nslab could make: prefix + node name. */
const NETNS = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/;

const fileOf = (dir: string, lab: string) => labFile(dir, 'intent', lab);

/** A lab's intent; names in it that are not names nslab could have made are dropped. */
export function readIntent(dir: string, lab: string): Intent {
  const file = fileOf(dir, lab); // throws on a bad lab name, outside the catch
  let raw: Partial<Intent>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Intent>;
  } catch {
    return { netns: [], hostLinks: [] };
  }
  const names = (v: unknown, ok: (n: string) => boolean) =>
    Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string' && ok(n)) : [];
  return { netns: names(raw.netns, (n) => NETNS.test(n)), hostLinks: names(raw.hostLinks, isIfName) };
}

export function intentLabs(dir: string): string[] {
  return listLabFiles(dir, 'intent')
    .filter((f) => f.ext === '.json')
    .map((f) => f.lab);
}

/** Records the names a plan creates (added to any intent left by a killed run). */
export function writeIntent(dir: string, lab: string, plan: Plan): void {
  const prev = readIntent(dir, lab);
  const netns = new Set(prev.netns);
  const hostLinks = new Set(prev.hostLinks);
  for (const s of plan.steps) {
    if (s.kind === 'netns.add') netns.add(s.name);
    for (const l of linksCreatedBy(s)) if (l.netns === null) hostLinks.add(l.name);
  }
  setIntent(dir, lab, { netns: [...netns], hostLinks: [...hostLinks] });
}

/** Writes a lab's intent as given (atomically); an empty one removes the file. */
export function setIntent(dir: string, lab: string, intent: Intent): void {
  if (intent.netns.length + intent.hostLinks.length === 0) return clearIntent(dir, lab);
  fs.mkdirSync(path.dirname(fileOf(dir, lab)), { recursive: true });
  const tmp = `${fileOf(dir, lab)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(intent));
  fs.renameSync(tmp, fileOf(dir, lab));
}

export function clearIntent(dir: string, lab: string): void {
  fs.rmSync(fileOf(dir, lab), { force: true });
}

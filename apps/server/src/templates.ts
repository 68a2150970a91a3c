/**
 * The labs offered as templates: every `*.yaml` of the templates directory,
 * by file name, then the break-it/fix-it exercises of its `exercises/`
 * folder (id `exercises/NAME`, flagged `exercise`: their checks fail until
 * the learner finds and fixes the fault).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTopology, type Template } from '@nslab/topology';

export const EXERCISES = 'exercises';

export function listTemplates(dir: string): Template[] {
  return [...readTemplates(dir, ''), ...readTemplates(path.join(dir, EXERCISES), `${EXERCISES}/`)];
}

/** Each template's text by id: what a workshop step's `template` names. */
export function templateTexts(dir: string): Map<string, string> {
  return new Map(listTemplates(dir).map((t) => [t.id, t.text]));
}

function readTemplates(dir: string, idPrefix: string): Template[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const t = parseTopology(text).topology;
      const id = `${idPrefix}${f.replace(/\.yaml$/, '')}`;
      return { id, name: t?.name ?? f, description: t?.description?.trim() ?? '', text, ...(idPrefix ? { exercise: true } : {}) };
    });
}

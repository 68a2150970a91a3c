/** The seed labs offered as templates: every `*.yaml` of the templates directory, by file name. */
import fs from 'node:fs';
import path from 'node:path';
import { parseTopology, type Template } from '@nslab/topology';

export function listTemplates(dir: string): Template[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const t = parseTopology(text).topology;
      return { id: f.replace(/\.yaml$/, ''), name: t?.name ?? f, description: t?.description?.trim() ?? '', text };
    });
}

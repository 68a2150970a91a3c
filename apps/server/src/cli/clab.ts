/** import-clab and export-clab: containerlab topology files, to and from labs. */
import { exportClab, formatIssue, importClab, labNameFromFile } from '@nslab/topology';
import { readHostInterfaces } from '../hostInterfaces.js';
import { hostRunner } from '../runner.js';
import { err, Exit, options, out, type Command } from './io.js';
import { loadLab, readFile } from './labArgs.js';

/** `FILE:LINE: PATH:` — the line left out when it is unknown (0), the path when the note is about the whole file; always a colon after FILE. */
export const where = (file: string, n: { path: string; line: number }) =>
  `${file}:${n.line > 0 ? `${n.line}:` : ''}${n.path ? ` ${n.path}:` : ''}`;

export const commands: Record<string, Command> = {
  async 'import-clab'(args) {
    const { values, positionals } = options(args, { name: { type: 'string' } }, 'nslab import-clab FILE [--name N]');
    const file = positionals[0];
    const text = readFile(file);
    const host = await readHostInterfaces(hostRunner);
    const r = importClab(text, {
      ...(values.name !== undefined ? { name: values.name } : {}),
      // A file without `name:` is named after the file it came in, as import-script and the web's import do.
      ...(file !== '-' ? { defaultName: labNameFromFile(file!) } : {}),
      ...(host ? { host } : {}),
    });
    if (r.errors.length > 0) {
      for (const e of r.errors) err(`${where(file!, e)} ${e.message}`);
      throw new Exit(1);
    }
    for (const w of r.warnings) err(`${where(file!, w)} warning: ${w.message}`);
    for (const i of r.issues) err(`lab: ${formatIssue(i)}`);
    out(r.yaml);
  },

  async 'export-clab'(args) {
    const { values, positionals } = options(args, { image: { type: 'string' } }, 'nslab export-clab FILE [--image IMG]');
    const t = loadLab(positionals[0]);
    const r = exportClab(t, values.image !== undefined ? { image: values.image } : {});
    for (const w of r.warnings) err(`warning: ${w}`);
    out(r.yaml);
  },
};

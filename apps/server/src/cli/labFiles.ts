/** Commands on lab files and teaching material; they read no host state (import-script reads its interface names). */
import fs from 'node:fs';
import {
  desiredState,
  emptyObserved,
  formatIssue,
  importScript,
  labNameFromFile,
  parseWorkshop,
  planDeploy,
  renderPlanScript,
} from '@nslab/topology';
import { readHostInterfaces } from '../hostInterfaces.js';
import { templatesDir } from '../paths.js';
import { hostRunner } from '../runner.js';
import { listTemplates, templateTexts } from '../templates.js';
import { count, err, Exit, options, out, type Command } from './io.js';
import { loadLab, readFile } from './labArgs.js';

export const commands: Record<string, Command> = {
  async validate([file]) {
    const text = readFile(file);
    if (/^steps:/m.test(text) && /^lab:/m.test(text)) {
      // A workshop file (docs/workshops.md): its steps, its checks, the lab it starts from and the templates steps start from.
      const r = parseWorkshop(text, templateTexts(templatesDir()));
      if (!r.ok || !r.workshop) {
        r.errors.forEach((e) => out(e));
        throw new Exit(1);
      }
      out(
        `${file}: valid — workshop "${r.workshop.title}", ${count(r.workshop.steps.length, 'step', 'steps')}, starting from lab "${r.workshop.lab.name}"`,
      );
      return;
    }
    const t = loadLab(file, out);
    out(
      `${file}: valid — lab "${t.name}", ${count(Object.keys(t.nodes).length, 'node', 'nodes')}, ${count(t.links.length, 'link', 'links')}`,
    );
  },

  async templates() {
    for (const t of listTemplates(templatesDir())) out(`${t.id.padEnd(20)} ${t.description.replace(/\s+/g, ' ').slice(0, 100)}…`);
  },

  async new([id, file]) {
    const t = listTemplates(templatesDir()).find((x) => x.id === id || x.name === id || x.id.replace(/^\d+-/, '') === id);
    if (!t) throw new Exit(1, `no template "${id ?? ''}"; see: nslab templates`);
    if (!file) return void out(t.text);
    if (fs.existsSync(file)) throw new Exit(1, `${file} exists; not overwriting it`);
    fs.writeFileSync(file, t.text);
    out(`wrote ${file} (lab ${t.name}): next, nslab deploy ${file}`);
  },

  async 'export-script'([file]) {
    const t = loadLab(file);
    const plan = planDeploy(emptyObserved(t.name), desiredState(t));
    out(
      renderPlanScript(plan, { header: `builds lab "${t.name}" on a host without nslab (exported by nslab export-script)`, strict: true }),
    );
  },

  async 'import-script'(args) {
    const { values, positionals } = options(args, { name: { type: 'string' } }, 'nslab import-script SCRIPT [--name N]');
    const text = readFile(positionals[0]);
    // Named after the file it came in, as import-clab names a file without `name:`.
    const name = values.name ?? (positionals[0] === '-' ? 'imported' : labNameFromFile(positionals[0]!));
    const host = await readHostInterfaces(hostRunner);
    const r = importScript(text, name, host ? { host } : {});
    for (const w of r.warnings) err(`${positionals[0]}:${w.line}: warning: ${w.message}\n    ${w.text}`);
    if (r.skipped.length)
      err(
        `skipped ${r.skipped.length} command(s) that only look or print: ${[...new Set(r.skipped.map((x) => x.line))].slice(0, 30).join(', ')}${r.skipped.length > 30 ? ', …' : ''}`,
      );
    for (const i of r.issues) err(`lab: ${formatIssue(i)}`);
    out(r.yaml);
  },
};

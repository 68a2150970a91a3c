/**
 * Workshop files: a title, the lab every participant starts from, and ordered
 * steps, each a short markdown instruction and the checks that mark it done
 * (the lab file's own check forms, run against the participant's lab in
 * their sandbox). Checks may name nodes the start lab lacks: the step asks
 * the participant to add them.
 *
 * @example
 * parseWorkshop(`title: T\nlab: { name: l, nodes: { a: { kind: netns } } }\nsteps:\n  - { title: S, text: go, checks: [{ from: a, route: default }] }\n`).ok // true
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatIssue, IssueList, isError, type TopologyIssue } from './issues.js';
import { NODE_NAME } from './names.js';
import { parseTopology, parseTopologyData } from './parseTopology.js';
import { checkSchema, type CheckSpec, type Topology } from './schema.js';
import { validateCheckValues } from './validate/checks.js';

export const WORKSHOP_LIMITS = { maxBytes: 256 * 1024, maxSteps: 30, maxChecksPerStep: 20, maxTextChars: 8000, maxTitleChars: 120 };

const stepSchema = z.strictObject({
  title: z.string().min(1).max(WORKSHOP_LIMITS.maxTitleChars),
  /** Markdown: what to do, and why. */
  text: z.string().max(WORKSHOP_LIMITS.maxTextChars),
  /** What marks the step done: every check passes (a step with a `template` may leave them to the template's own). */
  checks: z.array(checkSchema).min(1).max(WORKSHOP_LIMITS.maxChecksPerStep).optional(),
  /** One line that helps a participant who is stuck. */
  hint: z.string().max(1000).optional(),
  /** The lab template this step starts from (`exercises/forward-drop`): the participant loads it into their lab. */
  template: z.string().max(100).optional(),
});

export const workshopSchema = z.strictObject({
  title: z.string().min(1).max(WORKSHOP_LIMITS.maxTitleChars),
  description: z.string().max(WORKSHOP_LIMITS.maxTextChars).optional(),
  /** The lab each participant starts with (any lab file's content). */
  lab: z.unknown(),
  steps: z.array(stepSchema).min(1).max(WORKSHOP_LIMITS.maxSteps),
});

export interface WorkshopStep {
  title: string;
  text: string;
  checks: CheckSpec[];
  hint?: string;
  /** The template this step starts from, and its lab text as the workshop was read (what the participant loads). */
  template?: string;
  templateText?: string;
}

/** A template id: `NAME` or `FOLDER/NAME` (what `nslab templates` lists). */
const TEMPLATE_ID = /^[a-z0-9][a-z0-9_-]{0,40}(\/[a-z0-9][a-z0-9_-]{0,40})?$/;

export interface Workshop {
  title: string;
  description?: string;
  lab: Topology;
  steps: WorkshopStep[];
}

export interface WorkshopParse {
  ok: boolean;
  workshop?: Workshop;
  /** Each names where it is wrong ("steps.2.checks.0.from: …", "lab.nodes.x: …"). */
  errors: string[];
}

/**
 * `templates`: the lab templates a step's `template` may name, their text by
 * id (the server lists them; this package reads no files). Without it, a
 * step that names a template is an error.
 */
export function parseWorkshop(text: string, templates: ReadonlyMap<string, string> = new Map()): WorkshopParse {
  if (text.length > WORKSHOP_LIMITS.maxBytes) return { ok: false, errors: [`the file is larger than ${WORKSHOP_LIMITS.maxBytes} bytes`] };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.slice(0, 5).map((e) => `syntax: ${e.message.split('\n')[0]}`) };
  return workshopFromData(doc.toJS({ maxAliasCount: 50 }), templates);
}

export function workshopFromData(data: unknown, templates: ReadonlyMap<string, string> = new Map()): WorkshopParse {
  const r = workshopSchema.safeParse(data);
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`) };
  const resolved = resolveSteps(r.data.steps, templates);
  if ('errors' in resolved) return { ok: false, errors: resolved.errors };
  // A step's checks follow the lab file's rule: their values parse, and the nodes they name are names a node may have.
  const checks = new IssueList();
  resolved.steps.forEach((step, i) =>
    step.checks.forEach((c, j) => {
      const path = ['steps', i, 'checks', j];
      const named: Array<[string, string[]]> = [['from' in c ? c.from : c.in, ['from' in c ? 'from' : 'in']]];
      if ('listen' in c && c.listen) named.push([c.listen.node, ['listen', 'node']]);
      for (const [node, at] of named)
        if (!NODE_NAME.test(node)) checks.error('name.node', [...path, ...at], `${JSON.stringify(node).slice(0, 70)} is not a node name`);
      validateCheckValues(c, path, checks);
    }),
  );
  if (checks.items.length > 0) return { ok: false, errors: checks.items.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const lab = parseTopologyData(r.data.lab);
  const labErrors = lab.issues.filter(isError).map((i: TopologyIssue) => `lab.${formatIssue(i)}`);
  if (!lab.ok || !lab.topology) return { ok: false, errors: labErrors.length ? labErrors : ['lab: not a lab'] };
  const { lab: _lab, ...rest } = r.data;
  return { ok: true, workshop: { ...rest, steps: resolved.steps, lab: lab.topology }, errors: [] };
}

/** Each step's template, looked up and read as a lab; a step without checks of its own takes the template's. */
function resolveSteps(
  steps: Array<z.infer<typeof stepSchema>>,
  templates: ReadonlyMap<string, string>,
): { steps: WorkshopStep[] } | { errors: string[] } {
  const errors: string[] = [];
  const out = steps.map((step, i): WorkshopStep => {
    const { template, checks, ...rest } = step;
    if (template === undefined) {
      if (!checks) errors.push(`steps.${i}.checks: a step needs checks (or a template whose checks mark it done)`);
      return { ...rest, checks: checks ?? [] };
    }
    const text = TEMPLATE_ID.test(template) ? templates.get(template) : undefined;
    if (text === undefined) {
      errors.push(`steps.${i}.template: no lab template ${JSON.stringify(template).slice(0, 60)} (nslab templates lists them)`);
      return { ...rest, checks: [] };
    }
    const lab = parseTopology(text);
    if (!lab.ok || !lab.topology) errors.push(`steps.${i}.template: lab template ${template} is not valid`);
    else if (!checks && !lab.topology.checks?.length)
      errors.push(`steps.${i}.checks: template ${template} has no checks: give the step its own`);
    return { ...rest, checks: checks ?? lab.topology?.checks ?? [], template, templateText: text };
  });
  return errors.length ? { errors } : { steps: out };
}

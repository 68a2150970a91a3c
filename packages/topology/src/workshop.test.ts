import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTopology } from './parseTopology.js';
import { parseWorkshop, WORKSHOP_LIMITS } from './workshop.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

const MINI = `title: T
lab: { name: l, nodes: { a: { kind: netns }, b: { kind: netns } } }
steps:
  - title: S
    text: go
    checks: [{ from: a, ping: 10.0.0.2 }]
`;

describe('parseWorkshop', () => {
  it('reads a workshop: title, its lab (validated as any lab), steps with their checks', () => {
    const r = parseWorkshop(MINI);
    expect(r.errors).toEqual([]);
    expect(r.workshop?.lab.nodes).toEqual({ a: { kind: 'netns' }, b: { kind: 'netns' } });
    expect(r.workshop?.steps[0]?.checks).toEqual([{ from: 'a', ping: '10.0.0.2', expect: 'reachable' }]);
  });

  it('checks may name nodes the start lab lacks: the step asks for them', () => {
    expect(parseWorkshop(MINI.replace('from: a', 'from: later')).ok).toBe(true);
  });

  it.each([
    ['no steps', MINI.replace(/steps:[\s\S]*/, 'steps: []\n'), /^steps: /],
    ['a step without checks', MINI.replace('checks: [{ from: a, ping: 10.0.0.2 }]', 'checks: []'), /^steps\.0\.checks: /],
    ['an unknown key in a step', MINI.replace('text: go', 'text: go\n    solution: x'), /^steps\.0: .*solution/],
    ['a check of no known form', MINI.replace('{ from: a, ping: 10.0.0.2 }', '{ from: a, pong: 1 }'), /^steps\.0\.checks\.0: /],
    ['an invalid lab', MINI.replace('{ kind: netns }, b', '{ kind: moon }, b'), /^lab\.nodes\.a/],
    ['no title', MINI.replace('title: T\n', ''), /^title: /],
    ['a syntax error', 'title: [', /^syntax: /],
    // Step checks follow the lab file's rule: what reaches ping, ip and a namespace path is checked first.
    [
      'a ping target that is no address (an option)',
      MINI.replace('ping: 10.0.0.2', 'ping: "-f"'),
      /^steps\.0\.checks\.0\.ping: .*not an IP address/,
    ],
    ['a node that is no node name (a path)', MINI.replace('from: a', 'from: "../../etc"'), /^steps\.0\.checks\.0\.from: .*not a node name/],
    [
      'a neighbour that is no address',
      MINI.replace('{ from: a, ping: 10.0.0.2 }', '{ in: a, neighbor: "1.2.3.4; reboot", state: FAILED }'),
      /^steps\.0\.checks\.0\.neighbor: /,
    ],
  ])('refuses %s, naming where', (_what, text, error) => {
    const r = parseWorkshop(text);
    expect(r.ok).toBe(false);
    expect(
      r.errors.some((e) => error.test(e)),
      r.errors.join('\n'),
    ).toBe(true);
  });

  it('bounds sizes: the file, a step’s text, the number of steps', () => {
    expect(parseWorkshop('x'.repeat(WORKSHOP_LIMITS.maxBytes + 1)).errors[0]).toMatch(/larger than/);
    expect(parseWorkshop(MINI.replace('text: go', `text: ${'y'.repeat(WORKSHOP_LIMITS.maxTextChars + 1)}`)).errors[0]).toMatch(
      /^steps\.0\.text/,
    );
    const many = MINI.replace(/steps:\n([\s\S]*)/, (_m, step: string) => `steps:\n${step.repeat(WORKSHOP_LIMITS.maxSteps + 1)}`);
    expect(parseWorkshop(many).errors[0]).toMatch(/^steps: /);
  });
});

describe('steps that start from a lab template', () => {
  const EXERCISE = `name: ex
nodes: { a: { kind: netns }, b: { kind: netns } }
checks: [{ from: a, ping: 10.9.0.2, size: 1472 }]
`;
  const templates = new Map([['exercises/ex', EXERCISE]]);
  const STEP = MINI.replace('    checks: [{ from: a, ping: 10.0.0.2 }]\n', '    template: exercises/ex\n');

  it('takes the template’s checks and keeps its text, to load into the participant’s lab', () => {
    const r = parseWorkshop(STEP, templates);
    expect(r.errors).toEqual([]);
    expect(r.workshop?.steps[0]).toMatchObject({
      template: 'exercises/ex',
      templateText: EXERCISE,
      checks: [{ from: 'a', ping: '10.9.0.2', expect: 'reachable', size: 1472 }],
    });
  });

  it('keeps the step’s own checks when it has them', () => {
    const r = parseWorkshop(MINI.replace('    checks:', '    template: exercises/ex\n    checks:'), templates);
    expect(r.workshop?.steps[0]?.checks).toEqual([{ from: 'a', ping: '10.0.0.2', expect: 'reachable' }]);
  });

  it.each([
    [
      'a template not in the list',
      STEP.replace('exercises/ex', 'exercises/nope'),
      templates,
      /^steps\.0\.template: no lab template "exercises\/nope"/,
    ],
    ['a template id that is a path', STEP.replace('exercises/ex', '../../etc/passwd'), templates, /^steps\.0\.template: no lab template/],
    ['a template when none are known', STEP, new Map<string, string>(), /^steps\.0\.template: no lab template/],
    ['an invalid template', STEP, new Map([['exercises/ex', 'name: 9bad\nnodes: {}\n']]), /^steps\.0\.template: .*not valid/],
    [
      'a template without checks, and none of the step’s',
      STEP,
      new Map([['exercises/ex', 'name: ex\nnodes: {}\n']]),
      /^steps\.0\.checks: /,
    ],
    ['neither checks nor a template', MINI.replace('    checks: [{ from: a, ping: 10.0.0.2 }]\n', ''), templates, /^steps\.0\.checks: /],
  ])('refuses %s, naming where', (_what, text, list, error) => {
    const r = parseWorkshop(text, list);
    expect(r.ok).toBe(false);
    expect(
      r.errors.some((e) => error.test(e)),
      r.errors.join('\n'),
    ).toBe(true);
  });
});

/** The shipped lab templates by id, as the server lists them (labs/*.yaml, labs/exercises/*.yaml). */
function shippedTemplates(): Map<string, string> {
  const labs = path.join(repo, 'labs');
  const read = (dir: string, prefix: string) =>
    fs
      .readdirSync(path.join(labs, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, string] => [`${prefix}${f.slice(0, -5)}`, fs.readFileSync(path.join(labs, dir, f), 'utf8')]);
  return new Map([...read('', ''), ...read('exercises', 'exercises/')]);
}

describe('the shipped workshops', () => {
  const dir = path.join(repo, 'workshops');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s parses, and each step’s checks name nodes of that step’s solution lab (or of the template it starts from)', (file) => {
    const r = parseWorkshop(fs.readFileSync(path.join(dir, file), 'utf8'), shippedTemplates());
    expect(r.errors).toEqual([]);
    const solutions = path.join(dir, file.replace(/\.yaml$/, ''));
    r.workshop!.steps.forEach((step, i) => {
      const lab = parseTopology(step.templateText ?? fs.readFileSync(path.join(solutions, `step-${i + 1}.yaml`), 'utf8'));
      expect(lab.ok, `${file} step-${i + 1}`).toBe(true);
      const nodes = new Set(Object.keys(lab.topology!.nodes));
      for (const c of step.checks) {
        const named = 'from' in c ? [c.from, ...('listen' in c && c.listen ? [c.listen.node] : [])] : [c.in];
        for (const n of named) expect(nodes.has(n), `${file} step ${i + 1}: ${n}`).toBe(true);
      }
      if (!step.template) expect(lab.topology!.name).toBe(r.workshop!.lab.name);
    });
  });
});

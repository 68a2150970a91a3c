import { describe, expect, it } from 'vitest';
import { clabFileName, labFileName, readUpload } from './labFile';

const lab = (name: string, extra = '') =>
  `name: ${name}\ndescription: kept\nnodes:\n  a: { kind: netns, position: { x: 10, y: 20 } }\n${extra}links: []\n`;
const taken = (names: string[]) => (base: string) => {
  if (!names.includes(base)) return base;
  for (let i = 2; ; i++) if (!names.includes(`${base}-${i}`)) return `${base}-${i}`;
};

describe('lab files', () => {
  it('are named after the lab', () => {
    expect(labFileName('pods')).toBe('pods.nslab.yaml');
    expect(clabFileName('pods')).toBe('pods.clab.yml');
  });

  it('upload under their own name, text untouched, when it is free', () => {
    const u = readUpload(lab('pods'), 'pods.nslab.yaml', taken([]));
    expect(u).toEqual({ text: lab('pods'), name: 'pods', message: 'uploaded pods.nslab.yaml as lab "pods"; it is valid' });
  });

  it('upload under a free name when theirs is taken, positions and description kept', () => {
    const u = readUpload(lab('pods'), 'pods.nslab.yaml', taken(['pods']));
    expect(u.name).toBe('pods-2');
    expect(u.message).toContain('(a lab named "pods" exists)');
    expect(u.text).toContain('name: pods-2');
    expect(u.text).toContain('position: { x: 10, y: 20 }');
    expect(u.text).toContain('description: kept');
  });

  it('say what validation finds in a lab that parses but has errors', () => {
    const u = readUpload(lab('pods', 'checks:\n  - { from: nosuch, ping: 10.0.0.1 }\n'), 'p.yaml', taken([]));
    expect(u.message).toMatch(/it has 1 error to fix before it can be deployed: checks\[0\]/);
  });

  it('refuse what is no lab, saying why', () => {
    expect(() => readUpload('- a\n- list\n', 'notes.yaml', taken([]))).toThrow(/^notes\.yaml is not a lab: /);
    expect(() => readUpload('', 'empty.yaml', taken([]))).toThrow(/empty/);
  });

  it('take the file’s name (as the CLI does) only when the text names no lab, and "uploaded" when nothing of it is left', () => {
    const unnamed = 'name: ""\nnodes: {}\nlinks: []\n';
    expect(readUpload(unnamed, 'Pods Lab.nslab.yaml', taken([])).name).toBe('pods-lab');
    expect(readUpload(unnamed, '123.yaml', taken([])).name).toBe('uploaded');
    expect(readUpload(lab('pods'), 'other.yaml', taken([])).name).toBe('pods');
  });
});

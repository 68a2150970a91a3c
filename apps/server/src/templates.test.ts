import { describe, expect, it } from 'vitest';
import { parseTopology } from '@nslab/topology';
import { templatesDir } from './paths.js';
import { listTemplates, templateTexts } from './templates.js';

const templates = listTemplates(templatesDir());
const exercises = templates.filter((t) => t.exercise);

describe('the templates', () => {
  it('lists the seed labs by file name, then the exercises as exercises/NAME, flagged', () => {
    const ids = templates.map((t) => t.id);
    expect(ids[0]).toBe('01-veth-pair');
    expect(exercises.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'exercises/forward-drop',
        'exercises/rp-filter',
        'exercises/no-forwarding',
        'exercises/missing-route',
        'exercises/mtu-mismatch',
        'exercises/link-down',
      ]),
    );
    expect(ids.slice(-exercises.length)).toEqual(exercises.map((t) => t.id));
    expect(templates.filter((t) => !t.exercise).every((t) => !t.id.includes('/'))).toBe(true);
    expect(templateTexts(templatesDir()).get('exercises/forward-drop')).toMatch(/^name: forward-drop$/m);
  });

  it('has at least five exercises', () => expect(exercises.length).toBeGreaterThanOrEqual(5));

  it.each(exercises.map((t) => [t.id, t] as const))(
    '%s: a small valid lab of namespaces (no host node), its symptom first, Trace named, checks of the working lab',
    (_id, t) => {
      const r = parseTopology(t.text);
      expect(r.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
      const kinds = Object.values(r.topology!.nodes).map((n) => n.kind);
      expect(kinds).not.toContain('host');
      expect(kinds.filter((k) => k === 'netns').length).toBeGreaterThanOrEqual(2);
      expect(kinds.filter((k) => k === 'netns').length).toBeLessThanOrEqual(4);
      expect(t.description).toMatch(/^Exercise\. "[^"]+"/);
      expect(t.description).toMatch(/Trace/);
      expect(t.description).toMatch(new RegExp(`nslab trace ${t.name} `));
      const checks = r.topology!.checks ?? [];
      expect(checks.length).toBeGreaterThan(0);
      // The working behaviour: what should get through (they fail as shipped).
      expect(checks.some((c) => ('ping' in c && c.expect === 'reachable') || ('tcp' in c && c.expect === 'open'))).toBe(true);
    },
  );
});

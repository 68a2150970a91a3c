import { describe, expect, it } from 'vitest';
import type { ParticipantView, WorkshopStepView } from '@nslab/topology';
import { dashboardRows, joinLink, stepHeader } from './dashboardRows';

const steps: WorkshopStepView[] = [
  { title: 'A virtual cable', text: '', checks: ['red can ping 10.0.0.2'] },
  { title: 'A bridge', text: '', checks: ['red can ping 10.0.0.3'], hint: 'enslave both' },
];

const person = (over: Partial<ParticipantView>): ParticipantView => ({
  id: 'p1',
  name: 'Ada',
  sandbox: 's1',
  joinedAt: '2026-01-01T11:00:00Z',
  lastSeen: '2026-01-01T11:58:00Z',
  status: 'Deployed',
  results: [],
  ...over,
});

describe('dashboardRows', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('one row per participant, one cell per step, in the order given', () => {
    const rows = dashboardRows(
      {
        steps,
        people: [
          person({ results: [{ step: 0, ok: true, detail: ['PASS'], at: '' }] }),
          person({ id: 'p2', name: 'Linus', status: 'Not deployed', lastSeen: '2026-01-01T11:59:58Z' }),
        ],
      },
      now,
    );
    expect(rows.map((r) => r.name)).toEqual(['Ada', 'Linus']);
    expect(rows[0]).toMatchObject({ id: 'p1', status: 'Deployed', lastSeen: '2 min ago', lastSeenAt: '2026-01-01T11:58:00Z', passed: 1 });
    expect(rows[0]!.steps.map((s) => s.label)).toEqual(['passed', 'not run']);
    expect(rows[1]).toMatchObject({ status: 'Not deployed', lastSeen: 'just now', passed: 0 });
    expect(rows[1]!.steps.map((s) => s.state)).toEqual(['not-run', 'not-run']);
  });

  it('no participants yet: no rows', () => {
    expect(dashboardRows({ steps, people: [] }, now)).toEqual([]);
  });
});

describe('stepHeader', () => {
  it('numbers steps from 1', () => {
    expect(stepHeader(steps[1]!, 1)).toBe('2. A bridge');
  });
});

describe('joinLink', () => {
  it('is the page origin and the join path', () => {
    expect(joinLink('http://10.0.0.5:7000', '/join/ab12')).toBe('http://10.0.0.5:7000/join/ab12');
  });
  it('does not double or drop the slash', () => {
    expect(joinLink('http://h:7000/', '/join/x')).toBe('http://h:7000/join/x');
    expect(joinLink('http://h:7000', 'join/x')).toBe('http://h:7000/join/x');
  });
});

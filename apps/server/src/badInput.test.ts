/** Every invalid lab in the corpus is refused with a clear error and a path; every bad API body gets a 4xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, parseTopology } from '@nslab/topology';
import { BAD_BODIES, badLabs } from '../test/corpus/badLabs.js';
import { type RunningServer } from './serve.js';
import { testServer, fetch } from '../test/client.js';

const corpus = badLabs();

describe('bad input', () => {
  it(`the corpus has at least 100 invalid labs (${corpus.length})`, () => expect(corpus.length).toBeGreaterThanOrEqual(100));

  it.each(corpus.map((c) => [c.name, c.text] as const))('refuses %s, saying where', (_name, text) => {
    const r = parseTopology(text);
    expect(r.ok).toBe(false);
    const errors = r.issues.filter((i) => i.severity !== 'warning');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(formatIssue(e)).toMatch(/^\S.*: .{8,}/);
  });

  describe('API bodies', () => {
    let srv: RunningServer;
    beforeAll(async () => {
      srv = await testServer('bad', { planOnly: true });
    });
    afterAll(() => srv.close());

    it.each(BAD_BODIES)('%s %s gets a 4xx with a reason', async (method, url, body) => {
      const r = await fetch(`${srv.url.replace(/\/$/, '')}${url}`, {
        method,
        ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(((await r.json()) as { error: string }).error.length).toBeGreaterThan(3);
    });
  });
});

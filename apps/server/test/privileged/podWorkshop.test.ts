/**
 * The shipped workshop on the real kernel: in a sandbox of its own, each
 * step's instructor solution (workshops/pod-networking/step-N.yaml) is
 * deployed on top of the one before, and that step's checks then pass; the
 * start lab passes none of step 1's. A workshop whose answer key is wrong
 * would show every participant stuck, so this guards the content itself.
 * Sandbox `wspt` only; nothing on the host.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWorkshop } from '@nslab/topology';
import { deployLab } from '../../src/lab.js';
import { runChecks } from '../../src/live/runChecks.js';
import { sandboxPlace } from '../../src/place.js';
import { ensureSandbox, removeSandbox } from '../../src/sandbox/sandbox.js';
import { isRoot, labFromYaml, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'workshops');
const workshop = parseWorkshop(fs.readFileSync(path.join(dir, 'pod-networking.yaml'), 'utf8')).workshop!;

describe.skipIf(!isRoot)('the shipped workshop "Pod networking from scratch"', () => {
  afterAll(async () => {
    await removeSandbox('wspt');
  });

  it('the start lab passes none of step 1; each step’s solution, deployed on the last, passes its checks', async () => {
    await removeSandbox('wspt');
    await ensureSandbox('wspt');
    const place = sandboxPlace('wspt');
    expect((await deployLab(workshop.lab, { place })).result.ok).toBe(true);
    const before = await runChecks(place.runner, { ...workshop.lab, checks: workshop.steps[0]!.checks });
    expect(before.map((c) => c.ok)).toEqual(workshop.steps[0]!.checks.map(() => false));
    for (const [i, step] of workshop.steps.entries()) {
      const solution = labFromYaml(fs.readFileSync(path.join(dir, 'pod-networking', `step-${i + 1}.yaml`), 'utf8'));
      const out = await deployLab(solution, { place });
      expect(out.result.ok, `step ${i + 1}: ${JSON.stringify(out.result.failure)}`).toBe(true);
      // Proxy ARP answers after up to proxy_delay (0.8 s): a failed first try is retried once, as the dashboard's next run would.
      let results = await runChecks(place.runner, { ...solution, checks: step.checks });
      if (!results.every((c) => c.ok)) results = await runChecks(place.runner, { ...solution, checks: step.checks });
      expect(
        results.filter((c) => !c.ok).map((c) => c.explanation),
        `step ${i + 1} "${step.title}"`,
      ).toEqual([]);
    }
  });
});

/**
 * [F1] The parser and validator never throw, whatever they are given; [F2]
 * what they accept plans without throwing, and every argv is plain words.
 * 10 500 generated cases in all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredState } from './desiredState.js';
import { parseTopology, parseTopologyData } from './parseTopology.js';
import { planDeploy } from './planDeploy.js';
import { emptyObserved } from './state.js';
import { toArgv } from './step.js';
import { fullLab } from './testFixtures.js';

/** A fixed seed keeps CI deterministic; NSLAB_FUZZ_SEED=random (or a number) explores further. */
const SEED = process.env.NSLAB_FUZZ_SEED === 'random' ? {} : { seed: Number(process.env.NSLAB_FUZZ_SEED ?? 20261122) };

const settle = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch (e) {
    throw new Error(`threw: ${(e as Error).stack}`, { cause: e });
  }
};

/** A valid lab with one value replaced somewhere, at any depth, by anything. */
const mutated = fc
  .tuple(
    fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    fc.oneof(
      fc.anything(),
      fc.string(),
      fc.constantFrom('$(reboot)', '`id`', 'a;b', 'x'.repeat(40), '10.0.0.1/24', 'fd00::1/64', -1, 1e12, null, [], {}),
    ),
  )
  .map(([choices, value]) => {
    const t = structuredClone(fullLab()) as unknown as Record<string, unknown>;
    let cur: Record<string | number, unknown> = t;
    for (let i = 0; i < choices.length; i++) {
      const keys = Object.keys(cur);
      if (keys.length === 0) break;
      const key = keys[choices[i]! % keys.length]!;
      const next = cur[key];
      if (i === choices.length - 1 || next === null || typeof next !== 'object') {
        cur[key] = value;
        break;
      }
      cur = next as Record<string | number, unknown>;
    }
    return t;
  });

describe('fuzzing the parser and validator', () => {
  it('[F2] regression: a host NAT interface " " is refused, not passed to iptables', () => {
    const t = structuredClone(fullLab()) as unknown as { nodes: { host: { nat: Array<Record<string, unknown>> } } };
    t.nodes.host.nat[0]!.notOutInterface = ' ';
    expect(parseTopologyData(t).ok).toBe(false);
  });

  it('[F1] never throws on arbitrary text (3 000 cases)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'{}[]:,-&*!|>\'"\n #abc1.') })),
        (s) => settle(() => parseTopology(s)),
      ),
      { numRuns: 3000, ...SEED },
    );
  });

  it('[F1] never throws on arbitrary data (3 000 cases)', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (d) => settle(() => parseTopologyData(d))),
      { numRuns: 3000, ...SEED },
    );
  });

  it('[F2] a mutated lab is either refused with paths, or plans into plain argv words (4 500 cases)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (t) => {
        const r = parseTopologyData(t);
        if (!r.ok) {
          expect(r.issues.length).toBeGreaterThan(0);
          for (const i of r.issues) expect(i.message.length).toBeGreaterThan(3);
          return true;
        }
        accepted++;
        for (const step of planDeploy(emptyObserved(r.topology!.name), desiredState(r.topology!)).steps) {
          for (const a of toArgv(step)) expect(a).not.toMatch(/[\s;&|`$()<>]/);
        }
        return true;
      }),
      { numRuns: 4500, ...SEED },
    );
    expect(accepted).toBeGreaterThan(20); // most mutations make a lab invalid; some must get through to planning
  });
});

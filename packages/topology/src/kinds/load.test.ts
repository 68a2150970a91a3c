import { beforeEach, describe, expect, it, vi } from 'vitest';

// Each kind module loads first without an import cycle reaching back into it before it is defined.
describe('[M1] kind modules load in any order', () => {
  beforeEach(() => vi.resetModules());
  for (const kind of ['bridge', 'veth', 'vxlan', 'macvlan'] as const) {
    it(`${kind}.ts first, then the registry`, async () => {
      const mod = (await import(`./${kind}.ts`)) as Record<string, { kind: string }>;
      expect(mod[kind]!.kind).toBe(kind);
      const { LINK_KINDS } = await import('./index.js');
      expect(LINK_KINDS.map((k) => k.kind)).toContain(kind);
    });
  }
});

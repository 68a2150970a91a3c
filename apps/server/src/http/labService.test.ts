/**
 * LabService's shutdown, with a runner that holds every command until the test
 * lets it go: a look at the host begun by the drift watcher is still under way
 * when the server is told to stop. Once `close()` resolves nothing may touch
 * the store again (the database is closed right after); before this, the
 * watcher's pending tick called `LabStore.has` on the closed database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runner, RunResult } from '../runner.js';
import { LabStore } from '../store.js';
import type { Hub, LabEvent } from './hub.js';
import { LabService } from './labService.js';
import { hostPlace } from '../place.js';

const LAB = 'name: shut\nnodes:\n  sa: { kind: netns }\n';

/** Answers like an empty host, once `open()` is called. */
function gatedRunner() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const calls: string[][] = [];
  const runner: Runner = {
    async run(argv) {
      calls.push([...argv]);
      await gate;
      const out: RunResult = { code: 0, stdout: '', stderr: '' };
      if (argv.includes('-batch')) out.stdout = '[]\n[]\n[]\n';
      return out;
    },
  };
  return { runner, calls, open };
}

function fakeHub(lab: string): Hub & { events: LabEvent[] } {
  const events: LabEvent[] = [];
  return { events, followers: () => 1, followedLabs: () => [lab], publish: (e: LabEvent) => events.push(e) } as unknown as Hub & {
    events: LabEvent[];
  };
}

describe('LabService.close', () => {
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  afterEach(() => {
    process.off('unhandledRejection', onError);
  });

  it("waits for the watcher's look at the host, and nothing touches the store after it", async () => {
    process.on('unhandledRejection', onError);
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-shut-')));
    store.create('shut', LAB);
    const { runner, calls, open } = gatedRunner();
    const hub = fakeHub('shut');
    const service = new LabService(store, hub, hostPlace(runner), true);
    service.watch(5);
    for (let i = 0; i < 200 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(calls.length, 'the watcher began a look at the host').toBeGreaterThan(0);

    const closing = service.close();
    open();
    await closing;
    store.close();
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 50)); // ten watcher periods: none may fire
    expect(calls.length).toBe(after);
    expect(errors).toEqual([]);
  });

  it('refuses a new operation once closing', async () => {
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-shut-')));
    store.create('shut', LAB);
    const service = new LabService(store, fakeHub('shut'), hostPlace(gatedRunner().runner), true);
    await service.close();
    await expect(service.deploy('shut')).rejects.toMatchObject({ status: 503 });
    store.close();
  });
});

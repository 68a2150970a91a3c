/**
 * LabService without root, through runners that answer like a host: its
 * shutdown; deleting and renaming a lab (refused unless the host is known to
 * have nothing of it, and never between a deploy's start and end); and
 * History's deployed revision.
 *
 * The shutdown, with a runner that holds every command until the test
 * lets it go: a look at the host begun by the drift watcher is still under way
 * when the server is told to stop. Once `close()` resolves nothing may touch
 * the store again (the database is closed right after); before this, the
 * watcher's pending tick called `LabStore.has` on the closed database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Topology } from '@nslab/topology';
import { readDeployed, saveDeployed } from '../deployedRecord.js';
import { HoldStore } from '../holds.js';
import type { Runner, RunResult } from '../runner.js';
import { LabStore } from '../store.js';
import type { Hub, LabEvent } from './hub.js';
import { LabService } from './labService.js';
import { hostPlace, type Place } from '../place.js';

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

/** A place of its own (records in a temporary directory) reached through `runner`. */
function placeOf(runner: Runner): Place {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-place-'));
  return { runner, dir, holds: new HoldStore(path.join(dir, 'holds.json')) };
}

/** Every command fails, as `ip` does when the host cannot be read. */
const failingRunner: Runner = { run: async () => ({ code: 1, stdout: '', stderr: 'Cannot open netlink socket: Operation not permitted' }) };

describe('deleting and renaming a lab', () => {
  const made: Array<{ service: LabService; store: LabStore }> = [];
  const setup = (runner: Runner, text = LAB) => {
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-del-')));
    store.create('shut', text);
    const place = placeOf(runner);
    const service = new LabService(store, fakeHub('shut'), place, true);
    made.push({ service, store });
    return { store, service, place };
  };
  afterEach(async () => {
    for (const { service, store } of made.splice(0)) {
      await service.close();
      store.close();
    }
  });

  it('is refused when the host cannot be read, saying so, and the lab stays', async () => {
    const { store, service } = setup(failingRunner);
    await expect(service.remove('shut')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/^cannot tell whether lab "shut" has anything on the host: .*; destroy it first$/),
    });
    await expect(service.rename('shut', 'shut-2')).rejects.toMatchObject({ status: 409, message: expect.stringContaining('cannot tell') });
    expect(store.has('shut')).toBe(true);
    expect(store.has('shut-2')).toBe(false);
  });

  it('is refused when the saved text does not parse: its status is unknown', async () => {
    const gated = gatedRunner();
    gated.open();
    const { store, service } = setup(gated.runner, 'name: shut\nnodes: [oops\n');
    expect((await service.status('shut')).state).toBe('unknown');
    await expect(service.remove('shut')).rejects.toMatchObject({ status: 409, message: expect.stringContaining('cannot tell') });
    expect(store.has('shut')).toBe(true);
  });

  it('a lab with nothing on the host is deleted, with its deployed record; one never in the store is a 404', async () => {
    const gated = gatedRunner();
    gated.open();
    const { store, service, place } = setup(gated.runner);
    saveDeployed(place.dir, { name: 'shut', nodes: { sa: { kind: 'netns' } }, links: [] } as unknown as Topology);
    expect(readDeployed(place.dir, 'shut')).toBeDefined();
    await service.remove('shut');
    expect(store.has('shut')).toBe(false);
    expect(readDeployed(place.dir, 'shut')).toBeUndefined();
    await expect(service.remove('nosuch')).rejects.toMatchObject({ status: 404 });
  });

  it('a destroy under way refuses the delete; a delete under way refuses a deploy and a destroy', async () => {
    const gated = gatedRunner();
    const { store, service } = setup(gated.runner);
    const destroying = service.destroy('shut'); // held at its first look at the host
    await vi.waitFor(() => expect(service.isBusy('shut')).toBe(true));
    await expect(service.remove('shut')).rejects.toMatchObject({ status: 409, message: 'lab "shut" is already being destroyed' });
    await expect(service.rename('shut', 'shut-2')).rejects.toMatchObject({ status: 409 });
    gated.open();
    expect((await destroying).ok).toBe(true);

    const second = gatedRunner();
    const other = setup(second.runner);
    const removing = other.service.remove('shut'); // held at its look at the host, between the check and the delete
    await expect(other.service.deploy('shut')).rejects.toMatchObject({ status: 409, message: 'lab "shut" is being deleted' });
    await expect(other.service.destroy('shut')).rejects.toMatchObject({ status: 409, message: 'lab "shut" is being deleted' });
    await expect(other.service.remove('shut')).rejects.toMatchObject({ status: 409 });
    second.open();
    await removing;
    // A deploy whose text was read before the delete began, and reaches the host after it ended, is refused too.
    other.store.create('shut', LAB);
    const parse = other.service.parse.bind(other.service);
    vi.spyOn(other.service, 'parse').mockImplementationOnce(async (text, valid) => {
      const r = await parse(text, valid);
      other.store.delete('shut');
      return r;
    });
    await expect(other.service.deploy('shut')).rejects.toMatchObject({
      status: 404,
      message: 'lab "shut" was deleted or renamed meanwhile',
    });
    expect(other.store.has('shut')).toBe(false);
    expect(store.has('shut')).toBe(true);
  });
});

describe("History's deployed revision", () => {
  it('is none while the host has nothing of the lab, whatever the deployed record says', async () => {
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-rev-')));
    store.create('shut', LAB);
    const gated = gatedRunner();
    gated.open();
    const place = placeOf(gated.runner);
    const service = new LabService(store, fakeHub('shut'), place, true);
    const { topology } = await service.parse(LAB, true);
    saveDeployed(place.dir, topology); // namespaces removed by hand since: the record is all that is left
    expect((await service.status('shut')).state).toBe('not-deployed');
    expect(await service.deployedRev('shut')).toBeUndefined();
    await service.close();
    store.close();
  });

  it('reads each revision once, without pushing the texts being edited out of the parse cache', async () => {
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-rev-')));
    store.create('shut', LAB);
    for (let i = 1; i <= 40; i++)
      store.save('shut', LAB.replace('sa: { kind: netns }', `sa: { kind: netns, position: { x: ${i}, y: 0 } }`), { message: '' });
    const service = new LabService(store, fakeHub('shut'), placeOf(failingRunner), true);
    // The record and a host that says Deployed: the scan itself is what is tested.
    const { topology } = await service.parse(LAB.replace('sa: { kind: netns }', 'sa: { kind: netns, position: { x: 1, y: 0 } }'), true);
    saveDeployed(service.place.dir, topology);
    const status = vi.spyOn(service, 'status').mockResolvedValue({ state: 'deployed' } as Awaited<ReturnType<LabService['status']>>);
    const parse = vi.spyOn(service.parser, 'parse');
    // Every revision's design is the deployed one (positions aside): the newest is marked.
    expect(await service.deployedRev('shut')).toBe(41);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse.mock.calls[0]![1]).toEqual({ keep: false });

    // The newest 20 are looked at, each read once: asking again reads none.
    saveDeployed(service.place.dir, { ...topology, description: 'another design' });
    expect(await service.deployedRev('shut')).toBeUndefined();
    expect(parse).toHaveBeenCalledTimes(20);
    expect(await service.deployedRev('shut')).toBeUndefined();
    expect(parse).toHaveBeenCalledTimes(20);
    status.mockRestore();
    await service.close();
    store.close();
  });
});

describe('publishing a lab’s status', () => {
  it('drops a look begun before a save once the look begun after it is published (the older design’s word would stick)', async () => {
    const store = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-pub-')));
    store.create('pub', 'name: pub\nnodes:\n  sa: { kind: netns }\n');
    // The first command of the first look is held until the test lets it go; every other answers at once, like an empty host.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    const runner: Runner = {
      async run(argv) {
        if (calls++ === 0) await held;
        return { code: 0, stdout: argv.includes('-batch') ? '[]\n[]\n[]\n' : '', stderr: '' };
      },
    };
    const hub = fakeHub('pub');
    const service = new LabService(store, hub, placeOf(runner), true);
    try {
      const stale = service.publishStatus('pub'); // a look at the design with sa, held
      for (let i = 0; i < 200 && calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(calls, 'the first look began').toBeGreaterThan(0);
      store.save('pub', 'name: pub\nnodes:\n  sb: { kind: netns }\n', { message: 'sa → sb' });
      service.invalidate('pub');
      await service.publishStatus('pub'); // the design with sb, answered at once
      release();
      await stale;
      const published = hub.events.flatMap((e) => (e.type === 'status' ? [Object.keys(e.status.nodes)] : []));
      expect(published).toEqual([['sb']]);
    } finally {
      release();
      await service.close();
      store.close();
    }
  });
});

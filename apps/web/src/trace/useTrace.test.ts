import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceHop, TraceResult } from '@nslab/topology';

const trace = vi.fn<(lab: string, node: string, req: unknown) => Promise<TraceResult>>();
vi.mock('../api', () => ({ tools: { trace: (lab: string, node: string, req: unknown) => trace(lab, node, req) } }));
const select = vi.fn();
vi.mock('../store', () => ({ useStore: { getState: () => ({ select, topology: { nodes: { ns1: {}, ns2: {} } } }) } }));

const { useTrace } = await import('./useTrace');

const hop = (kind: TraceHop['kind'], node: string): TraceHop => ({ kind, node, packet: { src: 'a', dst: 'b', ttl: 64 } });
const result = (sentence: string): TraceResult => ({
  lab: 'lab1',
  from: 'ns1',
  to: '10.0.0.2',
  proto: 'icmp',
  verdict: 'delivered',
  sentence,
  hops: [hop('send', 'ns1'), hop('forward', 'host'), hop('deliver', 'ns2')],
  elapsedMs: { model: 1 },
});

beforeEach(() => {
  useTrace.getState().clear();
  useTrace.getState().setForm({ to: '', proto: 'icmp', port: '', live: false });
  trace.mockReset();
  select.mockReset();
});

describe('picking and running a trace', () => {
  it('a node clicked in pick mode is the destination, traced at once; the answer plays from the first hop', async () => {
    trace.mockResolvedValueOnce(result('delivered'));
    useTrace.getState().start('lab1', 'ns1');
    expect(select).toHaveBeenCalledWith({ nodes: [], links: [] });
    useTrace.getState().pick('ns2');
    await vi.waitFor(() => expect(useTrace.getState().result).not.toBeNull());
    expect(trace).toHaveBeenCalledWith('lab1', 'ns1', { to: 'ns2', proto: 'icmp', live: false });
    expect(useTrace.getState()).toMatchObject({ picking: null, step: 0, playing: true });
  });

  it('starts with the destination the Tools Target names, or none', () => {
    useTrace.getState().start('lab1', 'ns1', '10.0.0.2');
    expect(useTrace.getState().form.to).toBe('10.0.0.2');
    useTrace.getState().start('lab1', 'ns1');
    expect(useTrace.getState().form.to).toBe('');
  });

  it('a TCP trace waits for its port: the click only fills the destination', () => {
    useTrace.getState().start('lab1', 'ns1');
    useTrace.getState().setForm({ proto: 'tcp' });
    useTrace.getState().pick('ns2');
    expect(trace).not.toHaveBeenCalled();
    expect(useTrace.getState().form.to).toBe('ns2');
  });

  it('the answer to a cancelled run is dropped, and cancelling goes back to the source node', async () => {
    let answer: (r: TraceResult) => void = () => {};
    trace.mockReturnValueOnce(new Promise((r) => (answer = r)));
    useTrace.getState().start('lab1', 'ns1');
    useTrace.getState().pick('ns2');
    useTrace.getState().cancel();
    expect(select).toHaveBeenLastCalledWith({ nodes: ['ns1'], links: [] });
    answer(result('late'));
    await Promise.resolve();
    expect(useTrace.getState().result).toBeNull();
  });

  it("the server's refusal is shown in pick mode, which stays open", async () => {
    trace.mockRejectedValueOnce(new Error('to: "nope" is neither an address nor a node of lab "lab1"'));
    useTrace.getState().start('lab1', 'ns1');
    useTrace.getState().setForm({ to: 'nope' });
    await useTrace.getState().run();
    expect(useTrace.getState()).toMatchObject({ picking: { from: 'ns1' }, running: false, error: expect.stringContaining('neither') });
  });
});

describe('stepping through the hops', () => {
  beforeEach(async () => {
    trace.mockResolvedValueOnce(result('delivered'));
    useTrace.getState().start('lab1', 'ns1');
    useTrace.getState().setForm({ to: '10.0.0.2' });
    await useTrace.getState().run();
  });

  it('the playback stops at the last hop', () => {
    useTrace.getState().tick();
    expect(useTrace.getState()).toMatchObject({ step: 1, playing: true });
    useTrace.getState().tick();
    expect(useTrace.getState()).toMatchObject({ step: 2, playing: false });
  });

  it('a step by hand stops the playback and stays within the hops', () => {
    useTrace.getState().previous();
    expect(useTrace.getState()).toMatchObject({ step: 0, playing: false });
    for (let i = 0; i < 5; i++) useTrace.getState().next();
    expect(useTrace.getState().step).toBe(2);
    useTrace.getState().replay();
    expect(useTrace.getState()).toMatchObject({ step: 0, playing: true });
  });

  it('clearing forgets it; Clear trace selects the source again', () => {
    useTrace.getState().clear({ backToSource: true });
    expect(useTrace.getState()).toMatchObject({ result: null, playing: false });
    expect(select).toHaveBeenLastCalledWith({ nodes: ['ns1'], links: [] });
  });
});

/**
 * Every live tool nslab offers. A new tool is one entry here plus its test
 * (toolList.test.ts for its parameters, a privileged test for its output):
 * the websocket or REST route, GET /api/tools and the page's buttons all
 * follow from the entry. Programs get user values only after `--`.
 */
import type { CheckReply, DiscoverResult, LinkCounters, PathResult, PingMatrix, ShowResult, TraceResult } from '@nslab/topology';
import { tracePacket } from '../packetTrace/index.js';
import { discoverHost } from '../discover.js';
import { runChecks } from './runChecks.js';
import { onceTool, streamTool, type OnceTool, type StreamTool, type Tool } from './tool.js';
import { choice, filter, flag, iface, integer, ip, labName, target } from './toolParams.js';
import { linkCounters, pingAll, show, SHOW_VIEWS, tracePath } from './tools.js';

export const TOOLS: readonly Tool[] = [
  streamTool({
    name: 'ping',
    label: 'Ping',
    description: 'ICMP echo requests to an address, from inside this namespace',
    on: 'node',
    limit: 'stream',
    params: { target: ip(), count: integer(1, 100, 3) },
    argv: (v) => ['ping', '-c', String(v.count), '-W', '1', '--', v.target],
    maxMs: (v) => (v.count + 5) * 1000,
  }),
  streamTool({
    name: 'traceroute',
    label: 'Traceroute',
    description: 'the routers a packet crosses to an address, one line per hop',
    on: 'node',
    limit: 'stream',
    params: { target: ip() },
    // One probe per hop, 1 s each, 16 hops at most: a lab's path, not the internet's.
    argv: (v) => ['traceroute', '-n', '-q', '1', '-w', '1', '-m', '16', '--', v.target],
    maxMs: () => 40_000,
  }),
  streamTool({
    name: 'tcpdump',
    label: 'Capture',
    description: 'the packets crossing one interface, decoded, and a .pcap to download',
    on: 'interface',
    limit: 'capture',
    capture: true,
    params: { iface: iface(), filter: filter() },
    // -Z root: stay the user it starts as (in a sandbox, its root: no other user there may open its files).
    argv: (v, file) => [
      'tcpdump',
      '-Z',
      'root',
      '-i',
      v.iface,
      '-n',
      '-e',
      '-l',
      '-U',
      '--print',
      '-w',
      file!,
      '--',
      ...(v.filter ? [v.filter] : []),
    ],
    maxMs: (_v, caps) => caps.captureMs,
  }),
  onceTool({
    name: 'show',
    label: 'ip',
    description: "the namespace's addresses, routes, neighbours or links, as JSON or as ip prints them",
    on: 'node',
    method: 'get',
    path: 'show/:what',
    params: { what: choice(SHOW_VIEWS), raw: flag() },
    run: ({ runner, scope }, v): Promise<ShowResult> => show(runner, scope, v.what, v.raw),
  }),
  onceTool({
    name: 'path',
    label: 'Path',
    description: 'the route a packet takes to an address, namespace by namespace, from the routing tables',
    on: 'node',
    method: 'get',
    params: { to: ip() },
    run: async ({ runner, topology, scope }, v): Promise<PathResult> => ({ hops: await tracePath(runner, topology, scope, v.to) }),
  }),
  onceTool({
    name: 'trace',
    label: 'Trace',
    description: 'where one packet goes, hop by hop, and why it stops: from kernel state, then (live) one real packet traced by netfilter',
    on: 'node',
    method: 'post',
    params: { to: target(), proto: choice(['icmp', 'tcp', 'udp'], 'icmp'), port: integer(0, 65535, 0), live: flag() },
    run: ({ runner, topology, scope }, v): Promise<TraceResult> =>
      tracePacket(runner, topology, { from: scope.node, to: v.to, proto: v.proto, ...(v.port ? { port: v.port } : {}), live: v.live }),
  }),
  onceTool({
    name: 'check',
    label: 'Check',
    description: "runs the lab's checks against the host",
    on: 'lab',
    method: 'post',
    params: {},
    run: async ({ runner, topology }): Promise<CheckReply> => ({ results: await runChecks(runner, topology) }),
  }),
  onceTool({
    name: 'pingall',
    label: 'Ping all',
    description: 'every namespace pings every address of the lab',
    on: 'lab',
    method: 'post',
    params: {},
    run: ({ runner, topology }): Promise<PingMatrix> => pingAll(runner, topology),
  }),
  onceTool({
    name: 'counters',
    label: 'Counters',
    description: "the kernel's packet and byte counters of every link end",
    on: 'lab',
    method: 'get',
    params: {},
    run: ({ runner, topology }): Promise<LinkCounters> => linkCounters(runner, topology),
  }),
  onceTool({
    name: 'discover',
    label: 'Discover',
    description: "the host's namespaces and links as a lab",
    on: 'host',
    method: 'get',
    params: { all: flag(), name: labName() },
    run: ({ runner }, v): Promise<DiscoverResult> => discoverHost(runner, { all: v.all, ...(v.name ? { name: v.name } : {}) }),
  }),
];

export const STREAM_TOOLS: ReadonlyMap<string, StreamTool> = new Map(
  TOOLS.filter((t): t is StreamTool => t.mode === 'stream').map((t) => [t.name, t]),
);
export const ONCE_TOOLS: readonly OnceTool[] = TOOLS.filter((t): t is OnceTool => t.mode === 'once');

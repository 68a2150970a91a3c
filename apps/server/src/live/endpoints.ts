/**
 * Live endpoints: /api/term (a shell in a lab namespace) and /api/stream
 * (ping, tcpdump) websockets, plus REST routes for one-shot tools and capture
 * downloads. Same security as the rest of the API; plan-only mode has none.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { isIfName, LAB_NAME, NODE_NAME, parseIp, resolveTopology, type Topology } from '@nslab/topology';
import type { WebSocket } from 'ws';
import { apiErrors, checkNameParams } from '../http/api.js';
import { HttpError, type LabService } from '../http/labService.js';
import { refuseUpgrade, socketServer } from '../http/upgrades.js';
import { checkLabName, runDir } from '../paths.js';
import { discoverHost } from '../discover.js';
import { runChecks } from '../runChecks.js';
import type { Runner } from '../runner.js';
import { Limits, LIVE_LIMITS } from './limits.js';
import { enter, ownedScope } from './scope.js';
import { streamProcess } from './stream.js';
import { attachTerminal } from './terminal.js';
import { linkCounters, pingAll, show, SHOW, tracePath } from './tools.js';

/** Characters a tcpdump filter uses; it may not start with "-" (tcpdump would read it as an option) and is passed after "--". */
const FILTER = /^[A-Za-z0-9 .:/()!&|<>=\[\]-]{0,200}$/;
const CAPTURE_ID = /^[0-9a-f]{32}$/;

/** Where captures are written: 0700, root only (they hold the lab's traffic). */
export function capturesDir(): string {
  return path.join(runDir(), 'captures');
}

/** Captures left by a server that did not stop cleanly are removed when the next one starts. */
const CAPTURE_MAX_AGE_MS = 3600_000;

/** Checks a capture filter; returns it trimmed, or throws saying what is wrong. */
export function captureFilter(raw: string): string {
  const filter = raw.trim();
  if (!FILTER.test(filter)) throw new HttpError(400, 'the capture filter has characters tcpdump filters do not use (or is longer than 200)');
  if (filter.startsWith('-')) throw new HttpError(400, 'a capture filter cannot start with "-": tcpdump would read it as an option');
  return filter;
}

export class LiveEndpoints {
  private readonly wss = socketServer();
  /** Capture files open now: each is removed when its socket closes, all when the server stops. */
  private readonly captures = new Set<string>();
  private readonly limits = new Limits(LIVE_LIMITS());

  constructor(
    private readonly service: LabService,
    private readonly runner: Runner,
  ) {
    pruneCaptures();
  }

  /** `/api/term` and `/api/stream` (already authenticated by routeUpgrades). */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    if (!this.service.canDeploy) return refuseUpgrade(socket, { status: 403, message: 'plan-only mode: no terminals or tools without root' });
    const lab = url.searchParams.get('lab') ?? '';
    const node = url.searchParams.get('node') ?? '';
    if (!LAB_NAME.test(lab) || !NODE_NAME.test(node)) return refuseUpgrade(socket, { status: 400, message: 'name a lab and a node: ?lab=NAME&node=NODE' });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const kind = url.pathname === '/api/term' ? 'terminal' : url.searchParams.get('tool') === 'tcpdump' ? 'capture' : 'stream';
      const client = req.socket.remoteAddress ?? '?';
      const full = this.limits.take(kind, client);
      if (full) {
        ws.send(JSON.stringify({ type: 'error', message: full }));
        ws.close(1013, 'limit reached');
        return;
      }
      ws.once('close', () => this.limits.give(kind, client));
      this.open(ws, url, lab, node).catch((e: Error) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'error', message: e.message }));
        ws.close();
      });
    });
  };

  private async open(ws: WebSocket, url: URL, lab: string, node: string): Promise<void> {
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const t = await this.service.valid(lab);
    const scope = await ownedScope(this.runner, t, node);
    if (url.pathname === '/api/term') {
      attachTerminal(ws, scope, t.name, { cols: Number(q('cols')), rows: Number(q('rows')) });
      return;
    }
    if (q('tool') === 'ping') {
      if (!parseIp(q('target'))) throw new HttpError(400, `"${q('target').slice(0, 64)}" is not an IP address`);
      const count = Math.min(100, Math.max(1, Number(q('count')) || 4));
      streamProcess(ws, enter(scope, ['ping', '-c', String(count), '-W', '1', '--', q('target')]), { lab, maxMs: (count + 5) * 1000 });
    } else if (q('tool') === 'tcpdump') {
      const iface = q('iface');
      if (!isIfName(iface) || !interfacesOf(t, node).includes(iface)) throw new HttpError(400, `"${iface.slice(0, 32)}" is not an interface of ${node}`);
      const filter = captureFilter(q('filter'));
      this.capture(ws, lab, enter(scope, ['tcpdump', '-i', iface, '-n', '-e', '-l', '-U', '--print']), filter);
    } else throw new HttpError(400, `unknown tool "${q('tool').slice(0, 32)}"`);
  }

  /** tcpdump writing a 0600 pcap in the 0700 captures directory, stopped at the byte and time caps, removed when its socket closes. */
  private capture(ws: WebSocket, lab: string, argvHead: string[], filter: string): void {
    const dir = capturesDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const id = crypto.randomBytes(16).toString('hex');
    const file = path.join(dir, `${id}.pcap`);
    fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' }); // tcpdump truncates it and keeps the mode
    this.captures.add(file);
    const { captureBytes, captureMs } = this.limits.caps;
    const argv = [...argvHead, '-w', file, '--', ...(filter ? [filter] : [])];
    const stop = streamProcess(ws, argv, { lab, hello: { capture: id }, keepOpen: true, maxMs: captureMs });
    const watch = setInterval(() => {
      try {
        if (fs.statSync(file).size > captureBytes) stop(`capture stopped at ${size(captureBytes)}, the largest nslab keeps`);
      } catch {
        /* removed meanwhile */
      }
    }, 500);
    ws.once('close', () => {
      clearInterval(watch);
      this.captures.delete(file);
      fs.rmSync(file, { force: true });
    });
  }

  routes(): express.Router {
    const r = express.Router();
    const h = (fn: (req: Request) => Promise<unknown>) => (req: Request, res: Response, next: (e?: unknown) => void) => {
      if (!this.service.canDeploy) return next(new HttpError(403, 'plan-only mode: no tools without root'));
      fn(req).then((body) => res.json(body), next);
    };
    checkNameParams(r);
    r.get('/labs/:name/nodes/:node/show/:what', h(async (req) => {
      const what = String(req.params.what);
      if (!Object.hasOwn(SHOW, what)) throw new HttpError(400, `show one of: ${Object.keys(SHOW).join(', ')}`);
      const t = await this.service.valid(String(req.params.name));
      return show(this.runner, await ownedScope(this.runner, t, String(req.params.node)), what as keyof typeof SHOW, req.query.raw === '1');
    }));
    r.get('/labs/:name/nodes/:node/path', h(async (req) => {
      const t = await this.service.valid(String(req.params.name));
      return { hops: await tracePath(this.runner, t, String(req.params.node), String(req.query.to ?? '')) };
    }));
    r.post('/labs/:name/check', h(async (req) => ({ results: await runChecks(this.runner, await this.service.valid(String(req.params.name))) })));
    r.get('/discover', h(async (req) => discoverHost(this.runner, { all: req.query.all === '1', ...(typeof req.query.name === 'string' && req.query.name ? { name: checkLabName(req.query.name) } : {}) })));
    r.post('/labs/:name/pingall', h(async (req) => pingAll(this.runner, await this.service.valid(String(req.params.name)))));
    r.get('/labs/:name/counters', h(async (req) => linkCounters(this.runner, await this.service.valid(String(req.params.name)))));
    r.get('/captures/:id', (req, res) => {
      const id = String(req.params.id).replace(/\.pcap$/, '');
      if (!CAPTURE_ID.test(id)) {
        res.status(400).json({ error: 'not a capture id' });
        return;
      }
      const file = path.join(capturesDir(), `${id}.pcap`);
      if (!this.captures.has(file) || !fs.existsSync(file)) {
        res.status(404).json({ error: 'no such capture' });
        return;
      }
      res.download(file, `capture-${id.slice(0, 8)}.pcap`, { headers: { 'Content-Type': 'application/vnd.tcpdump.pcap' } });
    });
    r.use(apiErrors);
    return r;
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    for (const f of this.captures) fs.rmSync(f, { force: true });
  }
}

function size(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function pruneCaptures(): void {
  try {
    for (const f of fs.readdirSync(capturesDir())) {
      const file = path.join(capturesDir(), f);
      if (Date.now() - fs.statSync(file).mtimeMs > CAPTURE_MAX_AGE_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    /* no captures yet */
  }
}

/** The interfaces a capture may run on: those the lab declares in the node's namespace. */
function interfacesOf(t: Topology, node: string): string[] {
  const r = resolveTopology(t);
  const scope = r.scopes.get(r.scopeOfNode.get(node) ?? '');
  return scope ? ['lo', ...scope.interfaces.keys()] : [];
}

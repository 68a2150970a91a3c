/**
 * Live endpoints: /api/term (a shell in a lab namespace) and /api/stream
 * (ping, tcpdump) websockets, plus REST routes for one-shot tools and capture
 * downloads. Same security as the rest of the API; plan-only mode has none.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { isIfName, parseIp, resolveTopology, type Topology } from '@nslab/topology';
import { WebSocketServer, type WebSocket } from 'ws';
import { apiErrors } from '../http/api.js';
import { HttpError, type LabService } from '../http/labService.js';
import type { Security } from '../http/security.js';
import { runDir } from '../paths.js';
import { discoverHost } from '../discover.js';
import { runChecks } from '../runChecks.js';
import type { Runner } from '../runner.js';
import { enter, ownedScope } from './scope.js';
import { streamProcess } from './stream.js';
import { attachTerminal } from './terminal.js';
import { linkCounters, pingAll, show, SHOW, tracePath } from './tools.js';

const FILTER = /^[A-Za-z0-9 .:/()!&|<>=\[\]-]{0,200}$/;
const CAPTURE_ID = /^[0-9a-f]{32}$/;

export function capturesDir(): string {
  return path.join(runDir(), 'captures');
}

/** Captures older than this are removed when a server starts: their downloads are long over. */
const CAPTURE_MAX_AGE_MS = 3600_000;

export class LiveEndpoints {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  /** Capture files this server made: removed when it stops. */
  private readonly captures = new Set<string>();

  constructor(
    server: Server,
    security: Security,
    private readonly service: LabService,
    private readonly runner: Runner,
  ) {
    pruneCaptures();
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/term' && url.pathname !== '/api/stream') return;
      const why = security.refuse(req, true) ?? (service.canDeploy ? undefined : { status: 403, message: 'plan-only mode: no terminals or tools without root' });
      if (why) {
        socket.end(`HTTP/1.1 ${why.status} ${why.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\n\r\n${why.message}\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.open(ws, url).catch((e: Error) => {
          ws.send(JSON.stringify({ type: 'error', message: e.message }));
          ws.close();
        });
      });
    });
  }

  private async open(ws: WebSocket, url: URL): Promise<void> {
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const t = this.service.saved(q('lab'));
    const scope = await ownedScope(this.runner, t, q('node'));
    if (url.pathname === '/api/term') {
      attachTerminal(ws, scope, t.name, { cols: Number(q('cols')), rows: Number(q('rows')) });
      return;
    }
    if (q('tool') === 'ping') {
      if (!parseIp(q('target'))) throw new HttpError(400, `"${q('target')}" is not an IP address`);
      const count = Math.min(100, Math.max(1, Number(q('count')) || 4));
      streamProcess(ws, enter(scope, ['ping', '-c', String(count), '-W', '1', q('target')]));
    } else if (q('tool') === 'tcpdump') {
      const iface = q('iface');
      if (!isIfName(iface) || !interfacesOf(t, q('node')).includes(iface)) throw new HttpError(400, `"${iface}" is not an interface of ${q('node')}`);
      if (!FILTER.test(q('filter'))) throw new HttpError(400, 'the capture filter has characters tcpdump filters do not use');
      fs.mkdirSync(capturesDir(), { recursive: true });
      const id = crypto.randomBytes(16).toString('hex');
      const file = path.join(capturesDir(), `${id}.pcap`);
      this.captures.add(file);
      const filter = q('filter').trim() ? [q('filter').trim()] : [];
      streamProcess(ws, enter(scope, ['tcpdump', '-i', iface, '-n', '-e', '-l', '-U', '-w', file, '--print', ...filter]), { capture: id });
    } else throw new HttpError(400, `unknown tool "${q('tool')}"`);
  }

  routes(): express.Router {
    const r = express.Router();
    const h = (fn: (req: Request) => Promise<unknown>) => (req: Request, res: Response, next: (e?: unknown) => void) => {
      if (!this.service.canDeploy) return next(new HttpError(403, 'plan-only mode: no tools without root'));
      fn(req).then((body) => res.json(body), next);
    };
    r.get('/labs/:name/nodes/:node/show/:what', h(async (req) => {
      const what = String(req.params.what) as keyof typeof SHOW;
      if (!(what in SHOW)) throw new HttpError(400, `show one of: ${Object.keys(SHOW).join(', ')}`);
      const t = this.service.saved(String(req.params.name));
      return show(this.runner, await ownedScope(this.runner, t, String(req.params.node)), what, req.query.raw === '1');
    }));
    r.get('/labs/:name/nodes/:node/path', h(async (req) => {
      const t = this.service.saved(String(req.params.name));
      return { hops: await tracePath(this.runner, t, String(req.params.node), String(req.query.to ?? '')) };
    }));
    r.post('/labs/:name/check', h(async (req) => ({ results: await runChecks(this.runner, this.service.saved(String(req.params.name))) })));
    r.get('/discover', h(async (req) => discoverHost(this.runner, { all: req.query.all === '1', ...(typeof req.query.name === 'string' ? { name: req.query.name } : {}) })));
    r.post('/labs/:name/pingall', h(async (req) => pingAll(this.runner, this.service.saved(String(req.params.name)))));
    r.get('/labs/:name/counters', h(async (req) => linkCounters(this.runner, this.service.saved(String(req.params.name)))));
    r.get('/captures/:id', (req, res) => {
      const id = String(req.params.id).replace(/\.pcap$/, '');
      if (!CAPTURE_ID.test(id)) {
        res.status(400).json({ error: 'not a capture id' });
        return;
      }
      const file = path.join(capturesDir(), `${id}.pcap`);
      if (!fs.existsSync(file)) {
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

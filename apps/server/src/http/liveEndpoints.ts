/**
 * The live tools at the edge: the `/api/term` and `/api/stream?tool=NAME`
 * websockets, one REST route per one-shot tool (each from live/toolList.ts),
 * GET /api/tools (the list, for the page) and capture downloads. Same
 * security as the rest of the API; plan-only mode runs no tool. Domain
 * errors become an HTTP status here (`apiErrors`), or an `error` frame once
 * a websocket is open.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { LAB_NAME, NODE_NAME, type ToolInfo } from '@nslab/topology';
import type { RawData, WebSocket } from 'ws';
import { NslabError } from '../errors.js';
import type { Runner } from '../runner.js';
import { Captures } from '../live/captures.js';
import { Limits, LIVE_LIMITS, type LiveLimits } from '../live/limits.js';
import { ownedScope } from '../live/scope.js';
import { startStream } from '../live/startStream.js';
import { send } from '../live/stream.js';
import { attachTerminal, type TerminalSession } from '../live/terminal.js';
import { routeOf, toolInfo, type OnceTool } from '../live/tool.js';
import { ONCE_TOOLS, STREAM_TOOLS, TOOLS } from '../live/toolList.js';
import { parseParams } from '../live/toolParams.js';
import { apiErrors, checkNameParams } from './api.js';
import type { LabService } from './labService.js';
import { refuseUpgrade, socketServer, type UpgradeHandler } from './upgrades.js';

export class LiveEndpoints {
  private readonly wss = socketServer();
  private readonly captures = new Captures();
  private readonly limits: Limits;
  /** Open terminals by `lab/node`, oldest first: what an instructor may watch or help in. */
  private readonly terminals = new Map<string, TerminalSession[]>();
  /** Every terminal's and stream's socket, by lab: what `endLab` closes. */
  private readonly byLab = new Map<string, Set<WebSocket>>();

  /** `caps`: how many terminals, streams and captures this realm may hold (a participant's are fewer than the host's). */
  constructor(
    private readonly service: LabService,
    caps: LiveLimits = LIVE_LIMITS(),
  ) {
    this.limits = new Limits(caps);
  }

  private get runner(): Runner {
    return this.service.place.runner;
  }

  /** `/api/term` and `/api/stream` (already authenticated by routeUpgrades). */
  readonly upgrade: UpgradeHandler = (req, socket, head, url) => {
    if (!this.service.canDeploy)
      return refuseUpgrade(socket, { status: 403, message: 'plan-only mode: no terminals or tools without root' });
    const lab = url.searchParams.get('lab') ?? '';
    const node = url.searchParams.get('node') ?? '';
    if (!LAB_NAME.test(lab) || !NODE_NAME.test(node))
      return refuseUpgrade(socket, { status: 400, message: 'name a lab and a node: ?lab=NAME&node=NODE' });
    const terminal = url.pathname === '/api/term';
    const tool = terminal ? undefined : STREAM_TOOLS.get(url.searchParams.get('tool') ?? '');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const kind = terminal ? 'terminal' : (tool?.limit ?? 'stream');
      const client = req.socket.remoteAddress ?? '?';
      const full = this.limits.take(kind, client);
      if (full) {
        send(ws, { type: 'error', message: full });
        ws.close(1013, 'limit reached');
        return;
      }
      ws.once('close', () => this.limits.give(kind, client));
      const mine = this.byLab.get(lab) ?? new Set<WebSocket>();
      this.byLab.set(lab, mine.add(ws));
      ws.once('close', () => {
        mine.delete(ws);
        if (mine.size === 0 && this.byLab.get(lab) === mine) this.byLab.delete(lab);
      });
      // What the page sends before the terminal or tool is attached (typed at once) is kept and replayed, not lost.
      const early: Array<[RawData, boolean]> = [];
      const keep = (data: RawData, isBinary: boolean) => early.length < 64 && early.push([data, isBinary]);
      ws.on('message', keep);
      this.open(ws, url, lab, node)
        .then(() => {
          ws.off('message', keep);
          for (const [data, isBinary] of early) ws.emit('message', data, isBinary);
        })
        .catch((e: Error) => {
          send(ws, { type: 'error', message: e.message });
          ws.close();
        });
    });
  };

  private async open(ws: WebSocket, url: URL, lab: string, node: string): Promise<void> {
    const q = (k: string) => url.searchParams.get(k) ?? undefined;
    const topology = await this.service.valid(lab);
    if (url.pathname === '/api/term') {
      const key = `${topology.name}/${node}`;
      // `participant` reaches here only from the instructor (serve.ts): watch or help in the participant's open terminal.
      if (q('participant') !== undefined) {
        const mode = q('mode');
        if (mode !== 'watch' && mode !== 'help') throw new NslabError('invalid', 'mode: watch or help');
        const open = this.terminals.get(key)?.at(-1);
        if (open) return open.addViewer(ws, mode === 'help');
        if (mode === 'watch') throw new NslabError('not-found', `no terminal is open on ${node}: ask them to open one, or choose Help`);
      }
      const session = attachTerminal(ws, await ownedScope(this.runner, topology, node), topology.name, {
        cols: Number(q('cols')),
        rows: Number(q('rows')),
      });
      const list = this.terminals.get(key) ?? [];
      this.terminals.set(key, [...list, session]);
      void session.ended.then(() => {
        const left = (this.terminals.get(key) ?? []).filter((s) => s !== session);
        if (left.length) this.terminals.set(key, left);
        else this.terminals.delete(key);
      });
      return;
    }
    const name = q('tool') ?? '';
    const tool = STREAM_TOOLS.get(name);
    if (!tool) throw new NslabError('not-found', `unknown tool "${name.slice(0, 32)}"; tools: ${[...STREAM_TOOLS.keys()].join(', ')}`);
    const values = parseParams(tool.params, q, { topology, node });
    const scope = await ownedScope(this.runner, topology, node);
    startStream(ws, tool, values, scope, lab, { captures: this.captures, caps: this.limits.caps });
  }

  /** A one-shot tool for one request: the lab must be valid (its strings reach argvs), the parameters are checked, then it runs. */
  private async runOnce(tool: OnceTool, req: Request): Promise<unknown> {
    if (!this.service.canDeploy) throw new NslabError('forbidden', 'plan-only mode: no tools without root');
    const raw = (k: string) => {
      const v = (req.params as Record<string, unknown>)[k] ?? req.query[k];
      return typeof v === 'string' ? v : undefined;
    };
    const runner = this.runner;
    if (tool.on === 'host') return tool.run({ runner }, parseParams(tool.params, raw, {}));
    const topology = await this.service.valid(String(req.params.name));
    if (tool.on === 'lab') return tool.run({ runner, topology }, parseParams(tool.params, raw, { topology }));
    const node = String(req.params.node);
    const values = parseParams(tool.params, raw, { topology, node });
    return tool.run({ runner, topology, scope: await ownedScope(runner, topology, node) }, values);
  }

  routes(): express.Router {
    const r = express.Router();
    checkNameParams(r);
    const tools: ToolInfo[] = TOOLS.map(toolInfo);
    r.get('/tools', (_req, res) => {
      res.json(tools);
    });
    for (const tool of ONCE_TOOLS) {
      r[tool.method](routeOf(tool), (req: Request, res: Response, next: NextFunction) => {
        this.runOnce(tool, req).then((body) => res.json(body), next);
      });
    }
    r.get('/captures/:id', (req, res, next) => {
      try {
        const file = this.captures.fileOf(String(req.params.id));
        const id = String(req.params.id).slice(0, 8);
        res.download(file, `capture-${id}.pcap`, { headers: { 'Content-Type': 'application/vnd.tcpdump.pcap' } });
      } catch (e) {
        next(e);
      }
    });
    r.use(apiErrors);
    return r;
  }

  /**
   * Ends every terminal and stream of a lab (closing a socket kills its
   * process session): before its namespaces are deleted, so no shell keeps
   * one alive, unnamed, after a destroy.
   */
  endLab(lab: string, why: string): void {
    for (const ws of this.byLab.get(lab) ?? []) {
      send(ws, { type: 'error', message: why });
      ws.close(1000, why.slice(0, 120));
    }
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.captures.close();
  }
}

/**
 * Websocket fan-out: each browser subscribes to one lab and receives its
 * deploy progress and status changes. Slow clients are dropped rather than
 * buffered without bound.
 */
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LabEvent } from '@nslab/topology';
import type { Security } from './security.js';

export type { LabEvent } from '@nslab/topology';

const MAX_BUFFERED = 4 * 1024 * 1024;

export class Hub {
  private readonly subs = new Map<string, Set<WebSocket>>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  /** Called when the first browser starts following a lab. */
  onFollow?: (lab: string) => void;

  constructor(
    server: Server,
    security: Security,
    private readonly path = '/api/ws',
  ) {
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== this.path) return; // another endpoint's socket (terminals)
      const why = security.refuse(req, true);
      if (why) {
        socket.end(`HTTP/1.1 ${why.status} ${why.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\n\r\n${why.message}\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, url.searchParams.get('lab') ?? ''));
    });
  }

  private attach(ws: WebSocket, lab: string): void {
    const set = this.subs.get(lab) ?? new Set();
    this.subs.set(lab, set);
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.subs.delete(lab);
    });
    ws.on('error', () => ws.terminate());
    this.onFollow?.(lab);
  }

  followers(lab: string): number {
    return this.subs.get(lab)?.size ?? 0;
  }

  followedLabs(): string[] {
    return [...this.subs.keys()];
  }

  publish(event: LabEvent): void {
    const data = JSON.stringify(event);
    for (const ws of this.subs.get(event.lab) ?? []) {
      if (ws.bufferedAmount > MAX_BUFFERED) ws.terminate();
      else ws.send(data);
    }
  }

  close(): void {
    for (const set of this.subs.values()) for (const ws of set) ws.terminate();
    this.wss.close();
  }
}

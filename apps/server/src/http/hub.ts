/**
 * Websocket fan-out: each browser subscribes to one lab and receives its
 * deploy progress and status changes. Slow clients are dropped rather than
 * buffered without bound.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { LAB_NAME, type LabEvent } from '@nslab/topology';
import { refuseUpgrade, socketServer } from './upgrades.js';

export type { LabEvent } from '@nslab/topology';

const MAX_BUFFERED = 4 * 1024 * 1024;

export class Hub {
  private readonly subs = new Map<string, Set<WebSocket>>();
  private readonly wss = socketServer();
  /** Called when the first browser starts following a lab. */
  onFollow?: (lab: string) => void;

  constructor(private readonly maxFollowers = Number(process.env.NSLAB_MAX_FOLLOWERS ?? 256)) {}

  /** `/api/ws?lab=NAME`: follow one lab's events (already authenticated by routeUpgrades). */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    const lab = url.searchParams.get('lab') ?? '';
    if (!LAB_NAME.test(lab)) return refuseUpgrade(socket, { status: 400, message: 'follow a lab: /api/ws?lab=NAME with a valid lab name' });
    if (this.wss.clients.size >= this.maxFollowers)
      return refuseUpgrade(socket, { status: 429, message: `too many pages follow labs (${this.maxFollowers}); close some` });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, lab));
  };

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

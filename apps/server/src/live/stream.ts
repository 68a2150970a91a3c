/**
 * A tool's output, line by line, over a websocket (ping, traceroute, tcpdump). The
 * process is spawned from an argv in its own session and killed (session and
 * all) when the socket closes or the page says {type:'stop'}. Under a flood,
 * lines are dropped rather than buffered, and the page is told how many.
 */
import type { StreamCommand, StreamMessage } from '@nslab/topology';
import type { WebSocket } from 'ws';
import { spawnAudited } from '../runner.js';
import { enter, spawnable, type NodeScope } from './scope.js';
import { killSession } from './session.js';

/** The one way a live socket (stream or terminal) sends a text frame: the shared `StreamMessage`, dropped once the socket is closing. */
export function send(ws: WebSocket, msg: StreamMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/** Past this much unsent data on the socket, lines are dropped and counted. */
const MAX_BUFFERED = 256 * 1024;

export interface StreamOptions {
  /** The lab it runs for (the audit log). */
  lab: string;
  /** A capture's id, sent with the `start` message. */
  capture?: string;
  /** Keep the socket open after the program ends (a capture stays downloadable until its page closes it). */
  keepOpen?: boolean;
  /** Stops the program after this long, saying why. */
  maxMs?: number;
  /** An open file the program writes to as /dev/fd/3 (a capture). */
  fd3?: number;
}

/** Streams a program's output, run in a node's scope; returns a function that stops it with a reason the page is told. */
export function streamProcess(ws: WebSocket, scope: NodeScope, program: string[], opts: StreamOptions): (reason: string) => void {
  const { argv, env } = spawnable(scope, program);
  const child = spawnAudited(argv, opts.lab, { ...(env ? { env } : {}), ...(opts.fd3 !== undefined ? { fd3: opts.fd3 } : {}) });
  let dropped = 0;
  let reported = 0;
  // The page is shown the command as it runs in the lab (a sandbox's entry prefix is nslab's business).
  send(ws, { type: 'start', argv: enter(scope, program), ...(opts.capture ? { capture: opts.capture } : {}) });
  const onLines = (stream: 'out' | 'err') => {
    let rest = '';
    return (chunk: Buffer) => {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (ws.bufferedAmount > MAX_BUFFERED) dropped++;
        else send(ws, { type: 'line', stream, text: line });
      }
    };
  };
  child.stdout!.on('data', onLines('out'));
  child.stderr!.on('data', onLines('err'));
  const timer = setInterval(() => {
    if (dropped !== reported && ws.bufferedAmount < MAX_BUFFERED / 2) {
      reported = dropped;
      send(ws, { type: 'dropped', count: dropped });
    }
  }, 500);
  let running = true;
  const stop = () => running && child.pid && killSession(child.pid);
  const limit = opts.maxMs
    ? setTimeout(() => stopWith(`stopped after ${Math.round(opts.maxMs! / 1000)} s, the longest nslab lets it run`), opts.maxMs)
    : undefined;
  const stopWith = (reason: string) => {
    if (!running) return;
    send(ws, { type: 'line', stream: 'err', text: `nslab: ${reason}` });
    stop();
  };
  child.on('error', (e) => send(ws, { type: 'line', stream: 'err', text: e.message }));
  child.on('close', (code, signal) => {
    running = false;
    clearInterval(timer);
    clearTimeout(limit);
    send(ws, { type: 'exit', code, signal, dropped });
    if (!opts.keepOpen) ws.close();
  });
  ws.on('message', (raw) => {
    try {
      if ((JSON.parse(String(raw)) as Partial<StreamCommand>).type === 'stop') stop();
    } catch {
      /* not for us */
    }
  });
  ws.on('close', () => {
    clearInterval(timer);
    clearTimeout(limit);
    stop();
  });
  return stopWith;
}

/**
 * A shell inside a lab namespace, over a websocket. Output goes out as binary
 * frames; the page sends JSON: {type:'input',data}, {type:'resize',cols,rows},
 * {type:'ack',bytes}. Flow control: above HIGH unacknowledged bytes the pty is
 * paused, below LOW it resumes, so `yes` cannot grow server memory without
 * bound (wetty's scheme). Closing the socket kills the shell's whole session.
 */
import type { TerminalCommand } from '@nslab/topology';
import type { WebSocket } from 'ws';
import { spawnPty } from '../runner.js';
import { spawnable, type NodeScope } from './scope.js';
import { killSession } from './session.js';
import { send } from './stream.js';

export const HIGH_WATERMARK = 128 * 1024;
export const LOW_WATERMARK = 16 * 1024;

/** An open terminal others may join: to watch its output, or to type into it too (an instructor helping). */
export interface TerminalSession {
  addViewer(ws: WebSocket, canType: boolean): void;
  /** Resolves when the terminal has ended. */
  readonly ended: Promise<void>;
}

/** Past this much unsent output, a viewer misses output rather than grow server memory. */
const VIEWER_MAX_BUFFERED = 1024 * 1024;

export function attachTerminal(ws: WebSocket, scope: NodeScope, lab: string, size: { cols: number; rows: number }): TerminalSession {
  const { argv, env } = terminalCommand(scope, lab);
  const proc = spawnPty(argv, lab, { cols: clamp(size.cols, 2, 500, 80), rows: clamp(size.rows, 2, 200, 24), env });
  let unacked = 0;
  let paused = false;
  const viewers = new Set<WebSocket>();
  let end = () => {};
  const ended = new Promise<void>((r) => (end = r));
  const data = proc.onData((d) => {
    const bytes = Buffer.from(d, 'utf8');
    unacked += bytes.length;
    ws.send(bytes);
    for (const v of viewers) if (v.bufferedAmount < VIEWER_MAX_BUFFERED) v.send(bytes);
    // Unacknowledged output, or output the socket has not sent yet (a page that acknowledges what it never read): pause.
    if (!paused && (unacked > HIGH_WATERMARK || ws.bufferedAmount > HIGH_WATERMARK)) {
      paused = true;
      proc.pause();
      setTimeout(resumeIfDrained, 50);
    }
  });
  const exit = proc.onExit(({ exitCode }) => {
    send(ws, { type: 'exit', code: exitCode });
    ws.close();
  });
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    // From the page, so checked field by field: the type says what a well-behaved page sends.
    let msg: { [K in AllKeys<TerminalCommand>]?: unknown };
    try {
      msg = JSON.parse(String(raw)) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'input' && typeof msg.data === 'string') proc.write(msg.data);
    else if (msg.type === 'resize') proc.resize(clamp(msg.cols, 2, 500, 80), clamp(msg.rows, 2, 200, 24));
    else if (msg.type === 'ack' && typeof msg.bytes === 'number' && msg.bytes > 0) {
      unacked = Math.max(0, unacked - Math.min(msg.bytes, unacked));
      resumeIfDrained();
    }
  });
  const resumeIfDrained = () => {
    if (!paused) return;
    if (unacked < LOW_WATERMARK && ws.bufferedAmount < LOW_WATERMARK) {
      paused = false;
      proc.resume();
    } else if (unacked < LOW_WATERMARK) setTimeout(resumeIfDrained, 50); // acknowledged, but still queued here: look again soon
  };
  ws.on('close', () => {
    data.dispose();
    exit.dispose();
    killSession(proc.pid);
    for (const v of viewers) v.close(1000, 'the terminal closed');
    end();
  });
  return {
    ended,
    addViewer(viewer, canType) {
      viewers.add(viewer);
      viewer.on('close', () => viewers.delete(viewer));
      viewer.on('message', (raw, isBinary) => {
        if (!canType || isBinary) return;
        try {
          const msg = JSON.parse(String(raw)) as { type?: unknown; data?: unknown };
          if (msg.type === 'input' && typeof msg.data === 'string') proc.write(msg.data);
        } catch {
          /* not a command */
        }
      });
    },
  };
}

/**
 * The shell a node's terminal runs, and its whole environment: on the host
 * as root in the node's network namespace; in a sandbox as the sandbox's
 * root, in its namespaces and cgroup, with HOME its own /tmp. `nslab exec`
 * runs its command with the same argv prefix and environment.
 */
export function terminalCommand(scope: NodeScope, lab: string, program: string[] = ['bash', '--noprofile', '--norc', '-i']) {
  const where = scope.netns ?? 'host';
  const { argv, env: placeEnv } = spawnable(scope, program);
  const sandbox = scope.runner.sandbox;
  const env: Record<string, string> = {
    PATH: placeEnv?.PATH ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    TERM: 'xterm-256color',
    HOME: placeEnv?.HOME ?? '/root',
    LANG: 'C.UTF-8',
    PS1: `[${sandbox ? `${sandbox}:` : ''}${lab}:${where}] \\w\\$ `,
    NSLAB_NETNS: where,
    ...(sandbox ? { NSLAB_SANDBOX: sandbox } : {}),
  };
  return { argv, env };
}

/** Every field name any member of a union has. */
type AllKeys<T> = T extends unknown ? keyof T : never;

function clamp(v: unknown, min: number, max: number, dflt: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : dflt;
}

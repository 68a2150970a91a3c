/**
 * A tool's output, line by line, over a websocket: ping and tcpdump. The
 * process is spawned from an argv in its own session and killed (session and
 * all) when the socket closes or the page says {type:'stop'}. Under a flood,
 * lines are dropped rather than buffered, and the page is told how many.
 */
import { spawn } from 'node:child_process';
import type { WebSocket } from 'ws';
import { killSession } from './session.js';

/** Past this much unsent data on the socket, lines are dropped and counted. */
const MAX_BUFFERED = 256 * 1024;

export function streamProcess(ws: WebSocket, argv: string[], hello: Record<string, unknown> = {}): void {
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let dropped = 0;
  let reported = 0;
  const send = (m: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  send({ type: 'start', argv, ...hello });
  const onLines = (stream: 'out' | 'err') => {
    let rest = '';
    return (chunk: Buffer) => {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (ws.bufferedAmount > MAX_BUFFERED) dropped++;
        else send({ type: 'line', stream, text: line });
      }
    };
  };
  child.stdout!.on('data', onLines('out'));
  child.stderr!.on('data', onLines('err'));
  const timer = setInterval(() => {
    if (dropped !== reported && ws.bufferedAmount < MAX_BUFFERED / 2) {
      reported = dropped;
      send({ type: 'dropped', count: dropped });
    }
  }, 500);
  const stop = () => child.pid && killSession(child.pid);
  child.on('error', (e) => send({ type: 'line', stream: 'err', text: e.message }));
  child.on('close', (code, signal) => {
    clearInterval(timer);
    send({ type: 'exit', code, signal, dropped });
    ws.close();
  });
  ws.on('message', (raw) => {
    try {
      if ((JSON.parse(String(raw)) as { type?: string }).type === 'stop') stop();
    } catch {
      /* not for us */
    }
  });
  ws.on('close', () => {
    clearInterval(timer);
    stop();
  });
}

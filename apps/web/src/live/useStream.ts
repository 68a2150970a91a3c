/**
 * The one way the page runs a streaming tool (`/api/stream?tool=NAME`): a
 * request in, the tool's lines out. A new request (or the same one with a new
 * `run`) closes the last socket and opens another; unmounting closes it. The
 * server ends the tool when its socket closes, so nothing outlives the view.
 */
import { useEffect, useRef, useState } from 'react';
import type { StreamCommand, StreamMessage } from '@nslab/topology';
import { openSocket } from '../api';

export interface StreamRequest {
  lab: string;
  node: string;
  tool: string;
  params: Record<string, string | number>;
  /** Changing it alone runs the same request again. */
  run?: number;
}

export interface StreamState {
  lines: string[];
  /** Lines the server dropped under a flood (too fast to show). */
  dropped: number;
  /** The program runs (from the request until `exit`, an error or the socket's close). */
  running: boolean;
  error: string | null;
  /** A capture's id, once the server started it. */
  capture: string | null;
}

export const MAX_LINES = 2000;

export const idle: StreamState = { lines: [], dropped: 0, running: false, error: null, capture: null };

/** What one frame from the server changes; the last MAX_LINES lines are kept. */
export function onStreamMessage(s: StreamState, msg: StreamMessage): StreamState {
  switch (msg.type) {
    case 'start':
      return { ...s, capture: msg.capture ?? null };
    case 'line':
      return {
        ...s,
        lines: s.lines.length >= MAX_LINES ? [...s.lines.slice(s.lines.length - MAX_LINES + 1), msg.text] : [...s.lines, msg.text],
      };
    case 'dropped':
      return { ...s, dropped: msg.count };
    case 'exit':
      return { ...s, running: false };
    case 'error':
      return { ...s, running: false, error: msg.message };
    default: {
      const never: never = msg;
      return never;
    }
  }
}

export function useStream(request: StreamRequest | null): StreamState & { stop(): void } {
  const [state, setState] = useState<StreamState>(() => (request ? { ...idle, running: true } : idle));
  const socket = useRef<WebSocket | null>(null);
  // The request's content, not its identity, says whether it is a new run.
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => {
    if (!key) {
      setState(idle);
      return;
    }
    const req = JSON.parse(key) as StreamRequest;
    setState({ ...idle, running: true });
    const ws = openSocket('/api/stream', { lab: req.lab, node: req.node, tool: req.tool, ...req.params });
    socket.current = ws;
    ws.onmessage = (m) => setState((s) => onStreamMessage(s, JSON.parse(String(m.data)) as StreamMessage));
    ws.onclose = () => setState((s) => ({ ...s, running: false }));
    return () => {
      ws.onmessage = null;
      ws.onclose = null;
      ws.close();
      if (socket.current === ws) socket.current = null;
    };
  }, [key]);
  const stop = () => {
    const ws = socket.current;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stop' } satisfies StreamCommand));
  };
  return { ...state, stop };
}

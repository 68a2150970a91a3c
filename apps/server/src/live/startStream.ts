/**
 * Runs a streaming tool inside a node for one websocket. A tool that
 * captures writes its pcap to a capture file that lives as long as the
 * socket, and is stopped at the byte cap.
 */
import type { Captures } from './captures.js';
import type { LiveLimits } from './limits.js';
import fs from 'node:fs';
import type { WebSocket } from 'ws';
import { sandboxDir } from '../paths.js';
import { readSandbox } from '../sandbox/sandbox.js';
import type { NodeScope } from './scope.js';
import { streamProcess } from './stream.js';
import type { StreamTool } from './tool.js';
import type { ParamValues, ParamSpecs } from './toolParams.js';

export interface StreamDeps {
  captures: Captures;
  caps: LiveLimits;
}

export function startStream(
  ws: WebSocket,
  tool: StreamTool,
  values: ParamValues<ParamSpecs>,
  scope: NodeScope,
  lab: string,
  deps: StreamDeps,
): void {
  const maxMs = tool.maxMs(values, deps.caps);
  if (!tool.capture) {
    streamProcess(ws, scope, tool.argv(values, undefined), { lab, maxMs });
    return;
  }
  // The server opens the file and the program writes to it as /dev/fd/3: a sandboxed capture never sees a host path.
  const sandbox = scope.runner.sandbox;
  const owner = sandbox ? readSandbox(sandbox)?.hostId : undefined;
  const { id, file, fd } = deps.captures.create(
    sandbox && owner !== undefined ? { owner, dir: sandboxDir(sandbox, 'captures') } : undefined,
  );
  let stop: (reason: string) => void;
  try {
    stop = streamProcess(ws, scope, tool.argv(values, '/dev/fd/3'), { lab, capture: id, keepOpen: true, maxMs, fd3: fd });
  } finally {
    fs.closeSync(fd); // the program has its own copy
  }
  const { captureBytes } = deps.caps;
  const watch = setInterval(() => {
    if (deps.captures.size(file) > captureBytes) stop(`capture stopped at ${size(captureBytes)}, the largest nslab keeps`);
  }, 500);
  ws.once('close', () => {
    clearInterval(watch);
    deps.captures.remove(id);
  });
}

function size(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.round(bytes / 1024)} KB`;
}

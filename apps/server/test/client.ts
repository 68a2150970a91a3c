/**
 * Talking to a test server as an authorised client: `fetch` and `WebSocket`
 * that send the token, and the token the tests start servers with
 * (`startServer({ token: TEST_TOKEN })`, or `NSLAB_TOKEN` for a CLI server).
 * Tests about the token itself use the global fetch and the plain ws client.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PlainWebSocket from 'ws';
import { startServer, type RunningServer, type ServeOptions } from '../src/serve.js';

export const TEST_TOKEN = crypto.randomBytes(24).toString('base64url');
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

export function fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  return globalThis.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...AUTH } });
}

type WsOptions = ConstructorParameters<typeof PlainWebSocket>[2];

/** The ws client with the token in its upgrade request. */
export class WebSocket extends PlainWebSocket {
  constructor(url: string, protocolsOrOptions?: string | string[] | WsOptions, options?: WsOptions) {
    const opts = (typeof protocolsOrOptions === 'object' && !Array.isArray(protocolsOrOptions) ? protocolsOrOptions : options) ?? {};
    const protocols = typeof protocolsOrOptions === 'string' || Array.isArray(protocolsOrOptions) ? protocolsOrOptions : [];
    super(url, protocols, { ...opts, headers: { ...(opts.headers as Record<string, string> | undefined), ...AUTH } });
  }
}

/** A server on a free loopback port that needs TEST_TOKEN, with a fresh data directory (`nslab-<tag>-…`); no drift watch unless asked. */
export function testServer(tag: string, opts: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    token: TEST_TOKEN,
    host: '127.0.0.1',
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `nslab-${tag}-`)),
    watchMs: 0,
    ...opts,
  });
}

/**
 * The one place websocket upgrades arrive: each is checked (token, Host,
 * Origin) before anything else, then handed to the endpoint for its path.
 * An upgrade to any other path is answered 404 and closed at once.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PROTOCOL, type Principal, type Refusal, type Security } from './security.js';

/** `who`: the principal the upgrade speaks for (its credential, already checked). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, who: Principal) => void;

export function routeUpgrades(server: Server, security: Security, routes: Record<string, UpgradeHandler>): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) return refuseUpgrade(socket, { status: 404, message: `no websocket at ${url.pathname}` });
    const { who, refusal } = security.check(req, 'upgrade', true);
    if (refusal || !who) return refuseUpgrade(socket, refusal ?? { status: 401, message: 'no credential' });
    if (who.role === 'joiner') return refuseUpgrade(socket, { status: 403, message: 'a join link opens only the join page: join first' });
    if (who.role === 'viewer' || who.role === 'visitor')
      return refuseUpgrade(socket, { status: 403, message: 'a view link opens only its lab, to look at' });
    route(req, socket, head, url, who);
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers an upgrade with an HTTP error and closes the connection. */
export function refuseUpgrade(socket: Duplex, why: Refusal | { status: number; message: string }): void {
  const body = `${why.message}\n`;
  socket.end(
    `HTTP/1.1 ${why.status} ${REASONS[why.status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A websocket server for one endpoint: it answers with the `nslab` subprotocol, never echoing the token one. */
export function socketServer(maxPayload = 64 * 1024): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
}

export type { WebSocket };

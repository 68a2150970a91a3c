/**
 * Who may talk to the server. It runs as root and changes the host, so:
 * - off loopback, every HTTP request and websocket needs the token printed at
 *   start (header `Authorization: Bearer`, `?token=`, or the cookie the page
 *   gets when opened with `?token=`);
 * - on loopback, the Host header must name loopback (no DNS rebinding);
 * - requests that change anything, and websocket upgrades, must come from
 *   this origin (a page elsewhere cannot drive a local root service).
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export interface SecurityOptions {
  host: string;
  /** Required off loopback; generated when not given. */
  token?: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class Security {
  readonly token: string | undefined;

  constructor(readonly opts: SecurityOptions) {
    this.token = opts.token ?? (isLoopback(opts.host) ? undefined : crypto.randomBytes(24).toString('base64url'));
  }

  /** Why a request may not proceed, or undefined when it may. */
  refuse(req: IncomingMessage, changes: boolean): { status: number; message: string } | undefined {
    const host = hostName(req.headers.host);
    if (isLoopback(this.opts.host) && host !== undefined && !isLoopback(host)) {
      return { status: 403, message: `Host "${req.headers.host}" is not this server's loopback address` };
    }
    if (this.token && !this.hasToken(req)) return { status: 401, message: 'a token is required: open the URL printed when nslab serve started' };
    const origin = req.headers.origin;
    if (changes && origin !== undefined && origin !== 'null' && hostName(safeUrlHost(origin)) !== host) {
      return { status: 403, message: `requests from ${origin} are not allowed` };
    }
    if (changes && origin === 'null') return { status: 403, message: 'requests from an opaque origin are not allowed' };
    return undefined;
  }

  private hasToken(req: IncomingMessage): boolean {
    const t = this.token!;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7), t)) return true;
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams.get('token');
    if (q && safeEqual(q, t)) return true;
    const cookie = /(?:^|;\s*)nslab_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return cookie !== undefined && safeEqual(decodeURIComponent(cookie), t);
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const changes = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      const why = this.refuse(req, changes);
      if (why) {
        res.status(why.status).json({ error: why.message });
        return;
      }
      if (this.token && typeof req.query.token === 'string') {
        res.cookie('nslab_token', this.token, { httpOnly: true, sameSite: 'strict' });
      }
      const hasBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
      if (changes && hasBody && !req.is('application/json')) {
        res.status(415).json({ error: 'send JSON (Content-Type: application/json)' });
        return;
      }
      next();
    };
  }
}

function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:]+)(?::\d+)?$/.exec(host);
  return m?.[1];
}

function safeUrlHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

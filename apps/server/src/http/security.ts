/**
 * Who may talk to the server. It runs as root and changes the host, and any
 * local user can reach a loopback port, so (docs/security.md):
 * - every API request and websocket needs the token, on every address:
 *   `Authorization: Bearer TOKEN`, or for a browser's websocket the
 *   subprotocol `nslab.token.TOKEN` (never in a URL, never in a cookie: every
 *   port of a host receives its cookies);
 * - the app's static files need the token once (`/?token=`), after which a
 *   cookie that opens nothing but static files stands in for it;
 * - on loopback the Host header must be this server's own address and port
 *   (no DNS rebinding);
 * - requests that change anything, and websocket upgrades, must come from
 *   exactly this origin (scheme, host and port) when they carry an Origin.
 * `--no-token` turns the token off, and says so loudly at start.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

export interface SecurityOptions {
  /** The address the server listens on. */
  host: string;
  /** The token; generated when not given. */
  token?: string;
  /** No token at all: the loud opt-out for a single-user machine. */
  noToken?: boolean;
  /** The workshop participant a secret belongs to, if any (docs/workshops.md). */
  participant?: (secret: string) => string | undefined;
  /** Whether a join code opens a workshop now. */
  joinCode?: (code: string) => boolean;
  /** Whether `key` is the view key of lab `lab` (a read-only view link, docs/security.md). */
  viewKey?: (lab: string, key: string) => boolean;
  /**
   * Accept the token from other machines when listening beyond loopback.
   * Off by default: plain http on a classroom network shows the token (root)
   * to anyone who listens; the instructor uses the machine itself or an SSH
   * tunnel, and participants their own secrets.
   */
  remoteToken?: boolean;
}

/**
 * Who a request speaks for: the server token's holder (the instructor, and
 * the host's own designer), one workshop participant (their secret), or
 * someone holding a workshop's join link (its app pages and the join call only).
 */
export type Principal =
  | { role: 'instructor' }
  | { role: 'participant'; id: string }
  | { role: 'joiner'; code: string }
  | { role: 'viewer'; lab: string }
  | { role: 'visitor' };

/**
 * Whether a path is the API's. Case-insensitive, as Express's mounting may
 * be: whatever reaches the API router must be judged as API access, never
 * as a page (where the app cookie counts).
 */
export function isApiPath(path: string): boolean {
  return /^\/api(?:\/|$)/i.test(path);
}

/** `/join/CODE` (the page) and `/api/join/CODE` (the call): where a join code is a credential. */
const JOIN_PATH = /^(?:\/api)?\/join\/([A-Za-z0-9_-]{22})$/;

/** `/view/LAB?key=K` (the page) and `/api/view/LAB?key=K` (its one call): where a lab's view key is a credential. */
const VIEW_PATH = /^(?:\/api)?\/view\/([^/]{1,64})$/;

/** Tokens nslab accepts: long enough to guess never, and safe in a header and a websocket subprotocol. */
export const TOKEN_RULE = /^[A-Za-z0-9._~-]{16,512}$/;

/**
 * Why `token` cannot be the server's token, in one line (never quoting it: a
 * rejected token may still be someone's secret), or undefined when it can.
 *
 * @example tokenProblem('walk15token') // 'the token (NSLAB_TOKEN) must be 16–512 characters of A–Z a–z 0–9 . _ ~ - (this one is 11 long)'
 */
export function tokenProblem(token: string): string | undefined {
  if (TOKEN_RULE.test(token)) return undefined;
  const why = token.length < 16 || token.length > 512 ? `this one is ${token.length} long` : 'this one has others too';
  return `the token (NSLAB_TOKEN) must be 16–512 characters of A–Z a–z 0–9 . _ ~ - (${why})`;
}

/** The websocket subprotocol a browser names to carry the token, and the one the server answers with. */
export const WS_PROTOCOL = 'nslab';
export const WS_TOKEN_PREFIX = 'nslab.token.';

/** The cookie that lets a logged-in browser load the app's static files, and nothing else. */
const APP_COOKIE = 'nslab_app';

export type Access = 'api' | 'app' | 'upgrade';

export interface Refusal {
  status: 401 | 403;
  message: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A peer address on this machine's loopback (IPv4, IPv6, or IPv4-mapped). */
function isLoopbackPeer(addr: string | undefined): boolean {
  return addr !== undefined && (addr === '::1' || /^(::ffff:)?127\./.test(addr));
}

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export class Security {
  readonly token: string | undefined;
  private readonly appCookie: string | undefined;
  private port = 0;

  constructor(readonly opts: SecurityOptions) {
    const problem = opts.token === undefined ? undefined : tokenProblem(opts.token);
    if (problem) throw new Error(problem);
    this.token = opts.noToken ? undefined : (opts.token ?? newToken());
    this.appCookie = this.token && crypto.createHmac('sha256', this.token).update('nslab app cookie v1').digest('base64url');
  }

  /** The port the server listens on, once it does: Host and Origin are compared with it. */
  listening(port: number): void {
    this.port = port;
  }

  /** Why a request may not proceed, or undefined when it may. `changes`: it changes something (or opens a socket). */
  refuse(req: IncomingMessage, access: Access, changes: boolean): Refusal | undefined {
    return this.check(req, access, changes).refusal;
  }

  /** Who a request speaks for, or why it may not proceed. */
  check(req: IncomingMessage, access: Access, changes: boolean): { who?: Principal; refusal?: Refusal } {
    const host = (req.headers.host ?? '').toLowerCase();
    if (isLoopback(this.opts.host) && !this.ownHosts().includes(host)) {
      return { refusal: { status: 403, message: `Host "${req.headers.host ?? ''}" is not this server's address (${this.ownHosts()[0]})` } };
    }
    const who = this.principal(req, access);
    if (who === 'remote-token')
      return {
        refusal: {
          status: 403,
          message: `the server token is accepted from this machine only (nslab listens on ${this.opts.host}, and plain http would show it to the network): use an SSH tunnel (ssh -L ${this.port}:127.0.0.1:${this.port} HOST, then http://127.0.0.1:${this.port}/), or start nslab serve with --remote-token`,
        },
      };
    if (!who) {
      return {
        refusal: {
          status: 401,
          message:
            'nslab needs its access token: open the address nslab serve printed (it ends in ?token=…), or send Authorization: Bearer TOKEN (sudo nslab token prints it)',
        },
      };
    }
    const origin = req.headers.origin;
    if ((changes || access === 'upgrade') && origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      return {
        refusal: {
          status: 403,
          message: `requests from ${origin === 'null' ? 'an opaque origin' : origin} are not allowed: only pages served by this nslab (http://${host}) may change labs`,
        },
      };
    }
    return { who };
  }

  /**
   * The credential's principal. A participant's secret is accepted wherever
   * the token is (header, websocket subprotocol, `?token=` on a page); a join
   * code only on its own two paths. Without a token (`--no-token`), anyone
   * not presenting a participant secret is the instructor.
   */
  private principal(req: IncomingMessage, access: Access): Principal | 'remote-token' | undefined {
    const presented = this.presented(req, access);
    if (this.token && presented.some((p) => safeEqual(p, this.token!))) {
      const local = isLoopback(this.opts.host) || isLoopbackPeer(req.socket.remoteAddress);
      return local || this.opts.remoteToken ? { role: 'instructor' } : 'remote-token';
    }
    if (this.opts.participant)
      for (const p of presented) {
        const id = TOKEN_RULE.test(p) ? this.opts.participant(p) : undefined;
        if (id) return { role: 'participant', id };
      }
    // The app cookie: the page's static files, nothing else (not an instructor: no realm, no API).
    if (this.token && access === 'app' && this.hasAppCookie(req)) return { role: 'visitor' };
    const join = JOIN_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (join && this.opts.joinCode?.(join[1]!)) return { role: 'joiner', code: join[1]! };
    const view = access !== 'upgrade' ? this.viewer(req) : undefined;
    if (view) return view;
    return this.token ? undefined : { role: 'instructor' };
  }

  /** A view link's holder: the path names a lab and `?key=` is its view key. */
  private viewer(req: IncomingMessage): Principal | undefined {
    const url = new URL(req.url ?? '/', 'http://x');
    const lab = VIEW_PATH.exec(url.pathname)?.[1];
    const key = url.searchParams.get('key');
    if (lab === undefined || key === null || !this.opts.viewKey) return undefined;
    let name: string;
    try {
      name = decodeURIComponent(lab);
    } catch {
      return undefined;
    }
    return this.opts.viewKey(name, key) ? { role: 'viewer', lab: name } : undefined;
  }

  /** The credentials a request carries, where its kind of access may carry them. */
  private presented(req: IncomingMessage, access: Access): string[] {
    const found: string[] = [];
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) found.push(auth.slice(7).trim());
    if (access === 'upgrade')
      for (const p of String(req.headers['sec-websocket-protocol'] ?? '').split(',')) {
        const t = p.trim();
        if (t.startsWith(WS_TOKEN_PREFIX)) found.push(t.slice(WS_TOKEN_PREFIX.length));
      }
    if (access === 'app') {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      if (q !== null) found.push(q);
    }
    return found;
  }

  private hasAppCookie(req: IncomingMessage): boolean {
    const cookie = new RegExp(`(?:^|;\\s*)${APP_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
    return cookie !== undefined && safeEqual(cookie, this.appCookie!);
  }

  /** Host headers that name this server on loopback: its loopback names with its port (no port when it is 80). */
  private ownHosts(): string[] {
    const port = this.port === 80 ? ['', ':80'] : [`:${this.port}`];
    const bound = this.opts.host.includes(':') && !this.opts.host.startsWith('[') ? `[${this.opts.host}]` : this.opts.host;
    const names = [...new Set([bound.toLowerCase(), '127.0.0.1', 'localhost', '[::1]'])];
    return names.flatMap((h) => port.map((p) => `${h}${p}`));
  }

  /** Headers every response carries: no framing, no sniffing, no referrer, resources for this origin only. */
  headers() {
    return helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // React Flow and xterm.js set inline styles.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // Plain http on a lab machine: no HSTS, no upgrade to https.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
    });
  }

  /** Refuses what `refuse` refuses; the app's pages get a short HTML page, the API JSON. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const changes = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      const isApi = isApiPath(req.path);
      const { who, refusal: why } = this.check(req, isApi ? 'api' : 'app', changes);
      if (why || !who) {
        if (isApi) res.status(why!.status).json({ error: why!.message });
        else res.status(why!.status).type('html').send(refusalPage(why!));
        return;
      }
      res.locals.who = who;
      if (isApi && who.role === 'visitor') {
        res.status(401).json({ error: 'the API needs the token' }); // unreachable: the cookie counts for pages only
        return;
      }
      if (isApi && who.role === 'joiner' && !(req.method === 'POST' && req.path.startsWith('/api/join/'))) {
        res.status(403).json({ error: 'a join link opens only the join page: join first' });
        return;
      }
      if (isApi && who.role === 'viewer' && !(req.method === 'GET' && VIEW_PATH.test(req.path))) {
        res.status(403).json({ error: 'a view link opens only its lab, to look at' });
        return;
      }
      if (!isApi && this.token && (req.query.token !== undefined || who.role === 'joiner' || who.role === 'viewer')) {
        // Logged in: static files from now on without the token. Not the token itself, so other ports of this host learn nothing from it.
        res.cookie(APP_COOKIE, this.appCookie, { httpOnly: true, sameSite: 'strict', path: '/' });
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

function refusalPage(why: Refusal): string {
  const text = why.status === 401 ? 'nslab needs its access token' : 'nslab refused this request';
  const detail =
    why.status === 401
      ? 'Open the address <code>nslab serve</code> printed when it started (it ends in <code>?token=…</code>), or run <code>sudo nslab token</code> on the server to see the token.'
      : escapeHtml(why.message);
  return `<!doctype html><meta charset="utf-8"><title>nslab: ${text}</title><body style="font:16px system-ui;margin:3em"><h1>${text}</h1><p>${detail}</p></body>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Compares secrets in a time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

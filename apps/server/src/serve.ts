/**
 * `nslab serve`: the web app, its JSON API and websockets. Listens on
 * 127.0.0.1 unless told otherwise and requires its token on every address
 * (docs/security.md). Without root it still serves the designer, in
 * plan-only mode.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { LabService } from './http/labService.js';
import { createRealm, type Realm } from './http/realm.js';
import { Security, type Principal } from './http/security.js';
import { refuseUpgrade, routeUpgrades, type UpgradeHandler } from './http/upgrades.js';
import { viewKeyOpens, viewRoutes } from './http/viewApi.js';
import { workshopRoutes, workshopSocket } from './http/workshopApi.js';
import { Workshops } from './workshop/workshops.js';
import { pruneCaptures } from './live/captures.js';
import { PARTICIPANT_LIVE_LIMITS } from './live/limits.js';
import { tightenAuditLog } from './audit.js';
import { dataDir, tokenPath, workshopsDir } from './paths.js';
import { hostRunner, type Runner } from './runner.js';
import { hostPlace } from './place.js';
import { LabStore } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServeOptions {
  port: number;
  host: string;
  /** The token; generated when not given. */
  token?: string;
  /** No token at all (`--no-token`): anyone who can reach the port is root on the host. */
  noToken?: boolean;
  /** Accept the token from other machines when listening beyond loopback (`--remote-token`). */
  remoteToken?: boolean;
  dataDir?: string;
  runner?: Runner;
  /** Force plan-only mode even as root (tests). */
  planOnly?: boolean;
  /** How often followed labs are checked for drift; 0 disables. */
  watchMs?: number;
}

export interface RunningServer {
  url: string;
  /** The address to open in a browser: `url` with `?token=`. */
  openUrl: string;
  token: string | undefined;
  /** Where the token was written (0600), when it was. */
  tokenFile: string | undefined;
  server: http.Server;
  store: LabStore;
  service: LabService;
  workshops: Workshops<Realm>;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = !opts.planOnly && process.getuid?.() === 0;
  // First: a bad token is refused before anything is opened. Its callbacks run only once requests arrive.
  const security: Security = new Security({
    host: opts.host,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.noToken ? { noToken: true } : {}),
    ...(opts.remoteToken ? { remoteToken: true } : {}),
    participant: (secret): string | undefined => workshops.participantBySecret(secret),
    joinCode: (code) => workshops.byJoinCode(code) !== undefined,
    viewKey: (lab, key) => viewKeyOpens(store, lab, key),
  });
  const data = opts.dataDir ?? dataDir();
  const store = new LabStore(data);
  if (root) {
    tightenAuditLog();
    fs.chmodSync(data, 0o700); // it holds the token, the databases and join codes: root only, whatever made it before
  }
  pruneCaptures();
  const watch = opts.watchMs !== undefined ? { watchMs: opts.watchMs } : {};
  const workshops: Workshops<Realm> = new Workshops({
    dataDir: data,
    templatesDir: workshopsDir(),
    root,
    // Thirty participants' pages each follow a lab: their drift watch runs less often than the host's (each look enters a sandbox).
    openRealm: (people, place) =>
      createRealm({
        store: people,
        place,
        root,
        token: !!security.token,
        watchMs: opts.watchMs === 0 ? 0 : Math.max(opts.watchMs ?? 5000, 15_000),
        live: PARTICIPANT_LIVE_LIMITS(),
      }),
  });
  const tokenFile = security.token ? writeTokenFile(data, security.token) : removeTokenFile(data);
  const app = express();
  app.disable('x-powered-by');
  // `/API/labs` is no `/api/labs`: paths are judged as written (Security decides what is API access by the same rule).
  app.set('case sensitive routing', true);
  const server = http.createServer(app);
  // Slow clients may not hold connections open forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  // The host's realm: the server token's labs, on the host. Each participant has a realm of their own, in their sandbox.
  const host = createRealm({ store, place: hostPlace(opts.runner ?? hostRunner), root, token: !!security.token, ...watch });
  // The host's realm is root's: the token holder's only. Anyone else (a view link, a join link, the app cookie) has none.
  const realmOf = (who: Principal): Realm | undefined => {
    if (who.role === 'participant') return workshops.realmOf(who.id);
    return who.role === 'instructor' ? host : undefined;
  };
  const upgrade =
    (path: '/api/ws' | '/api/term' | '/api/stream'): UpgradeHandler =>
    (req, socket, head, url, who) => {
      // The instructor opens a participant's terminal: watch it, or help in it.
      const participant = url.searchParams.get('participant');
      if (participant !== null && path === '/api/term') {
        if (who.role !== 'instructor')
          return refuseUpgrade(socket, { status: 403, message: "only the instructor may open another participant's terminal" });
        let realm: Realm;
        try {
          realm = workshops.realmOf(participant); // not-found for any id that is no participant
        } catch (e) {
          return refuseUpgrade(socket, { status: 404, message: (e as Error).message });
        }
        return realm.live.upgrade(req, socket, head, url, who);
      }
      const realm = realmOf(who);
      if (!realm) return refuseUpgrade(socket, { status: 403, message: 'this address needs the token' });
      realm.upgrades[path](req, socket, head, url, who);
    };
  routeUpgrades(server, security, {
    '/api/ws': upgrade('/api/ws'),
    '/api/term': upgrade('/api/term'),
    '/api/stream': upgrade('/api/stream'),
    '/api/ws/workshop': workshopSocket(workshops),
  });

  app.use(security.headers());
  app.use(security.middleware());
  app.use(
    '/api',
    viewRoutes(store, host.service.parser, () => workshops.reachable),
  );
  app.use('/api', workshopRoutes(workshops, store));
  app.use('/api', (req, res, next) => {
    const realm = realmOf(res.locals.who as Principal);
    if (realm) realm.api(req, res, next);
    else res.status(403).json({ error: 'this address needs the token' });
  });
  const web = path.resolve(here, '../../web/dist');
  app.use(
    express.static(web, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, file) => file.endsWith('index.html') && res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(web, 'index.html')));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as { port: number };
  security.listening(addr.port);
  workshops.listening(opts.host, addr.port);
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostPart}:${addr.port}/`;
  return {
    url,
    openUrl: security.token ? `${url}?token=${security.token}` : url,
    token: security.token,
    tokenFile,
    server,
    store,
    service: host.service,
    workshops,
    /** Stops listening, lets a running deploy or destroy finish (and answer), ends terminals and streams, then closes the store. */
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await workshops.close();
      await host.close();
      server.closeIdleConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      server.closeAllConnections();
    },
  };
}

function writeTokenFile(dir: string, token: string): string | undefined {
  const file = tokenPath(dir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
    return file;
  } catch {
    return undefined; // not root, read-only: the printed address still works
  }
}

function removeTokenFile(dir: string): undefined {
  fs.rmSync(tokenPath(dir), { force: true });
  return undefined;
}

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
import { createApi } from './http/api.js';
import { Hub } from './http/hub.js';
import { LabService } from './http/labService.js';
import { LiveEndpoints } from './http/liveEndpoints.js';
import { Security } from './http/security.js';
import { routeUpgrades } from './http/upgrades.js';
import { tightenAuditLog } from './audit.js';
import { dataDir, templatesDir, tokenPath } from './paths.js';
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
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = !opts.planOnly && process.getuid?.() === 0;
  const security = new Security({
    host: opts.host,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.noToken ? { noToken: true } : {}),
  });
  const data = opts.dataDir ?? dataDir();
  const store = new LabStore(data);
  const tokenFile = security.token ? writeTokenFile(data, security.token) : removeTokenFile(data);
  if (root) tightenAuditLog();
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  // Slow clients may not hold connections open forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const hub = new Hub();
  const service = new LabService(store, hub, hostPlace(opts.runner ?? hostRunner), root);
  hub.onFollow = (lab) => void service.publishStatus(lab);
  if (opts.watchMs !== 0) service.watch(opts.watchMs ?? 5000);

  const live = new LiveEndpoints(service);
  routeUpgrades(server, security, { '/api/ws': hub.upgrade, '/api/term': live.upgrade, '/api/stream': live.upgrade });

  app.use(security.headers());
  app.use(security.middleware());
  app.use('/api', live.routes());
  app.use('/api', createApi({ store, service, hub, templatesDir: templatesDir(), mode: { root, token: !!security.token } }));
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
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostPart}:${addr.port}/`;
  return {
    url,
    openUrl: security.token ? `${url}?token=${security.token}` : url,
    token: security.token,
    tokenFile,
    server,
    store,
    service,
    /** Stops listening, lets a running deploy or destroy finish (and answer), ends terminals and streams, then closes the store. */
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await service.close();
      hub.close();
      live.close();
      server.closeIdleConnections();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      server.closeAllConnections();
      store.close();
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

/**
 * `nslab serve`: the web app, its JSON API and websockets. Listens on
 * 127.0.0.1 unless told otherwise; anywhere else it requires a token.
 * Without root it still serves the designer, in plan-only mode.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createApi } from './http/api.js';
import { Hub } from './http/hub.js';
import { LabService } from './http/labService.js';
import { LiveEndpoints } from './live/endpoints.js';
import { Security } from './http/security.js';
import { dataDir, templatesDir } from './paths.js';
import { hostRunner, type Runner } from './runner.js';
import { LabStore } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServeOptions {
  port: number;
  host: string;
  token?: string;
  dataDir?: string;
  runner?: Runner;
  /** Force plan-only mode even as root (tests). */
  planOnly?: boolean;
  /** How often followed labs are checked for drift; 0 disables. */
  watchMs?: number;
}

export interface RunningServer {
  url: string;
  token: string | undefined;
  server: http.Server;
  store: LabStore;
  service: LabService;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = !opts.planOnly && process.getuid?.() === 0;
  const security = new Security({ host: opts.host, ...(opts.token ? { token: opts.token } : {}) });
  const store = new LabStore(opts.dataDir ?? dataDir());
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const hub = new Hub(server, security);
  const service = new LabService(store, hub, opts.runner ?? hostRunner, root);
  hub.onFollow = (lab) => void service.publishStatus(lab);
  if (opts.watchMs !== 0) service.watch(opts.watchMs ?? 5000);

  const live = new LiveEndpoints(server, security, service, opts.runner ?? hostRunner);

  app.use(security.middleware());
  app.use('/api', live.routes());
  app.use('/api', createApi({ store, service, hub, templatesDir: templatesDir(), mode: { root, token: !!security.token } }));
  const web = path.resolve(here, '../../web/dist');
  app.use(express.static(web, { index: 'index.html', maxAge: '1h', setHeaders: (res, file) => file.endsWith('index.html') && res.setHeader('Cache-Control', 'no-cache') }));
  app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(web, 'index.html')));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as { port: number };
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostPart}:${addr.port}/`;
  return {
    url,
    token: security.token,
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

/** `nslab serve`: the web app and its API (grown in issue 3). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { desiredState, emptyObserved, parseTopologyData, planDeploy, toArgv } from '@nslab/topology';

export interface ServeOptions {
  port: number;
  host: string;
}

export function createApp(): express.Express {
  const app = express();
  app.use(express.json({ limit: '4mb' }));
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, root: process.getuid?.() === 0 });
  });
  app.post('/api/validate', (req, res) => {
    const r = parseTopologyData(req.body);
    res.status(r.ok ? 200 : 422).json({ ok: r.ok, issues: r.issues });
  });
  app.post('/api/plan', (req, res) => {
    const r = parseTopologyData(req.body);
    if (!r.ok || !r.topology) {
      res.status(422).json({ ok: false, issues: r.issues });
      return;
    }
    const plan = planDeploy(emptyObserved(r.topology.name), desiredState(r.topology));
    res.json({ ok: true, steps: plan.steps.map((s) => ({ ...s, argv: toArgv(s) })) });
  });
  const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
  app.use(express.static(web));
  return app;
}

export async function startServer(opts: ServeOptions): Promise<void> {
  const app = createApp();
  await new Promise<void>((resolve) => {
    app.listen(opts.port, opts.host, () => resolve());
  });
  process.stdout.write(`nslab serving http://${opts.host}:${opts.port}/\n`);
}

// A worker thread that reads untrusted files for nslab serve (apps/server/src/http/labParser.ts):
// lab text (`parse`) and containerlab files (`clab`). A large or hostile document is read here,
// so the server's event loop never waits for it, and the worker's limits bound its memory.
// Plain JavaScript beside src/ so that both the sources (tests) and dist/ load the same file.
import { parentPort } from 'node:worker_threads';
import { importClab, parseTopology } from '@nslab/topology';

const jobs = {
  parse: ({ text, limits }) => parseTopology(text, { limits }),
  clab: ({ text, opts }) => importClab(text, opts),
};

parentPort.on('message', ({ id, job, ...args }) => {
  try {
    parentPort.postMessage({ id, result: jobs[job](args) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});

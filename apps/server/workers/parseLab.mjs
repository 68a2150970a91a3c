// A worker thread that parses lab text for nslab serve (apps/server/src/http/labParser.ts):
// a large or hostile document is read here, so the server's event loop never waits for it.
// Plain JavaScript beside src/ so that both the sources (tests) and dist/ load the same file.
import { parentPort } from 'node:worker_threads';
import { parseTopology } from '@nslab/topology';

parentPort.on('message', ({ id, text, limits }) => {
  try {
    parentPort.postMessage({ id, result: parseTopology(text, { limits }) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});

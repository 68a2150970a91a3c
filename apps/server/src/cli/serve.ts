/** serve and token: the web app, and the token a running server wrote. */
import fs from 'node:fs';
import { tokenPath } from '../paths.js';
import { err, Exit, options, out, type Command } from './io.js';

export const commands: Record<string, Command> = {
  async token(args) {
    const { values } = options(args, { 'data-dir': { type: 'string' } }, 'nslab token [--data-dir D]', { positionals: false });
    const file = tokenPath(values['data-dir']);
    try {
      out(fs.readFileSync(file, 'utf8').trim());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Exit(
        1,
        code === 'ENOENT'
          ? `${file}: no token: is nslab serve running (without --no-token)?`
          : code === 'EACCES'
            ? `${file}: only root may read the token (sudo nslab token)`
            : `${file}: ${(e as Error).message}`,
      );
    }
  },

  async serve(args) {
    const { values } = options(
      args,
      {
        port: { type: 'string', default: process.env.NSLAB_PORT ?? '7000' },
        host: { type: 'string', default: process.env.NSLAB_HOST ?? '127.0.0.1' },
        'data-dir': { type: 'string' },
        'no-token': { type: 'boolean', default: false },
        'remote-token': { type: 'boolean', default: false },
      },
      'nslab serve [--port P] [--host H] [--data-dir D] [--no-token] [--remote-token]',
      { positionals: false },
    );
    // Invalid input, said in a line before anything starts (startServer would refuse it too, as an error of its own).
    const { tokenProblem } = await import('../http/security.js');
    const problem = process.env.NSLAB_TOKEN ? tokenProblem(process.env.NSLAB_TOKEN) : undefined;
    if (problem) throw new Exit(1, `nslab serve: ${problem}`);
    const { startServer } = await import('../serve.js');
    const s = await startServer({
      port: Number(values.port),
      host: values.host!,
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(process.env.NSLAB_TOKEN ? { token: process.env.NSLAB_TOKEN } : {}),
      ...(values['no-token'] ? { noToken: true } : {}),
      ...(values['remote-token'] ? { remoteToken: true } : {}),
    });
    out(`nslab serving ${s.url}${process.getuid?.() === 0 ? '' : ' (plan-only: not root, so nothing on the host can be changed)'}`);
    if (s.token) {
      out(`open: ${s.openUrl}`);
      out(
        s.tokenFile
          ? `(every request needs the token; it is also in ${s.tokenFile}, readable by root: sudo nslab token)`
          : '(every request needs the token)',
      );
    } else {
      const warning = [
        '',
        '!!! WARNING: --no-token: nslab serve accepts requests from ANYONE who can reach',
        `!!! ${s.url}: every local user (and more, off loopback) can create labs and open`,
        '!!! root shells on this host. Use it only on a machine where you are the only user.',
        '',
      ].join('\n');
      err(warning);
      out(`open: ${s.openUrl}`);
    }
    // Stop cleanly on a signal: terminals and tools end, captures are removed, the database is closed.
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void s.close().then(resolve, resolve));
    });
  },
};

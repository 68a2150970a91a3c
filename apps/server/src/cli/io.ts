/** What every command module shares, and nothing heavy: `nslab --help` loads only this and the usage text. */

/** Ends a command with an exit code (shared/DESIGN.md) and, when given, a message on stderr. */
export class Exit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export type Command = (args: string[]) => Promise<void>;

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

// A reader that stops early (`nslab templates | head -1`) closes the pipe: what is left to print is dropped,
// and the command goes on to its end (a deploy is never cut short between a step and its rollback).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

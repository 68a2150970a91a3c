/** What every command module shares, and nothing heavy: `nslab --help` loads only this and the usage text. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>
>;

/**
 * A command's options, parsed: a wrong or incomplete option ends the command
 * with exit 1 (invalid input, shared/DESIGN.md; `code` for a command whose 1
 * means something else) and its usage line. `positionals: false` refuses operands.
 */
export function options<T extends OptionsConfig>(
  args: string[],
  opts: T,
  usage: string,
  { positionals = true, code = 1 }: { positionals?: boolean; code?: number } = {},
): Parsed<T> {
  try {
    return parseArgs({ args, options: opts, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new Exit(code, `${(e as Error).message}\nusage: ${usage}`);
  }
}

/** `n` things, in the right number: "1 link", "2 links". */
export const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

// A reader that stops early (`nslab templates | head -1`) closes the pipe: what is left to print is dropped,
// and the command goes on to its end (a deploy is never cut short between a step and its rollback).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

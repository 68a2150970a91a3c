/**
 * Every command nslab runs on the host, appended as one JSON line: time, lab
 * (from the operation that ran it), argv, standard input (a batch's commands),
 * exit code and duration. Written synchronously, so a crash loses nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from './paths.js';

const context = new AsyncLocalStorage<{ lab: string }>();

/** Runs `fn` with commands attributed to `lab` in the audit log. */
export function forLab<T>(lab: string, fn: () => Promise<T>): Promise<T> {
  return context.run({ lab }, fn);
}

export function auditFile(): string {
  return process.env.NSLAB_AUDIT_LOG ?? path.join(dataDir(), 'audit.jsonl');
}

let broken = false;

export function audit(entry: { argv: readonly string[]; input?: string; code: number; ms: number }): void {
  if (broken || process.env.NSLAB_AUDIT_LOG === 'off') return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    lab: context.getStore()?.lab ?? null,
    argv: entry.argv,
    ...(entry.input ? { input: entry.input.length > 65536 ? `${entry.input.slice(0, 65536)}…` : entry.input } : {}),
    code: entry.code,
    ms: Math.round(entry.ms * 10) / 10,
  });
  try {
    fs.appendFileSync(auditFile(), `${line}\n`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      fs.mkdirSync(path.dirname(auditFile()), { recursive: true, mode: 0o700 });
      fs.appendFileSync(auditFile(), `${line}\n`);
    } else {
      broken = true; // not root, read-only: say so once, keep working
      process.stderr.write(`nslab: cannot write the audit log ${auditFile()}: ${(e as Error).message}\n`);
    }
  }
}

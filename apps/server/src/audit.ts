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

export interface AuditEntry {
  argv: readonly string[];
  input?: string;
  /** Exit code; null for a long-lived process just started (a terminal, a stream), which is logged again when it ends. */
  code: number | null;
  ms: number;
  /** The lab, when the caller knows it better than the operation context (terminals, streams). */
  lab?: string;
  /**
   * A change nslab made itself over netlink (then `argv` is the `ip` command
   * it stands for, and `code` the kernel's errno, 0 for success): the request
   * and its arguments, in which namespace (null: the host).
   */
  netlink?: { netns: string | null; op: string; args: Record<string, unknown> };
}

export function audit(entry: AuditEntry): void {
  auditAll([entry]);
}

/** Several entries in one write (a pool's namespaces: one open and append, not a hundred). */
export function auditAll(entries: readonly AuditEntry[]): void {
  if (broken || process.env.NSLAB_AUDIT_LOG === 'off' || entries.length === 0) return;
  const time = new Date().toISOString();
  const lab = context.getStore()?.lab ?? null;
  const line = entries
    .map((entry) =>
      JSON.stringify({
        time,
        lab: entry.lab ?? lab,
        argv: entry.argv,
        ...(entry.netlink ? { netlink: entry.netlink } : {}),
        ...(entry.input ? { input: entry.input.length > 65536 ? `${entry.input.slice(0, 65536)}…` : entry.input } : {}),
        code: entry.code,
        ms: Math.round(entry.ms * 10) / 10,
      }),
    )
    .join('\n');
  try {
    // 0600: the log holds every command, lab names and addresses; only root reads it.
    fs.appendFileSync(auditFile(), `${line}\n`, { mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      fs.mkdirSync(path.dirname(auditFile()), { recursive: true, mode: 0o700 });
      fs.appendFileSync(auditFile(), `${line}\n`, { mode: 0o600 });
    } else {
      broken = true; // not root, read-only: say so once, keep working
      process.stderr.write(`nslab: cannot write the audit log ${auditFile()}: ${(e as Error).message}\n`);
    }
  }
}

/** Makes an audit log left readable by an older nslab root-only again (at server start). */
export function tightenAuditLog(): void {
  try {
    if ((fs.statSync(auditFile()).mode & 0o077) !== 0) fs.chmodSync(auditFile(), 0o600);
  } catch {
    /* none yet, or not ours to change */
  }
}

/**
 * Capture files: a tool that captures (tcpdump) writes a 0600 pcap in the
 * 0700 captures directory under the run directory. A capture lives as long
 * as the socket that started it (the page downloads it meanwhile), and all
 * are removed when the server stops; those a crashed server left are removed
 * when the next one starts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NslabError } from '../errors.js';
import { runDir } from '../paths.js';

const CAPTURE_ID = /^[0-9a-f]{32}$/;
/** Captures left by a server that did not stop cleanly are removed when the next one starts. */
const CAPTURE_MAX_AGE_MS = 3600_000;

/** Where captures are written: 0700, root only (they hold the lab's traffic). */
export function capturesDir(): string {
  return path.join(runDir(), 'captures');
}

export class Captures {
  /** Capture files open now, by id. */
  private readonly open = new Map<string, string>();

  /**
   * A new, empty 0600 file for a capture, open for writing (`fd`, for the
   * program to write as /dev/fd/3; the caller closes it); `remove` it when
   * its socket closes. `owner`: the uid a sandbox's root is, so that the
   * sandboxed program may reopen its /dev/fd/3.
   */
  create(sandbox?: { owner: number; dir: string }): { id: string; file: string; fd: number } {
    // A sandbox's captures go to its own size-limited tmpfs: a sandboxed writer that reopens its /dev/fd/3 fills that, nothing else.
    const dir = sandbox?.dir ?? capturesDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const id = crypto.randomBytes(16).toString('hex');
    const file = path.join(dir, `${id}.pcap`);
    const fd = fs.openSync(file, 'wx', 0o600);
    if (sandbox) fs.fchownSync(fd, sandbox.owner, sandbox.owner);
    this.open.set(id, file);
    return { id, file, fd };
  }

  /** Bytes written so far; 0 once removed. */
  size(file: string): number {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  }

  remove(id: string): void {
    const file = this.open.get(id);
    this.open.delete(id);
    if (file) fs.rmSync(file, { force: true });
  }

  /** The file of an open capture, by id (`ID` or `ID.pcap`). */
  fileOf(rawId: string): string {
    const id = rawId.replace(/\.pcap$/, '');
    if (!CAPTURE_ID.test(id)) throw new NslabError('invalid', 'not a capture id');
    const file = this.open.get(id);
    if (!file || !fs.existsSync(file)) throw new NslabError('not-found', 'no such capture');
    return file;
  }

  close(): void {
    for (const f of this.open.values()) fs.rmSync(f, { force: true });
    this.open.clear();
  }
}

/** Removes captures a server that did not stop cleanly left (called once, when a server starts). */
export function pruneCaptures(): void {
  try {
    for (const f of fs.readdirSync(capturesDir())) {
      const file = path.join(capturesDir(), f);
      if (Date.now() - fs.statSync(file).mtimeMs > CAPTURE_MAX_AGE_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    /* no captures yet */
  }
}

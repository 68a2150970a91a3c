/**
 * Saved labs, in SQLite. Every save is a new revision; nothing is ever
 * overwritten, so any earlier version can be listed and restored. WAL mode
 * with synchronous=FULL: a save that returned survives a crash of this
 * process or of the machine. Labs are keyed by their name (the topology's
 * `name`), which is also their identity on the host.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LAB_NAME, type LabSummary, type RevisionSummary, type RevisionText } from '@nslab/topology';

export type { LabSummary, RevisionSummary } from '@nslab/topology';

export interface LabRecord extends LabSummary {
  text: string;
}

/**
 * Opens (making its directory, 0700) one of nslab's SQLite files: WAL with
 * synchronous=FULL, so a write that returned survives a crash of this
 * process or of the machine; foreign keys on.
 */
export function openDatabase(dir: string, file: string): Database.Database {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
}

export class StoreError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export class LabStore {
  private readonly db: Database.Database;

  /**
   * `quota` (a workshop participant's store): at most `maxLabs` labs and
   * `maxBytes` of lab text in all; only the last `keepRevisions` revisions
   * of a lab are kept.
   */
  constructor(
    dir: string,
    private readonly quota?: { maxLabs: number; maxBytes: number; keepRevisions: number },
  ) {
    this.db = openDatabase(dir, 'labs.sqlite');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS labs (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        head INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS revisions (
        lab TEXT NOT NULL REFERENCES labs(name) ON DELETE CASCADE ON UPDATE CASCADE,
        rev INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        PRIMARY KEY (lab, rev)
      );
      CREATE TABLE IF NOT EXISTS view_keys (
        lab TEXT PRIMARY KEY REFERENCES labs(name) ON DELETE CASCADE ON UPDATE CASCADE,
        key TEXT NOT NULL
      );
    `);
  }

  close(): void {
    this.db.close();
  }

  list(): LabSummary[] {
    return this.db
      .prepare(
        `SELECT l.name, l.head AS rev, l.created_at AS createdAt, r.created_at AS updatedAt
                FROM labs l JOIN revisions r ON r.lab = l.name AND r.rev = l.head ORDER BY l.name`,
      )
      .all() as LabSummary[];
  }

  get(name: string): LabRecord {
    const row = this.db
      .prepare(
        `SELECT l.name, l.head AS rev, l.created_at AS createdAt, r.created_at AS updatedAt, r.text
                FROM labs l JOIN revisions r ON r.lab = l.name AND r.rev = l.head WHERE l.name = ?`,
      )
      .get(name) as LabRecord | undefined;
    if (!row) throw new StoreError(404, `no lab named "${name}"`);
    return row;
  }

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM labs WHERE name = ?').get(name) !== undefined;
  }

  create(name: string, text: string, message = 'created'): LabRecord {
    checkName(name);
    const now = new Date().toISOString();
    this.db.transaction(() => {
      if (this.has(name)) throw new StoreError(409, `a lab named "${name}" already exists`);
      if (this.quota && this.list().length >= this.quota.maxLabs)
        throw new StoreError(409, `at most ${this.quota.maxLabs} labs here; delete one first`);
      this.checkBytes(text.length);
      this.db.prepare('INSERT INTO labs (name, created_at, head) VALUES (?, ?, 1)').run(name, now);
      this.db.prepare('INSERT INTO revisions (lab, rev, created_at, message, text) VALUES (?, 1, ?, ?, ?)').run(name, now, message, text);
    })();
    return this.get(name);
  }

  /** Saves a new revision. With `baseRev`, refuses (409) when someone saved since. */
  save(name: string, text: string, opts: { message?: string; baseRev?: number } = {}): LabRecord {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const head = this.get(name).rev;
      if (opts.baseRev !== undefined && opts.baseRev !== head)
        throw new StoreError(409, `lab "${name}" changed since revision ${opts.baseRev} (now ${head}); reload it`);
      this.db
        .prepare('INSERT INTO revisions (lab, rev, created_at, message, text) VALUES (?, ?, ?, ?, ?)')
        .run(name, head + 1, now, opts.message ?? '', text);
      this.db.prepare('UPDATE labs SET head = ? WHERE name = ?').run(head + 1, name);
      if (this.quota) {
        this.db.prepare('DELETE FROM revisions WHERE lab = ? AND rev <= ?').run(name, head + 1 - this.quota.keepRevisions);
        this.checkBytes(0);
      }
    })();
    return this.get(name);
  }

  /** Refuses (in the caller's transaction) when the quota's bytes would be passed. */
  private checkBytes(adding: number): void {
    if (!this.quota) return;
    const { used } = this.db.prepare('SELECT COALESCE(SUM(LENGTH(text)), 0) AS used FROM revisions').get() as { used: number };
    if (used + adding > this.quota.maxBytes)
      throw new StoreError(409, `the labs here hold more than ${this.quota.maxBytes / 2 ** 20} MiB; delete a lab or make this one smaller`);
  }

  revisions(name: string): RevisionSummary[] {
    this.get(name);
    return this.db
      .prepare('SELECT rev, created_at AS createdAt, message FROM revisions WHERE lab = ? ORDER BY rev DESC')
      .all(name) as RevisionSummary[];
  }

  revision(name: string, rev: number): RevisionText {
    const row = this.db
      .prepare('SELECT rev, created_at AS createdAt, message, text FROM revisions WHERE lab = ? AND rev = ?')
      .get(name, rev);
    if (!row) throw new StoreError(404, `lab "${name}" has no revision ${rev}`);
    return row as RevisionSummary & { text: string };
  }

  /** Restoring is a new revision with the old text: history only grows. */
  restore(name: string, rev: number): LabRecord {
    return this.save(name, this.revision(name, rev).text, { message: `restored revision ${rev}` });
  }

  /** Renames a lab, keeping its history. The caller rewrites `name:` in the text. */
  rename(from: string, to: string, text: string): LabRecord {
    checkName(to);
    this.db.transaction(() => {
      this.get(from);
      if (this.has(to)) throw new StoreError(409, `a lab named "${to}" already exists`);
      this.unshare(from); // a view link names the lab: the old one must not open it under its new name
      this.db.prepare('UPDATE labs SET name = ? WHERE name = ?').run(to, from);
    })();
    return this.save(to, text, { message: `renamed from ${from}` });
  }

  /** The key of the lab's read-only view link (docs/security.md), or undefined when it is not shared. */
  viewKey(name: string): string | undefined {
    const row = this.db.prepare('SELECT key FROM view_keys WHERE lab = ?').get(name) as { key: string } | undefined;
    return row?.key;
  }

  /** Shares the lab read-only: its view key, made (random) unless it has one. Gone with the lab, or by `unshare`. */
  share(name: string): string {
    this.get(name);
    this.db.prepare('INSERT OR IGNORE INTO view_keys (lab, key) VALUES (?, ?)').run(name, crypto.randomBytes(24).toString('base64url'));
    return this.viewKey(name)!;
  }

  /** Stops sharing: every view link given out for the lab stops working. */
  unshare(name: string): void {
    this.db.prepare('DELETE FROM view_keys WHERE lab = ?').run(name);
  }

  delete(name: string): void {
    const r = this.db.prepare('DELETE FROM labs WHERE name = ?').run(name);
    if (r.changes === 0) throw new StoreError(404, `no lab named "${name}"`);
  }
}

function checkName(name: string): void {
  if (!LAB_NAME.test(name))
    throw new StoreError(
      400,
      `${JSON.stringify(name)} is not a valid lab name: 1–24 lower-case letters, digits and "-", starting with a letter`,
    );
}

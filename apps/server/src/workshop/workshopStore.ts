/**
 * Workshops, their participants and step results, in SQLite
 * (`<data dir>/workshops.sqlite`, opened as the lab store is: `openDatabase`).
 * A participant's secret is kept only as its SHA-256: the database never
 * holds a credential. Participants' labs live in their own LabStore.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StepResult } from '@nslab/topology';
import { openDatabase } from '../store.js';

export interface WorkshopRow {
  id: string;
  title: string;
  description: string;
  /** The workshop file's data, as JSON (title, steps, lab). */
  spec: string;
  /** The lab name each participant gets. */
  lab: string;
  /** The lab's text each participant starts from. */
  labText: string;
  joinCode: string;
  createdAt: string;
}

export interface ParticipantRow {
  id: string;
  workshop: string;
  name: string;
  sandbox: string;
  joinedAt: string;
  lastSeen: string;
}

export const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export class WorkshopStore {
  private readonly db: Database.Database;

  constructor(dir: string) {
    this.db = openDatabase(dir, 'workshops.sqlite');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS workshops (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        spec TEXT NOT NULL,
        lab TEXT NOT NULL,
        lab_text TEXT NOT NULL,
        join_code TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS participants (
        id TEXT PRIMARY KEY,
        workshop TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        sandbox TEXT NOT NULL UNIQUE,
        joined_at TEXT NOT NULL,
        last_seen TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS results (
        participant TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (participant, step)
      );
    `);
  }

  close(): void {
    this.db.close();
  }

  addWorkshop(w: WorkshopRow): void {
    this.db
      .prepare(
        'INSERT INTO workshops (id, title, description, spec, lab, lab_text, join_code, created_at) VALUES (@id, @title, @description, @spec, @lab, @labText, @joinCode, @createdAt)',
      )
      .run(w);
  }

  private static readonly WORKSHOP_COLUMNS =
    'id, title, description, spec, lab, lab_text AS labText, join_code AS joinCode, created_at AS createdAt';

  workshops(): WorkshopRow[] {
    return this.db.prepare(`SELECT ${WorkshopStore.WORKSHOP_COLUMNS} FROM workshops ORDER BY created_at`).all() as WorkshopRow[];
  }

  workshop(id: string): WorkshopRow | undefined {
    return this.db.prepare(`SELECT ${WorkshopStore.WORKSHOP_COLUMNS} FROM workshops WHERE id = ?`).get(id) as WorkshopRow | undefined;
  }

  workshopByCode(code: string): WorkshopRow | undefined {
    return this.db.prepare(`SELECT ${WorkshopStore.WORKSHOP_COLUMNS} FROM workshops WHERE join_code = ?`).get(code) as
      WorkshopRow | undefined;
  }

  removeWorkshop(id: string): void {
    this.db.prepare('DELETE FROM workshops WHERE id = ?').run(id);
  }

  addParticipant(p: ParticipantRow, secret: string): void {
    this.db
      .prepare(
        'INSERT INTO participants (id, workshop, name, secret_hash, sandbox, joined_at, last_seen) VALUES (@id, @workshop, @name, @hash, @sandbox, @joinedAt, @lastSeen)',
      )
      .run({ ...p, hash: sha256(secret) });
  }

  private static readonly PARTICIPANT_COLUMNS = 'id, workshop, name, sandbox, joined_at AS joinedAt, last_seen AS lastSeen';

  participants(workshop: string): ParticipantRow[] {
    return this.db
      .prepare(`SELECT ${WorkshopStore.PARTICIPANT_COLUMNS} FROM participants WHERE workshop = ? ORDER BY joined_at, id`)
      .all(workshop) as ParticipantRow[];
  }

  participant(id: string): ParticipantRow | undefined {
    return this.db.prepare(`SELECT ${WorkshopStore.PARTICIPANT_COLUMNS} FROM participants WHERE id = ?`).get(id) as
      ParticipantRow | undefined;
  }

  participantBySecret(secret: string): ParticipantRow | undefined {
    return this.db.prepare(`SELECT ${WorkshopStore.PARTICIPANT_COLUMNS} FROM participants WHERE secret_hash = ?`).get(sha256(secret)) as
      ParticipantRow | undefined;
  }

  seen(id: string, at: string): void {
    this.db.prepare('UPDATE participants SET last_seen = ? WHERE id = ?').run(at, id);
  }

  removeParticipant(id: string): void {
    this.db.prepare('DELETE FROM participants WHERE id = ?').run(id);
  }

  setResults(participant: string, results: StepResult[]): void {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO results (participant, step, ok, detail, at) VALUES (@participant, @step, @ok, @detail, @at)',
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM results WHERE participant = ?').run(participant);
      for (const r of results) put.run({ participant, step: r.step, ok: r.ok ? 1 : 0, detail: JSON.stringify(r.detail), at: r.at });
    })();
  }

  results(participant: string): StepResult[] {
    const rows = this.db.prepare('SELECT step, ok, detail, at FROM results WHERE participant = ? ORDER BY step').all(participant) as Array<{
      step: number;
      ok: number;
      detail: string;
      at: string;
    }>;
    return rows.map((r) => ({ step: r.step, ok: r.ok === 1, detail: JSON.parse(r.detail) as string[], at: r.at }));
  }
}

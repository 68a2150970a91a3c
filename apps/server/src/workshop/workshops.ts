/**
 * Workshops: an instructor (the server token) makes one from a shipped
 * workshop file; participants join with its link, each getting a sandbox,
 * a lab store and a realm of their own (their designer, deploys, terminals
 * and tools, scoped to their sandbox); their step checks run when a deploy or
 * destroy of theirs ends, every 15 s, and on demand; the dashboard and each
 * participant hear every change over /api/ws/workshop. State is in SQLite:
 * a restarted server finds everyone again (sandboxes outlive it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  describeCheck,
  parseTopology,
  parseWorkshop,
  setLabName,
  type JoinResult,
  type MeView,
  type ParticipantLab,
  type ParticipantView,
  type StepResult,
  type LabEvent,
  type Workshop,
  type WorkshopMessage,
  type WorkshopSummary,
  type WorkshopTemplate,
  type WorkshopView,
} from '@nslab/topology';
import { NslabError } from '../errors.js';
import { reachableOrigins } from '../origins.js';
import { runChecks } from '../live/runChecks.js';
import { templatesDir } from '../paths.js';
import { sandboxPlace, type Place } from '../place.js';
import { ensureSandbox, removeSandbox } from '../sandbox/sandbox.js';
import { LabStore } from '../store.js';
import { templateTexts } from '../templates.js';
import { WorkshopStore, type ParticipantRow, type WorkshopRow } from './workshopStore.js';

export const WORKSHOP_ID = /^[a-z0-9]{12}$/;
const JOIN_CODE = /^[A-Za-z0-9_-]{22}$/;
/** A display name: 1–40 printable characters, no control characters or angle brackets. */
const DISPLAY_NAME = /^[^\p{C}<>]{1,40}$/u;
const MAX_PARTICIPANTS = Number(process.env.NSLAB_MAX_PARTICIPANTS ?? 200);
const CHECK_EVERY_MS = Number(process.env.NSLAB_WORKSHOP_CHECK_MS ?? 15_000);
const CHECKS_AT_ONCE = 4;
/** What a participant's lab store may hold. */
const PARTICIPANT_QUOTA = { maxLabs: 20, maxBytes: 32 * 2 ** 20, keepRevisions: 100 };

/**
 * What a workshop needs of a participant's realm (the edge's Realm is one):
 * their lab store, the lab service over their sandbox, and its event hub.
 */
export interface PeopleRealm {
  store: LabStore;
  service: {
    readonly place: Place;
    destroy(lab: string): Promise<unknown>;
    status(lab: string): Promise<{ label: string }>;
    onOperationEnd?: (lab: string) => void;
  };
  hub: { publish(event: LabEvent): void };
  close(): Promise<void>;
}

export interface WorkshopsOptions<R extends PeopleRealm> {
  dataDir: string;
  /** Where the shipped workshop files are (workshops/*.yaml). */
  templatesDir: string;
  /** Where the lab templates a step may start from are (labs/; default: the shipped ones). */
  labsDir?: string;
  root: boolean;
  /** Makes a participant's realm over their own store and sandbox. */
  openRealm: (store: LabStore, place: Place) => R;
}

type Listener = { send: (msg: WorkshopMessage) => void; end: () => void };

export class Workshops<R extends PeopleRealm = PeopleRealm> {
  readonly db: WorkshopStore;
  private readonly realms = new Map<string, R>();
  private readonly checking = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly lastSeen = new Map<string, number>();
  private joining: Promise<unknown> = Promise.resolve();
  /** Where other machines reach this server (`listening`); none when it listens on loopback only. */
  private origins: string[] = [];
  /** Where other machines reach this server, as `listening` found: the origins of every link handed to other people. */
  get reachable(): readonly string[] {
    return this.origins;
  }
  /** Each participant's lab status label, as their last check run found it (the dashboard never observes sandboxes itself). */
  private readonly labels = new Map<string, string>();
  private readonly dashboards = new Map<string, Set<Listener>>();
  private readonly people = new Map<string, Set<Listener>>();
  private readonly sweep: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: WorkshopsOptions<R>) {
    this.db = new WorkshopStore(opts.dataDir);
    this.sweep = setInterval(() => void this.checkEveryone(), CHECK_EVERY_MS);
    this.sweep.unref();
  }

  /** Once the server listens: the addresses participants' machines can reach it at. */
  listening(host: string, port: number): void {
    this.origins = reachableOrigins(host, port);
  }

  // ---- shipped workshops ----

  templates(): Array<WorkshopTemplate & { workshop: Workshop }> {
    let files: string[];
    try {
      files = fs.readdirSync(this.opts.templatesDir).filter((f) => f.endsWith('.yaml'));
    } catch {
      return [];
    }
    return files.sort().flatMap((f) => {
      const r = parseWorkshop(fs.readFileSync(path.join(this.opts.templatesDir, f), 'utf8'), this.labTemplates());
      if (!r.ok || !r.workshop) return [];
      const w = r.workshop;
      return [{ id: f.slice(0, -5), title: w.title, description: w.description ?? '', steps: w.steps.length, workshop: w }];
    });
  }

  // ---- instructor ----

  /**
   * A workshop from a shipped one (its steps and lab; `labText` replaces the
   * lab), or from a saved lab alone: its own checks are the one step.
   */
  create(body: { template?: unknown; title?: unknown; labText?: string; file?: unknown }): WorkshopView {
    if (body.title !== undefined && (typeof body.title !== 'string' || !DISPLAY_NAME.test(body.title.trim())))
      throw new NslabError('invalid', 'title: 1–40 printable characters');
    const start = body.labText === undefined ? undefined : parseTopology(body.labText);
    if (start && (!start.ok || !start.topology))
      throw new NslabError('invalid', 'the lab to start from is not valid; fix it in the designer first');
    let w: Workshop;
    if (body.file !== undefined) {
      // The instructor's own workshop file: their steps, their checks, their lab.
      const r =
        typeof body.file === 'string'
          ? parseWorkshop(body.file, this.labTemplates())
          : { ok: false, errors: ['file: the text of a workshop file'] };
      if (!r.ok || !r.workshop) throw new NslabError('invalid', `the workshop file is not valid:\n${r.errors.slice(0, 20).join('\n')}`);
      w = r.workshop;
    } else if (body.template === undefined || body.template === '') {
      const t = start?.topology;
      if (!t) throw new NslabError('invalid', 'name a workshop template, or a saved lab whose checks are the step');
      if (!t.checks?.length)
        throw new NslabError('invalid', `lab ${t.name} has no checks: add some (they mark the step done), or pick a workshop`);
      w = {
        title: `Lab ${t.name}`,
        description: t.description ?? '',
        lab: t,
        steps: [{ title: `Make lab ${t.name} work`, text: t.description ?? 'Deploy the lab and make every check pass.', checks: t.checks }],
      };
    } else {
      const template = this.templates().find((x) => x.id === body.template);
      if (!template) throw new NslabError('not-found', `no workshop template ${JSON.stringify(String(body.template)).slice(0, 60)}`);
      w = template.workshop;
    }
    const labText = body.labText ?? stringify(w.lab);
    const lab = start?.topology?.name ?? w.lab.name;
    const row: WorkshopRow = {
      id: crypto.randomBytes(6).toString('hex'),
      title: typeof body.title === 'string' && body.title.trim() ? body.title.trim() : w.title,
      description: w.description ?? '',
      spec: JSON.stringify({ steps: w.steps }),
      lab,
      labText,
      joinCode: crypto.randomBytes(16).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    this.db.addWorkshop(row);
    return this.view(row.id);
  }

  list(): WorkshopSummary[] {
    return this.db.workshops().map((w) => this.summary(w));
  }

  view(id: string): WorkshopView {
    const w = this.workshopRow(id);
    return { ...this.summary(w), description: w.description, steps: this.stepViews(w), people: this.peopleViews(w) };
  }

  /** Ends a workshop: every participant's sandbox removed, then the workshop. */
  async end(id: string): Promise<{ ended: true; removed: number }> {
    const w = this.workshopRow(id);
    const people = this.db.participants(w.id);
    for (const p of people) await this.removeParticipant(w.id, p.id, false);
    this.db.removeWorkshop(w.id);
    for (const l of this.dashboards.get(w.id) ?? []) l.end();
    return { ended: true, removed: people.length };
  }

  async removeParticipant(workshop: string, id: string, notify = true): Promise<void> {
    const p = this.participant(workshop, id);
    // Their secret stops working first; then their sandbox goes (whatever hangs in it with it), then their realm.
    this.db.removeParticipant(p.id);
    const realm = this.realms.get(p.id);
    this.realms.delete(p.id);
    await removeSandbox(p.sandbox);
    await realm?.close();
    fs.rmSync(this.peopleDir(p.id), { recursive: true, force: true });
    for (const l of this.people.get(p.id) ?? []) l.end();
    if (notify) this.changed(workshop);
  }

  /** Destroys their lab and sets it back to the workshop's. */
  async reset(workshop: string, id: string): Promise<void> {
    const p = this.participant(workshop, id);
    const w = this.workshopRow(workshop);
    const realm = this.realmOf(p.id);
    await this.checking.get(p.id); // a run under way would write its passes back after the reset
    await realm.service.destroy(w.lab).catch(() => {});
    this.putLab(realm, w.lab, w.labText, 'reset by the instructor');
    this.db.setResults(p.id, []);
    await this.check(p.id);
  }

  /**
   * A step that starts from a template: its lab replaces the participant's
   * design (under their lab's name); they deploy it. What was deployed stays
   * until then, and the deploy reconciles it to the new design.
   */
  loadStep(id: string, rawStep: unknown): MeView {
    const p = this.db.participant(id);
    if (!p) throw new NslabError('not-found', 'you are not in a workshop any more');
    const w = this.workshopRow(p.workshop);
    const steps = (JSON.parse(w.spec) as Pick<Workshop, 'steps'>).steps;
    const n = typeof rawStep === 'string' && /^\d{1,3}$/.test(rawStep) ? Number(rawStep) : -1;
    const step = steps[n];
    if (!step) throw new NslabError('not-found', `no step ${JSON.stringify(String(rawStep)).slice(0, 12)} in this workshop`);
    if (!step.templateText) throw new NslabError('invalid', `step ${n + 1} does not start from a lab of its own`);
    this.putLab(this.realmOf(p.id), w.lab, setLabName(step.templateText, w.lab), `step ${n + 1}: loaded ${step.template}`);
    void this.check(p.id);
    return this.me(p.id);
  }

  /** A participant of the workshop, or not-found (the id checked before it is looked up). */
  participant(workshop: string, id: string): ParticipantRow {
    const p = WORKSHOP_ID.test(id) ? this.db.participant(id) : undefined;
    if (!p || p.workshop !== workshop)
      throw new NslabError('not-found', `no participant ${JSON.stringify(id).slice(0, 30)} in this workshop`);
    return p;
  }

  /** Their lab, for the instructor's view of their canvas. */
  async labOf(workshop: string, id: string): Promise<ParticipantLab> {
    const p = this.participant(workshop, id);
    const w = this.workshopRow(workshop);
    const realm = this.realmOf(p.id);
    if (!realm.store.has(w.lab)) return { name: w.lab, text: '', topology: null, status: 'No lab' };
    const text = realm.store.get(w.lab).text;
    return { name: w.lab, text, topology: parseTopology(text).topology ?? null, status: (await realm.service.status(w.lab)).label };
  }

  // ---- participants ----

  /** The workshop a join code opens, if any. */
  byJoinCode(code: string): WorkshopRow | undefined {
    return JOIN_CODE.test(code) ? this.db.workshopByCode(code) : undefined;
  }

  /**
   * Joins: a sandbox, a lab store with the workshop's lab, and a secret.
   * Joins run one at a time (each makes a sandbox: ~0.1 s), so the seat
   * count cannot be raced past the limit.
   */
  join(code: string, rawName: unknown): Promise<JoinResult> {
    const run = this.joining.then(() => this.joinNow(code, rawName));
    this.joining = run.catch(() => {});
    return run;
  }

  private async joinNow(code: string, rawName: unknown): Promise<JoinResult> {
    const w = this.byJoinCode(code);
    if (!w) throw new NslabError('not-found', 'no such workshop: it has ended, or the link is wrong');
    if (!this.opts.root)
      throw new NslabError('forbidden', 'plan-only mode: nslab serve is not running as root, so it cannot make sandboxes to join');
    const name = typeof rawName === 'string' ? rawName.trim() : '';
    if (!DISPLAY_NAME.test(name)) throw new NslabError('invalid', 'name: 1–40 characters, no < or >');
    if (this.db.participants(w.id).length >= MAX_PARTICIPANTS)
      throw new NslabError('limit', `this workshop is full (${MAX_PARTICIPANTS} participants)`);
    const id = crypto.randomBytes(6).toString('hex');
    const secret = crypto.randomBytes(32).toString('base64url');
    const sandbox = `p${id}`;
    await ensureSandbox(sandbox, {}, { hide: [this.opts.dataDir] });
    try {
      const store = new LabStore(this.peopleDir(id));
      store.create(w.lab, w.labText, `joined workshop ${w.title}`);
      store.close();
      const now = new Date().toISOString();
      this.db.addParticipant({ id, workshop: w.id, name, sandbox, joinedAt: now, lastSeen: now }, secret);
    } catch (e) {
      await removeSandbox(sandbox).catch(() => {});
      fs.rmSync(this.peopleDir(id), { recursive: true, force: true });
      throw e;
    }
    this.changed(w.id);
    return { secret, participant: { id, name }, workshop: { id: w.id, title: w.title, lab: w.lab } };
  }

  /** The participant a secret belongs to (and notes they were seen). */
  participantBySecret(secret: string): string | undefined {
    const p = this.db.participantBySecret(secret);
    if (!p) return undefined;
    const now = Date.now();
    if (now - (this.lastSeen.get(p.id) ?? 0) > 5000) {
      this.lastSeen.set(p.id, now);
      this.db.seen(p.id, new Date(now).toISOString());
    }
    return p.id;
  }

  me(id: string): MeView {
    const p = this.db.participant(id);
    if (!p) throw new NslabError('not-found', 'you are not in a workshop any more');
    const w = this.workshopRow(p.workshop);
    return {
      role: 'participant',
      participant: { id: p.id, name: p.name, sandbox: p.sandbox },
      workshop: { id: w.id, title: w.title, lab: w.lab, description: w.description, steps: this.stepViews(w) },
      results: this.db.results(p.id),
    };
  }

  /** A participant's realm: their labs in their store, deployed in their sandbox. */
  realmOf(id: string): R {
    const existing = this.realms.get(id);
    if (existing) return existing;
    const p = this.db.participant(id);
    if (!p) throw new NslabError('not-found', 'no such participant');
    const realm = this.opts.openRealm(new LabStore(this.peopleDir(p.id), PARTICIPANT_QUOTA), sandboxPlace(p.sandbox));
    realm.service.onOperationEnd = () => void this.check(p.id);
    this.realms.set(id, realm);
    return realm;
  }

  /**
   * Runs a participant's step checks, in order, against their lab in their
   * sandbox. A step passes when all its checks pass, and stays passed: the
   * workshop is a progression, and a later step may undo what an earlier one
   * checked (step 5's proxy ARP fixes the failure step 4 asks to see). The
   * first step not passed yet is run, and the ones after it once it passes;
   * the run stops at the first that fails. One run at a time per
   * participant: a call meanwhile runs once more after it.
   */
  check(id: string): Promise<void> {
    const running = this.checking.get(id);
    if (running) {
      this.again.add(id);
      return running;
    }
    const run = this.runSteps(id)
      .catch(() => {})
      .finally(() => {
        this.checking.delete(id);
        if (this.again.delete(id) && !this.closed) void this.check(id);
      });
    this.checking.set(id, run);
    return run;
  }

  private async runSteps(id: string): Promise<void> {
    const p = this.db.participant(id);
    if (!p || !this.opts.root) return;
    const w = this.workshopRow(p.workshop);
    const steps = (JSON.parse(w.spec) as Pick<Workshop, 'steps'>).steps;
    const realm = this.realmOf(p.id);
    const lab =
      (realm.store.has(w.lab) ? parseTopology(realm.store.get(w.lab).text).topology : undefined) ?? parseTopology(w.labText).topology!;
    const label = realm.store.has(w.lab) ? (await realm.service.status(w.lab).catch(() => undefined))?.label : 'No lab';
    const passed = new Map(
      this.db
        .results(p.id)
        .filter((r) => r.ok)
        .map((r) => [r.step, r]),
    );
    const results: StepResult[] = [];
    for (const [step, s] of steps.entries()) {
      const kept = passed.get(step);
      if (kept) {
        results.push(kept);
        continue;
      }
      const checks = await runChecks(realm.service.place.runner, { ...lab, checks: s.checks }, undefined, { hints: false });
      const ok = checks.every((c) => c.ok);
      results.push({
        step,
        ok,
        detail: checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'} ${describeCheck(c.check)}: ${c.ok ? c.observed : c.explanation}`),
        at: new Date().toISOString(),
      });
      if (!ok) break;
    }
    const before = JSON.stringify(this.db.results(p.id).map(({ step, ok, detail }) => ({ step, ok, detail })));
    this.db.setResults(p.id, results);
    const relabelled = label !== undefined && label !== this.labels.get(p.id);
    if (label !== undefined) this.labels.set(p.id, label);
    const changed = JSON.stringify(results.map(({ step, ok, detail }) => ({ step, ok, detail }))) !== before;
    if (changed || relabelled) this.changed(w.id, p.id);
  }

  private async checkEveryone(): Promise<void> {
    if (this.closed || !this.opts.root) return;
    const ids = this.db.workshops().flatMap((w) => this.db.participants(w.id).map((p) => p.id));
    for (let i = 0; i < ids.length; i += CHECKS_AT_ONCE) await Promise.all(ids.slice(i, i + CHECKS_AT_ONCE).map((id) => this.check(id)));
  }

  // ---- live views ----

  /**
   * Follows a workshop (the instructor's dashboard) or one participant: `send`
   * gets the whole view now and again on every change; `end` is called when
   * the workshop ends or the participant is removed. Returns the unsubscribe.
   */
  subscribe(key: { workshop: string } | { participant: string }, send: Listener['send'], end: Listener['end']): () => void {
    const [map, id] = 'workshop' in key ? [this.dashboards, key.workshop] : [this.people, key.participant];
    const set = map.get(id) ?? new Set<Listener>();
    map.set(id, set);
    const l = { send, end };
    set.add(l);
    if ('workshop' in key) send({ type: 'workshop', workshop: this.view(id) });
    else send({ type: 'me', me: this.me(id) });
    return () => {
      set.delete(l);
      if (set.size === 0) map.delete(id);
    };
  }

  /** Tells the workshop's dashboards (and the participant, when one changed) the new state. */
  changed(workshop: string, participant?: string): void {
    if (this.closed) return;
    const dashboards = this.dashboards.get(workshop);
    if (dashboards?.size) {
      const view = this.view(workshop);
      dashboards.forEach((l) => l.send({ type: 'workshop', workshop: view }));
    }
    if (participant) for (const l of this.people.get(participant) ?? []) l.send({ type: 'me', me: this.me(participant) });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweep);
    for (const set of [...this.dashboards.values(), ...this.people.values()]) for (const l of set) l.end();
    await Promise.all([...this.checking.values()]);
    for (const realm of this.realms.values()) await realm.close();
    this.realms.clear();
    this.db.close();
  }

  // ---- helpers ----

  private labTemplates(): Map<string, string> {
    return templateTexts(this.opts.labsDir ?? templatesDir());
  }

  /** Saves a participant's lab (creating it if they deleted it) and tells their designer. */
  private putLab(realm: R, lab: string, text: string, message: string): void {
    if (realm.store.has(lab)) realm.store.save(lab, text, { message });
    else realm.store.create(lab, text, message);
    realm.hub.publish({ type: 'saved', lab, rev: realm.store.get(lab).rev });
  }

  private summary(w: WorkshopRow): WorkshopSummary {
    return {
      id: w.id,
      title: w.title,
      lab: w.lab,
      joinPath: `/join/${w.joinCode}`,
      joinUrls: this.origins.map((o) => `${o}/join/${w.joinCode}`),
      createdAt: w.createdAt,
      participants: this.db.participants(w.id).length,
    };
  }

  private stepViews(w: WorkshopRow) {
    return (JSON.parse(w.spec) as Pick<Workshop, 'steps'>).steps.map((s) => ({
      title: s.title,
      text: s.text,
      checks: s.checks.map(describeCheck),
      ...(s.hint ? { hint: s.hint } : {}),
      ...(s.template ? { template: s.template } : {}),
    }));
  }

  private peopleViews(w: WorkshopRow): ParticipantView[] {
    return this.db.participants(w.id).map((p: ParticipantRow) => ({
      id: p.id,
      name: p.name,
      sandbox: p.sandbox,
      joinedAt: p.joinedAt,
      lastSeen: p.lastSeen,
      status: this.labels.get(p.id) ?? 'Not checked yet',
      results: this.db.results(p.id),
    }));
  }

  private workshopRow(id: string): WorkshopRow {
    const w = WORKSHOP_ID.test(id) ? this.db.workshop(id) : undefined;
    if (!w) throw new NslabError('not-found', `no workshop ${JSON.stringify(id).slice(0, 30)}`);
    return w;
  }

  /** `<data dir>/people/<id>`: a participant's lab store (the id is checked: 12 hex-ish characters). */
  private peopleDir(id: string): string {
    if (!WORKSHOP_ID.test(id)) throw new NslabError('invalid', 'not a participant id');
    return path.join(this.opts.dataDir, 'people', id);
  }
}

/**
 * Open terminals and captures: tabs in the bottom dock, next to the YAML view.
 * The dock's size (a share of the workspace's height, and of its width beside
 * the Plan) and whether it is split are kept in localStorage; maximised is not
 * (a reload shows the canvas again).
 */
import { create } from 'zustand';

/** A workshop participant's terminal the instructor opened: `watch` mirrors it read-only, `help` types into it. */
export interface TerminalGuest {
  id: string;
  name: string;
  mode: 'watch' | 'help';
}

export type DockTab =
  | { id: string; kind: 'terminal'; lab: string; node: string; participant?: TerminalGuest }
  | { id: string; kind: 'capture'; lab: string; node: string; iface: string; filter: string };

type NewTab = DockTab extends infer T ? (T extends DockTab ? Omit<T, 'id'> : never) : never;

/** A size as a whole percentage, between `min` and `max`. */
export interface ShareRange {
  min: number;
  max: number;
  initial: number;
}
/** The dock's height, in percent of the workspace: the canvas keeps at least 15%. */
export const DOCK_HEIGHT: ShareRange = { min: 15, max: 85, initial: 38 };
/** The Plan's width, in percent of the row it shares with the dock. */
export const PLAN_WIDTH: ShareRange = { min: 15, max: 70, initial: 32 };

/** A share within its range, rounded; anything not a number (a hand-edited localStorage) is the initial one. */
export function clampShare(value: unknown, range: ShareRange): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return range.initial;
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}

export interface DockLayout {
  height: number;
  plan: number;
  split: boolean;
}

const LAYOUT_KEY = 'nslab.dock';

/** The layout stored in `storage`, each field checked; a missing or broken one is the default. */
export function readLayout(storage: Pick<Storage, 'getItem'> | undefined): DockLayout {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(LAYOUT_KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    /* not JSON: the defaults */
  }
  return { height: clampShare(raw.height, DOCK_HEIGHT), plan: clampShare(raw.plan, PLAN_WIDTH), split: raw.split === true };
}

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

/**
 * What to show beside `active` when the dock is split: the tab shown there now
 * if it is a terminal beside a capture (or the reverse), else the newest tab of
 * the other kind, else the newest other tab, else the YAML view.
 */
export function sideFor(tabs: DockTab[], active: string, current: string | null): string | null {
  const kind = tabs.find((t) => t.id === active)?.kind ?? 'yaml';
  const others = tabs.filter((t) => t.id !== active).reverse();
  const pick =
    others.find((t) => t.id === current && t.kind !== kind) ??
    others.find((t) => t.kind !== kind) ??
    others.find((t) => t.id === current) ??
    others[0];
  if (pick) return pick.id;
  return active === 'yaml' ? null : 'yaml';
}

interface Dock extends DockLayout {
  tabs: DockTab[];
  /** The tab shown (on the left when split). */
  active: string;
  /** The tab shown on the right when split. */
  side: string | null;
  maximised: boolean;
  open(tab: NewTab): void;
  close(id: string): void;
  show(id: string): void;
  /** Shows a tab beside the active one (swapping them if it is the active one). */
  showBeside(id: string): void;
  toggleSplit(): void;
  maximise(on: boolean): void;
  resize(size: Partial<Pick<DockLayout, 'height' | 'plan'>>): void;
}

let seq = 0;

export const useDock = create<Dock>()((set) => ({
  tabs: [],
  active: 'yaml',
  side: null,
  maximised: false,
  ...readLayout(storage),
  open(tab) {
    const id = `${tab.kind}-${++seq}`;
    set((s) => {
      const tabs = [...s.tabs, { ...tab, id } as DockTab];
      return { tabs, active: id, side: sideFor(tabs, id, s.side) };
    });
  },
  close(id) {
    set((s) => {
      const tabs = s.tabs.filter((t) => t.id !== id);
      const stays = (x: string | null) => x !== null && x !== id && (x === 'yaml' || tabs.some((t) => t.id === x));
      const active = stays(s.active) ? s.active : s.split && stays(s.side) ? s.side! : 'yaml';
      return { tabs, active, side: sideFor(tabs, active, stays(s.side) && s.side !== active ? s.side : null) };
    });
  },
  show(id) {
    set((s) => ({ active: id, side: s.side === id ? s.active : s.side === null ? sideFor(s.tabs, id, null) : s.side }));
  },
  showBeside(id) {
    set((s) => (id === s.active ? { active: s.side ?? 'yaml', side: id } : { side: id }));
  },
  toggleSplit() {
    set((s) => ({ split: !s.split, side: sideFor(s.tabs, s.active, s.side) }));
  },
  maximise(maximised) {
    set({ maximised });
  },
  resize(size) {
    set((s) => ({
      height: size.height === undefined ? s.height : clampShare(size.height, DOCK_HEIGHT),
      plan: size.plan === undefined ? s.plan : clampShare(size.plan, PLAN_WIDTH),
    }));
  },
}));

useDock.subscribe((s, prev) => {
  if (s.height !== prev.height || s.plan !== prev.plan || s.split !== prev.split)
    storage?.setItem(LAYOUT_KEY, JSON.stringify({ height: s.height, plan: s.plan, split: s.split }));
});

/** A tab's title and its close button's name: a participant's terminal says whose it is and how it is open. */
export function tabTitle(t: DockTab): { title: string; close: string } {
  // ● and $: glyphs DejaVu has (⏺ is in no font Debian installs by default).
  if (t.kind === 'capture') return { title: `● ${t.node}:${t.iface}`, close: `Close capture ${t.node}` };
  if (!t.participant) return { title: `$ ${t.node}`, close: `Close terminal ${t.node}` };
  const { name, mode } = t.participant;
  return { title: `${mode} ${name}:${t.node}`, close: `Close ${mode} ${name} ${t.node}` };
}

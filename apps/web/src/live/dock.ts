/** Open terminals and captures: tabs in the bottom dock, next to the YAML view. */
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

interface Dock {
  tabs: DockTab[];
  active: string;
  open(tab: NewTab): void;
  close(id: string): void;
  show(id: string): void;
}

let seq = 0;

export const useDock = create<Dock>()((set) => ({
  tabs: [],
  active: 'yaml',
  open(tab) {
    const id = `${tab.kind}-${++seq}`;
    set((s) => ({ tabs: [...s.tabs, { ...tab, id } as DockTab], active: id }));
  },
  close(id) {
    set((s) => ({ tabs: s.tabs.filter((t) => t.id !== id), active: s.active === id ? 'yaml' : s.active }));
  },
  show(active) {
    set({ active });
  },
}));

/** A tab's title and its close button's name: a participant's terminal says whose it is and how it is open. */
export function tabTitle(t: DockTab): { title: string; close: string } {
  if (t.kind === 'capture') return { title: `⏺ ${t.node}:${t.iface}`, close: `Close capture ${t.node}` };
  if (!t.participant) return { title: `$ ${t.node}`, close: `Close terminal ${t.node}` };
  const { name, mode } = t.participant;
  return { title: `${mode} ${name}:${t.node}`, close: `Close ${mode} ${name} ${t.node}` };
}

/** Open terminals and captures: tabs in the bottom dock, next to the YAML view. */
import { create } from 'zustand';

export type DockTab =
  | { id: string; kind: 'terminal'; lab: string; node: string }
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

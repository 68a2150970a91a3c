/**
 * Keyboard shortcuts: undo/redo, copy/paste, select all, clear selection,
 * presentation mode (Alt+P). Escape undoes one thing: a maximised dock first,
 * then presentation, then the selection. Delete is React Flow's.
 */
import { useEffect } from 'react';
import { duplicateNodes, removeElements } from '@nslab/topology';
import { useDock } from './live/dock';
import { useStore } from './store';
import { usePresenting } from './workspace/presenting';

/** The shortcut that enters and leaves presentation mode (aria-keyshortcuts syntax). */
export const PRESENT_KEYS = 'Alt+P';

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (el.closest('input, textarea, select, [contenteditable="true"]')) return;
      const s = useStore.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const dock = useDock.getState();
      const presenting = usePresenting.getState();
      // e.code: Alt+P types another character on some layouts (π on a Mac).
      if (e.altKey && !mod && e.code === 'KeyP') presenting.present(!presenting.on);
      else if (key === 'escape' && dock.maximised) dock.maximise(false);
      else if (key === 'escape' && presenting.on) presenting.present(false);
      else if (mod && key === 'z' && !e.shiftKey) s.undo();
      else if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) s.redo();
      else if (mod && key === 'c' && s.selection.nodes.length) s.setClipboard({ topology: s.topology, names: s.selection.nodes });
      else if (mod && key === 'x' && s.selection.nodes.length) {
        s.setClipboard({ topology: s.topology, names: s.selection.nodes });
        s.apply(removeElements(s.topology, s.selection.nodes, s.selection.links));
        s.select({ nodes: [], links: [] });
      } else if (mod && key === 'v' && s.clipboard) {
        const merged = { ...s.topology, nodes: { ...s.clipboard.topology.nodes, ...s.topology.nodes }, links: s.topology.links };
        const sources = s.clipboard.names.filter((n) => merged.nodes[n]);
        const { topology, names } = duplicateNodes(
          {
            ...merged,
            links: [
              ...s.topology.links,
              ...s.clipboard.topology.links.filter(
                (l) => l.endpoints.every((ep) => sources.includes(ep.node)) && !s.topology.links.includes(l),
              ),
            ],
          },
          sources,
          { x: 40, y: 40 },
        );
        // Keep only what the paste added on top of the current topology.
        const added = {
          ...s.topology,
          nodes: { ...s.topology.nodes, ...Object.fromEntries(names.map((n) => [n, topology.nodes[n]!])) },
          links: [...s.topology.links, ...topology.links.filter((l) => l.endpoints.every((ep) => names.includes(ep.node)))],
        };
        s.apply(added);
        s.select({ nodes: names, links: [] });
      } else if (mod && key === 'a') s.select({ nodes: Object.keys(s.topology.nodes), links: s.topology.links.map((_, i) => i) });
      else if (key === 'escape') s.select({ nodes: [], links: [] });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

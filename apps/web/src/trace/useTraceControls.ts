/**
 * What drives a trace besides its buttons: the playback (one hop every
 * PLAY_MS), the arrow keys (previous / next hop), Escape (leaves pick mode),
 * and opening another lab (clears it).
 */
import { useEffect } from 'react';
import { useStore } from '../store';
import { useTrace } from './useTrace';

const PLAY_MS = 650;

export function useTraceControls(): void {
  const playing = useTrace((s) => s.playing);
  const lab = useStore((s) => s.lab);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => useTrace.getState().tick(), PLAY_MS);
    return () => clearInterval(timer);
  }, [playing]);

  // A trace belongs to the lab it was made in.
  useEffect(() => useTrace.getState().clear(), [lab]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = useTrace.getState();
      if (e.key === 'Escape' && t.picking) t.cancel();
      else if (!t.result || e.ctrlKey || e.metaKey || e.altKey) return;
      else if ((e.target as HTMLElement).closest('input, textarea, select, [contenteditable="true"], .xterm')) return;
      else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') t.next();
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') t.previous();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

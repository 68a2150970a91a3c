/**
 * The revision the address shows (`/labs/NAME/rev/N`), and Back/Forward:
 * the address is the truth, the page follows it. Opening a lab from the
 * page writes its address (`showLab` in address.ts); opening a revision or
 * going back to the current design is a new history entry.
 */
import { create } from 'zustand';
import { addressFor, go, labPath, parseAddress, revPath } from '../address';
import { useStore } from '../store';

interface Route {
  /** The revision shown read-only over the designer, and of which lab; null: the designer itself. */
  revision: { lab: string; rev: number } | null;
}

export const useRoute = create<Route>()(() => ({ revision: null }));

/** Shows revision `rev` of `lab` (a new history entry). */
export function openRevision(lab: string, rev: number): void {
  go(revPath(lab, rev));
  useRoute.setState({ revision: { lab, rev } });
}

/** Back to the lab's current design (a new history entry). */
export function closeRevision(): void {
  const lab = useRoute.getState().revision?.lab ?? useStore.getState().lab;
  if (lab) go(labPath(lab));
  useRoute.setState({ revision: null });
}

/**
 * Makes the page show what the address names: the lab (opened if it is not),
 * and the revision if any. An address naming a lab that is gone (Back to a
 * lab deleted or renamed since) is said, and replaced by the open lab's: the
 * address never names one lab while the designer shows another.
 */
export function followAddress(): void {
  const at = parseAddress(location.href);
  if (at.page !== 'designer') return;
  useRoute.setState({ revision: at.lab && at.rev !== null ? { lab: at.lab, rev: at.rev } : null });
  const s = useStore.getState();
  if (at.lab && at.lab !== s.lab)
    void s.openLab(at.lab).catch((e: Error) => {
      const open = useStore.getState().lab;
      history.replaceState(null, '', addressFor(location.href, open ? labPath(open) : '/'));
      useRoute.setState({ revision: null });
      s.say(e.message);
    });
}

/** Runs once at startup: the revision in the first address, and Back/Forward from then on. */
export function followHistory(): void {
  const at = parseAddress(location.href);
  if (at.page === 'designer' && at.lab && at.rev !== null) useRoute.setState({ revision: { lab: at.lab, rev: at.rev } });
  window.addEventListener('popstate', followAddress);
}

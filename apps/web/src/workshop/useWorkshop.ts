/**
 * Who the page's credential is (`GET /api/me`) and whether the instructor's
 * Workshops view is open. Apart from the designer's store: the designer
 * works the same for everyone, the server scoping what a participant sees.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { keepOpen, workshops, type MeView, type WorkshopMessage } from '../api';

export type ParticipantMe = Extract<MeView, { role: 'participant' }>;

interface WorkshopState {
  /** null until known, and when the server has no `/api/me` (an older one): then there are no workshops. */
  me: MeView | null;
  /** The instructor's Workshops view. */
  open: boolean;
  setMe(me: MeView | null): void;
  setOpen(open: boolean): void;
}

/** Remembered across reloads: the workshop a participant was in, so a page reloaded after it ended says so. */
const LAST_WORKSHOP = 'nslab-last-workshop';

export const useWorkshop = create<WorkshopState>()((set) => ({
  me: null,
  open: false,
  setMe: (me) => {
    if (me?.role === 'participant') localStorage.setItem(LAST_WORKSHOP, me.workshop.title);
    else if (me?.role === 'instructor') localStorage.removeItem(LAST_WORKSHOP);
    set({ me });
  },
  setOpen: (open) => set({ open }),
}));

/** The title of the workshop this browser last took part in, if it did. */
export function lastWorkshop(): string | null {
  return localStorage.getItem(LAST_WORKSHOP);
}

/** Selector: the participant this page is, or null (the instructor, or not known yet). */
export const participantOf = (s: WorkshopState): ParticipantMe | null => (s.me?.role === 'participant' ? s.me : null);
export const isInstructor = (s: WorkshopState): boolean => s.me?.role === 'instructor';

/** Asks who the page is once it has a token; a participant then follows their steps' results live. */
export function useMeSession(needsToken: boolean): void {
  const role = useWorkshop((s) => s.me?.role);
  useEffect(() => {
    if (needsToken) return;
    const { setMe } = useWorkshop.getState();
    void workshops.me().then(setMe, () => setMe(null));
  }, [needsToken]);
  useEffect(() => {
    if (role !== 'participant' || needsToken) return;
    const { setMe } = useWorkshop.getState();
    return keepOpen<WorkshopMessage>(
      '/api/ws/workshop',
      {},
      {
        onMessage: (m) => m.type === 'me' && setMe(m.me),
        // Back after a loss: what changed meanwhile was not sent.
        onUp: (again) => again && void workshops.me().then(setMe, () => {}),
      },
    );
  }, [role, needsToken]);
}

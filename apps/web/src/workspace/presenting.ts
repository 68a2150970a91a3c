/** Presentation mode: the canvas and the dock only, in large type, for a projector. Not kept across reloads. */
import { create } from 'zustand';

interface Presenting {
  on: boolean;
  present(on: boolean): void;
}

export const usePresenting = create<Presenting>()((set) => ({
  on: false,
  present(on) {
    set({ on });
  },
}));

/** Terminal type size, in px: 13 fits 120 columns in a maximised dock at 1280 px; 18 reads from the back of a room. */
export const terminalFontSize = (presenting: boolean): number => (presenting ? 18 : 13);
/** The largest zoom a fit may reach: in presentation the drawing fills the screen. */
export const fitMaxZoom = (presenting: boolean): number => (presenting ? 2 : 1.2);

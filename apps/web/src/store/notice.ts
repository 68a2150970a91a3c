/** The one-line notice the page shows (a refusal, a restored revision) until dismissed. */
import type { SliceCreator } from './types';

export interface NoticeSlice {
  notice: string | null;
  say(notice: string | null): void;
}

export const createNoticeSlice: SliceCreator<NoticeSlice> = (set) => ({
  notice: null,

  say(notice) {
    set({ notice });
  },
});

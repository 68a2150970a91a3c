import { useLayoutEffect, useRef } from 'react';

/** How close to the bottom (px) still counts as "at the bottom". */
const SLACK = 4;

/**
 * Keeps a scrolling output pane at its bottom as lines arrive, while the user
 * is there; once they scroll up it stays put until they scroll back down.
 * Give the returned `ref` and `onScroll` to the pane; `content` is what grows.
 */
export function useStickToBottom<T extends HTMLElement>(content: unknown) {
  const ref = useRef<T>(null);
  const stuck = useRef(true); // a new pane starts at the bottom
  // Where this hook last put the pane: its scroll event comes a frame later, when more lines may have arrived.
  const put = useRef<number | null>(null);
  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK;
    const ours = put.current !== null && el.scrollTop >= put.current - SLACK;
    stuck.current = atBottom || ours;
    if (!stuck.current) put.current = null;
  };
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !stuck.current) return;
    el.scrollTop = el.scrollHeight;
    put.current = el.scrollTop;
  }, [content]);
  return { ref, onScroll };
}

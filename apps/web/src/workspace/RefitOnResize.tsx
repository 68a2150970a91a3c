import { useEffect, useRef } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useStore } from '../store';
import { fitMaxZoom, usePresenting } from './presenting';

/** What the user does to move the view by hand (the canvas then stays where they put it). */
const BY_HAND = '.react-flow__controls-zoomin, .react-flow__controls-zoomout, .react-flow__minimap';
const FIT_BUTTON = '.react-flow__controls-fitview';

/**
 * Fits the drawing again when the canvas changes size (the window, the dock,
 * presentation mode) — unless the user has zoomed or panned by hand since the
 * last fit. Rendered inside the ReactFlowProvider; draws nothing.
 */
export function RefitOnResize() {
  const rf = useStoreApi();
  const flow = useReactFlow();
  const presenting = usePresenting((s) => s.on);
  const lab = useStore((s) => s.lab);
  const byHand = useRef(false);
  const presentingRef = useRef(presenting);
  presentingRef.current = presenting;

  // A new lab is fitted by the canvas: the view is no longer the user's.
  useEffect(() => {
    byHand.current = false;
  }, [lab]);

  useEffect(() => {
    const onWheel = (e: Event) => {
      if ((e.target as Element).closest?.('.canvas')) byHand.current = true;
    };
    const onClick = (e: Event) => {
      const el = e.target as Element;
      if (el.closest?.(FIT_BUTTON)) byHand.current = false;
      else if (el.closest?.(BY_HAND)) byHand.current = true;
    };
    const onDoubleClick = (e: Event) => {
      if ((e.target as Element).closest?.('.react-flow__pane')) byHand.current = true;
    };
    document.addEventListener('wheel', onWheel, { capture: true, passive: true });
    document.addEventListener('pointerdown', onClick, true);
    document.addEventListener('dblclick', onDoubleClick, true);
    let size = { width: rf.getState().width, height: rf.getState().height };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = rf.subscribe((s) => {
      if (s.paneDragging) byHand.current = true;
      if (s.width === size.width && s.height === size.height) return;
      const first = size.width === 0 || size.height === 0;
      size = { width: s.width, height: s.height };
      if (first) return; // the canvas fits a lab when it opens it
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!byHand.current) void flow.fitView({ maxZoom: fitMaxZoom(presentingRef.current) });
        // How many size changes were settled (fitted or left alone): what a test waits for instead of a clock.
        const dom = rf.getState().domNode;
        if (dom) dom.dataset.resizesSettled = String(Number(dom.dataset.resizesSettled ?? 0) + 1);
      }, 60);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
      document.removeEventListener('wheel', onWheel, { capture: true });
      document.removeEventListener('pointerdown', onClick, true);
      document.removeEventListener('dblclick', onDoubleClick, true);
    };
  }, [rf, flow]);

  // Entering or leaving presentation fits the drawing to the new canvas, whatever the user did before.
  useEffect(() => {
    byHand.current = false;
  }, [presenting]);
  return null;
}

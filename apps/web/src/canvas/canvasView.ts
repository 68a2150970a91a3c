/**
 * The designer's canvas as a layout sees it. autoLayout picks, of its
 * variants, the one readable at fit zoom in the view it is given, so a lab
 * laid out for another size is drawn otherwise (laid out for autoLayout's
 * 800×440 default, an imported lab opened with its cables looping round its
 * routers, and Auto layout then drew it another way). Every layout of the
 * designer's lab — Auto layout, a lab shown without positions, the lab an
 * import, an upload or a template makes — takes its view from here, so each
 * draws the lab as the others do.
 */
import { createRef } from 'react';
import type { View } from '../layout';

/** The designer's canvas element (Canvas.tsx holds it; there is one). */
export const canvasRef = createRef<HTMLDivElement>();

/** The canvas's size now; undefined while it is not drawn (autoLayout's default view then). */
export function canvasView(): View | undefined {
  const box = canvasRef.current?.getBoundingClientRect();
  return box && box.width > 0 && box.height > 0 ? { width: box.width, height: box.height } : undefined;
}

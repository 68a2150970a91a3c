import { useRef, type ReactNode } from 'react';
import { DOCK_HEIGHT, PLAN_WIDTH, useDock } from '../live/dock';
import { PRESENT_KEYS } from '../shortcuts';
import { usePresenting } from './presenting';
import { Separator } from './Separator';
import './workspace.css';

/** A pointer position as a percentage of `el` (`from` the bottom or the left), or `fallback` before `el` is laid out. */
function share(el: HTMLElement | null, from: 'bottom' | 'left', x: number, y: number, fallback: number): number {
  const r = el?.getBoundingClientRect();
  if (!r || r.width === 0 || r.height === 0) return fallback;
  return from === 'bottom' ? ((r.bottom - y) / r.height) * 100 : ((x - r.left) / r.width) * 100;
}

/**
 * The designer's grid: palette | canvas over the Plan and the dock | inspector.
 * A bar between the canvas and the bottom row resizes it, another between the
 * Plan and the dock; the dock maximised covers the whole workspace.
 * Presentation mode keeps the canvas and the dock only (the others are
 * hidden, not unmounted: the inspector keeps its tools' output). The page
 * never scrolls: every pane scrolls inside itself.
 */
export function Workspace({
  palette,
  canvas,
  plan,
  dock,
  side,
  over,
}: {
  palette: ReactNode;
  canvas: ReactNode;
  plan: ReactNode;
  dock: ReactNode;
  side: ReactNode;
  /** Drawn over the canvas row (the instructor's Workshops view). */
  over?: ReactNode;
}) {
  const height = useDock((s) => s.height);
  const planWidth = useDock((s) => s.plan);
  const maximised = useDock((s) => s.maximised);
  const resize = useDock((s) => s.resize);
  const presenting = usePresenting((s) => s.on);
  const main = useRef<HTMLElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const classes = ['workspace', presenting && 'presenting', maximised && 'dock-maximised'].filter(Boolean).join(' ');
  return (
    <main className={classes} ref={main} style={{ gridTemplateRows: `minmax(0, ${100 - height}fr) auto minmax(0, ${height}fr)` }}>
      {palette}
      {canvas}
      <div className="view-tools">
        <button
          type="button"
          aria-pressed={presenting}
          aria-keyshortcuts={PRESENT_KEYS}
          title={presenting ? `Leave presentation (Escape or ${PRESENT_KEYS})` : `Large type, canvas and dock only (${PRESENT_KEYS})`}
          onClick={() => usePresenting.getState().present(!presenting)}
        >
          Present
        </button>
      </div>
      <Separator
        label="Resize dock"
        orientation="horizontal"
        value={height}
        range={DOCK_HEIGHT}
        grow="ArrowUp"
        at={(x, y) => share(main.current, 'bottom', x, y, height)}
        onChange={(v) => resize({ height: v })}
      />
      <div
        className="bottom"
        ref={bottom}
        style={presenting ? undefined : { gridTemplateColumns: `minmax(0, ${planWidth}fr) auto minmax(0, ${100 - planWidth}fr)` }}
      >
        {plan}
        {!presenting && (
          <Separator
            label="Resize plan"
            orientation="vertical"
            value={planWidth}
            range={PLAN_WIDTH}
            grow="ArrowRight"
            at={(x, y) => share(bottom.current, 'left', x, y, planWidth)}
            onChange={(v) => resize({ plan: v })}
          />
        )}
        {dock}
      </div>
      {side}
      {over}
    </main>
  );
}

import type { KeyboardEvent, PointerEvent } from 'react';
import type { ShareRange } from '../live/dock';

/**
 * A bar between two panes that resizes them: dragged with the pointer, or
 * focused and moved with the arrow keys (2%; Page Up/Down 10%; Home/End the
 * ends). `value` is the share of the pane it resizes, in percent; `at`
 * turns a pointer position into that share.
 */
export function Separator({
  label,
  orientation,
  value,
  range,
  grow,
  at,
  onChange,
}: {
  label: string;
  /** `horizontal`: a bar between panes above and below each other. */
  orientation: 'horizontal' | 'vertical';
  value: number;
  range: ShareRange;
  /** The arrow key that makes the pane bigger; its opposite makes it smaller. */
  grow: 'ArrowUp' | 'ArrowRight';
  at: (x: number, y: number) => number;
  onChange: (value: number) => void;
}) {
  const shrink = grow === 'ArrowUp' ? 'ArrowDown' : 'ArrowLeft';
  const onKeyDown = (e: KeyboardEvent) => {
    const step: Record<string, number> = { [grow]: 2, [shrink]: -2, PageUp: 10, PageDown: -10 };
    if (e.key in step) onChange(value + step[e.key]!);
    else if (e.key === 'Home') onChange(range.min);
    else if (e.key === 'End') onChange(range.max);
    else return;
    e.preventDefault();
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) onChange(at(e.clientX, e.clientY));
  };
  return (
    <div
      className={`separator separator-${orientation}`}
      role="separator"
      tabIndex={0}
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={range.min}
      aria-valuemax={range.max}
      aria-valuetext={`${value}%`}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
    />
  );
}

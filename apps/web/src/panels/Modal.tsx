import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog over the page. It takes focus when it opens, unless a
 * control inside took it (autoFocus), so Escape reaches it from the start;
 * Escape closes it.
 */
export function Modal(props: {
  label: string;
  className: string;
  close: () => void;
  role?: 'dialog' | 'alertdialog';
  children: ReactNode;
}) {
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!body.current?.contains(document.activeElement)) body.current?.focus();
  }, []);
  return (
    <div className="modal">
      <div
        ref={body}
        tabIndex={-1}
        className={`modal-body ${props.className}`}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-label={props.label}
        onKeyDown={(e) => e.key === 'Escape' && props.close()}
      >
        {props.children}
      </div>
    </div>
  );
}

import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * A modal dialog over the page. It takes focus when it opens, unless a
 * control inside took it (autoFocus), so Escape reaches it from the start;
 * Escape closes it. Drawn into the body, whoever opens it: a dialog opened
 * from the inspector is no part of the inspector's form, nor of its styles.
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
  return createPortal(
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
    </div>,
    document.body,
  );
}

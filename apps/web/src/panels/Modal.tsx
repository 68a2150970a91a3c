import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * A modal dialog over the page. It takes focus when it opens, unless a
 * control inside took it (autoFocus), so Escape reaches it from the start;
 * Escape closes it. Tab and Shift+Tab go round its own controls, never to the
 * page behind; when it closes, focus goes back to what had it before, if that
 * is still on the page. Drawn into the body, whoever opens it: a dialog opened
 * from the inspector is no part of the inspector's form, nor of its styles.
 */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

export function Modal(props: {
  label: string;
  className: string;
  close: () => void;
  role?: 'dialog' | 'alertdialog';
  children: ReactNode;
}) {
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement;
    if (!body.current?.contains(document.activeElement)) body.current?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') return props.close();
    if (e.key !== 'Tab' || !body.current) return;
    const controls = [...body.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((c) => c.getClientRects().length > 0);
    if (controls.length === 0) return e.preventDefault();
    const [first, last] = [controls[0]!, controls.at(-1)!];
    const at = document.activeElement;
    if (e.shiftKey ? at === first || at === body.current : at === last) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  };
  return createPortal(
    <div className="modal">
      <div
        ref={body}
        tabIndex={-1}
        className={`modal-body ${props.className}`}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-label={props.label}
        onKeyDown={onKeyDown}
      >
        {props.children}
      </div>
    </div>,
    document.body,
  );
}

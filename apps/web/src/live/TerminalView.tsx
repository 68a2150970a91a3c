import { useEffect, useRef } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { StreamMessage, TerminalCommand } from '@nslab/topology';
import { openSocket } from '../api';
import type { TerminalGuest } from './dock';
import { terminalFontSize, usePresenting } from '../workspace/presenting';

/** DejaVu Sans Mono first: Debian has it, and it draws box-drawing, arrows and the symbols `ip` and `ss` print. */
export const MONO_FONTS = '"DejaVu Sans Mono", ui-monospace, "Liberation Mono", monospace';
/** The terminal's colours, the same in a light or dark page (a terminal reads best light on dark). */
const THEME = { background: '#0f1420', foreground: '#e4e8ef', cursor: '#f8fafc', selectionBackground: '#3b4a66' };

/** A text frame from the server (only `exit` and `error` on a terminal), as a line in the terminal: the shell's exit dim, a refusal (a limit reached) in red. */
function describe(text: string): string {
  let msg: StreamMessage;
  try {
    msg = JSON.parse(text) as StreamMessage;
  } catch {
    return `\r\n\x1b[2m[${text}]\x1b[0m\r\n`;
  }
  if (msg.type === 'exit') return `\r\n\x1b[2m[shell exited (${msg.code})]\x1b[0m\r\n`;
  if (msg.type === 'error') return `\r\n\x1b[31m[error: ${msg.message}]\x1b[0m\r\n`;
  return `\r\n\x1b[2m[${text}]\x1b[0m\r\n`;
}

const command = (c: TerminalCommand) => JSON.stringify(c);

/**
 * A shell in a lab namespace. Output arrives as binary frames and is
 * acknowledged once xterm has drawn it, which is what lets the server pause
 * a flooding program instead of buffering it.
 *
 * With `participant` (the instructor of a workshop), it is that
 * participant's open terminal on the node: watched (nothing typed is sent)
 * or helped in.
 */
export function TerminalView({
  lab,
  node,
  visible,
  participant,
}: {
  lab: string;
  node: string;
  visible: boolean;
  participant?: TerminalGuest;
}) {
  const guestId = participant?.id;
  const mode = participant?.mode;
  const box = useRef<HTMLDivElement>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const termRef = useRef<Terminal | null>(null);
  const presenting = usePresenting((s) => s.on);
  useEffect(() => {
    const term = new Terminal({
      fontSize: terminalFontSize(usePresenting.getState().on),
      cursorBlink: true,
      scrollback: 5000,
      fontFamily: MONO_FONTS,
      theme: THEME,
      disableStdin: mode === 'watch',
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current!);
    fit.fit();
    const ws = openSocket('/api/term', {
      lab,
      node,
      cols: term.cols,
      rows: term.rows,
      ...(guestId && mode ? { participant: guestId, mode } : {}),
    });
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') {
        term.write(describe(m.data));
        return;
      }
      const bytes = new Uint8Array(m.data as ArrayBuffer);
      term.write(bytes, () => ws.readyState === WebSocket.OPEN && ws.send(command({ type: 'ack', bytes: bytes.length })));
    };
    ws.onclose = () => term.write('\r\n\x1b[2m[disconnected]\x1b[0m\r\n');
    const input = term.onData((data) => ws.readyState === WebSocket.OPEN && ws.send(command({ type: 'input', data })));
    const refit = () => {
      fit.fit();
      if (ws.readyState === WebSocket.OPEN) ws.send(command({ type: 'resize', cols: term.cols, rows: term.rows }));
    };
    fitRef.current = refit;
    const ro = new ResizeObserver(refit);
    ro.observe(box.current!);
    term.focus();
    return () => {
      ro.disconnect();
      input.dispose();
      ws.close();
      term.dispose();
    };
  }, [lab, node, guestId, mode]);
  useEffect(() => {
    if (visible) fitRef.current?.();
  }, [visible]);
  useEffect(() => {
    if (!termRef.current) return;
    termRef.current.options.fontSize = terminalFontSize(presenting);
    fitRef.current?.();
  }, [presenting]);
  const name = participant ? `Terminal ${node} of ${participant.name} (${participant.mode})` : `Terminal ${node}`;
  return <div className="term" ref={box} role="region" aria-label={name} />;
}

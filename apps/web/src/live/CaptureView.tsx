import { useEffect, useRef, useState } from 'react';
import { openSocket, tools } from '../api';

const MAX_LINES = 2000;

type StreamMessage =
  | { type: 'start'; capture?: string }
  | { type: 'line'; text: string }
  | { type: 'dropped'; count: number }
  | { type: 'exit'; code: number | null }
  | { type: 'error'; message: string };

/**
 * tcpdump on one link end: decoded lines, bounded; stop; download the .pcap.
 * The server keeps the socket open after tcpdump exits and deletes the .pcap
 * when it closes: the tab's socket is what keeps the capture downloadable, so
 * it is closed on unmount only, and `exit` (not `close`) means "stopped".
 */
export function CaptureView({ lab, node, iface, filter }: { lab: string; node: string; iface: string; filter: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [dropped, setDropped] = useState(0);
  const [capture, setCapture] = useState<string | null>(null);
  const [running, setRunning] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const ws = useRef<WebSocket | null>(null);
  useEffect(() => {
    const sock = openSocket('/api/stream', { lab, node, tool: 'tcpdump', iface, filter });
    ws.current = sock;
    sock.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as StreamMessage;
      if (msg.type === 'start') setCapture(msg.capture ?? null);
      else if (msg.type === 'line') setLines((l) => (l.length >= MAX_LINES ? [...l.slice(l.length - MAX_LINES + 1), msg.text] : [...l, msg.text]));
      else if (msg.type === 'dropped') setDropped(msg.count);
      else if (msg.type === 'exit') setRunning(false);
      else if (msg.type === 'error') setError(msg.message);
    };
    sock.onclose = () => setRunning(false);
    return () => sock.close();
  }, [lab, node, iface, filter]);
  const download = async () => {
    try {
      saveBlob(await tools.capture(capture!), `capture-${capture!.slice(0, 8)}.pcap`);
    } catch (e) {
      setError(`cannot download the capture: ${(e as Error).message}`);
    }
  };
  return (
    <div className="capture" role="region" aria-label={`Capture ${node} ${iface}`}>
      <div className="capture-bar">
        <span className="mono">tcpdump -i {iface} on {node}{filter ? ` ${filter}` : ''}</span>
        {dropped > 0 && <span className="dropped">{dropped} lines dropped (too fast to show)</span>}
        <button type="button" disabled={!running} onClick={() => ws.current?.send(JSON.stringify({ type: 'stop' }))}>Stop</button>
        {capture && <button type="button" onClick={() => void download()}>Download .pcap</button>}
        {error && <span className="capture-error" role="alert">{error}</span>}
      </div>
      <pre className="capture-lines">{lines.join('\n')}</pre>
    </div>
  );
}

/** Hands a blob to the browser as a download. The object URL is revoked once the download has it. */
function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download from the blob; revoking in the same task can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

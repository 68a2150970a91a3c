import { useEffect, useRef, useState } from 'react';
import { wsUrl } from '../api';

const MAX_LINES = 2000;

/** tcpdump on one link end: decoded lines, bounded; stop; download the .pcap. */
export function CaptureView({ lab, node, iface, filter }: { lab: string; node: string; iface: string; filter: string }) {
  const [lines, setLines] = useState<string[]>([]);
  const [dropped, setDropped] = useState(0);
  const [capture, setCapture] = useState<string | null>(null);
  const [running, setRunning] = useState(true);
  const ws = useRef<WebSocket | null>(null);
  useEffect(() => {
    const sock = new WebSocket(wsUrl('/api/stream', { lab, node, tool: 'tcpdump', iface, filter }));
    ws.current = sock;
    let shown = 0;
    sock.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { type: string; text?: string; capture?: string; count?: number; message?: string };
      if (msg.type === 'start') setCapture(msg.capture ?? null);
      else if (msg.type === 'line') {
        shown++;
        setLines((l) => (l.length >= MAX_LINES ? [...l.slice(l.length - MAX_LINES + 1), msg.text!] : [...l, msg.text!]));
      } else if (msg.type === 'dropped') setDropped(msg.count ?? 0);
      else if (msg.type === 'error') setLines((l) => [...l, `error: ${msg.message}`]);
    };
    sock.onclose = () => setRunning(false);
    return () => sock.close();
  }, [lab, node, iface, filter]);
  return (
    <div className="capture" role="region" aria-label={`Capture ${node} ${iface}`}>
      <div className="capture-bar">
        <span className="mono">tcpdump -i {iface} on {node}{filter ? ` ${filter}` : ''}</span>
        {dropped > 0 && <span className="dropped">{dropped} lines dropped (too fast to show)</span>}
        <button type="button" disabled={!running} onClick={() => ws.current?.send(JSON.stringify({ type: 'stop' }))}>Stop</button>
        {capture && <a href={`/api/captures/${capture}`} download>Download .pcap</a>}
      </div>
      <pre className="capture-lines">{lines.join('\n')}</pre>
    </div>
  );
}

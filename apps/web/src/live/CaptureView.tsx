import { useMemo, useState } from 'react';
import { tools } from '../api';
import { parseCaptureLine } from './captureLine';
import { useStream } from './useStream';
import { useStickToBottom } from './useStickToBottom';
import { saveBlob } from '../share/labFile';

/**
 * tcpdump on one link end: decoded lines, bounded; stop; download the .pcap.
 * The server keeps the socket open after tcpdump exits and deletes the .pcap
 * when it closes: the tab's socket is what keeps the capture downloadable, so
 * it is closed on unmount only, and `exit` (not `close`) means "stopped".
 */
export function CaptureView({ lab, node, iface, filter }: { lab: string; node: string; iface: string; filter: string }) {
  const request = useMemo(() => ({ lab, node, tool: 'tcpdump', params: { iface, filter } }), [lab, node, iface, filter]);
  const { lines, dropped, capture, running, error: streamError, stop } = useStream(request);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [showMacs, setShowMacs] = useState(false);
  const parsed = useMemo(() => lines.map(parseCaptureLine), [lines]);
  const error = downloadError ?? streamError;
  const follow = useStickToBottom<HTMLPreElement>(lines);
  const download = async () => {
    try {
      saveBlob(await tools.capture(capture!), `capture-${capture!.slice(0, 8)}.pcap`);
    } catch (e) {
      setDownloadError(`cannot download the capture: ${(e as Error).message}`);
    }
  };
  return (
    <div className="capture" role="region" aria-label={`Capture ${node} ${iface}`}>
      <div className="capture-bar">
        <span className="mono">
          tcpdump -i {iface} on {node}
          {filter ? ` ${filter}` : ''}
        </span>
        <label className="show-macs">
          <input type="checkbox" checked={showMacs} onChange={(e) => setShowMacs(e.target.checked)} /> Show MACs
        </label>
        {dropped > 0 && <span className="dropped">{dropped} lines dropped (too fast to show)</span>}
        <button type="button" disabled={!running} onClick={stop}>
          Stop
        </button>
        {capture && (
          <button type="button" onClick={() => void download()}>
            Download .pcap
          </button>
        )}
        {error && (
          <span className="capture-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <pre className="capture-lines" ref={follow.ref} onScroll={follow.onScroll}>
        {parsed.map((l, i) => (
          <span key={i} className={l.time ? 'capture-line packet' : 'capture-line'}>
            {l.time && (
              <>
                <span className="packet-time">{l.time}</span>{' '}
                <span className={`packet-proto proto-${l.proto.toLowerCase()}`}>{l.proto.padEnd(6)}</span>{' '}
              </>
            )}
            {l.text}
            {l.time && showMacs && <span className="packet-macs">{`  [${l.macs}]`}</span>}
          </span>
        ))}
      </pre>
    </div>
  );
}

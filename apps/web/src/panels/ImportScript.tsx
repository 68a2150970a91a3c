import { useState } from 'react';
import { formatTopology, type ImportResult } from '@nslab/topology';
import { api, ApiError } from '../api';
import { autoLayout } from '../layout';
import { useStore } from '../store';

/** Paste shell commands (a seed's blocks, or a whole seed document) and get the lab, drawn. */
export function ImportScript({ onClose, freeName }: { onClose: () => void; freeName: (base: string) => string }) {
  const [text, setText] = useState('');
  const [name, setName] = useState(freeName('imported'));
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const preview = async () => {
    try {
      setResult(await api.importScript(text, name));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const create = async () => {
    if (!result) return;
    const laid = await autoLayout({ ...result.topology, name });
    await useStore.getState().createLab(formatTopology(laid));
    onClose();
  };
  return (
    <div className="modal" role="dialog" aria-label="Import script">
      <div className="modal-body">
        <div className="panel-head">
          <h2>Import script</h2>
          <button type="button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="field">
          <label htmlFor="import-name">Lab name</label>
          <input id="import-name" className="mono" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="import-text">Shell commands</label>
          <textarea
            id="import-text"
            rows={14}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={'ip netns add red\nip netns add blue\nip link add veth-red type veth peer name veth-blue\n…'}
            spellCheck={false}
          />
        </div>
        <div className="actions">
          <button type="button" onClick={() => void preview()} disabled={!text.trim()}>
            Read commands
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void create().catch((e: Error) => setError(e.message))}
            disabled={!result}
          >
            Create lab
          </button>
        </div>
        {error && <p className="error">{error}</p>}
        {result && (
          <div className="import-result">
            <p>
              {Object.keys(result.topology.nodes).length} nodes, {result.topology.links.length} links; {result.warnings.length} warning(s),{' '}
              {result.skipped.length} command(s) skipped because they only look.
            </p>
            {result.warnings.length > 0 && (
              <ul className="issues" aria-label="Import warnings">
                {result.warnings.map((w, i) => (
                  <li key={i}>
                    {w.line > 0 ? `line ${w.line}: ` : ''}
                    {w.message} — <code>{w.text}</code>
                  </li>
                ))}
              </ul>
            )}
            <pre className="tool-out">{result.yaml}</pre>
          </div>
        )}
      </div>
    </div>
  );
}

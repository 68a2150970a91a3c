import { useRef, useState } from 'react';
import { LAB_NAME, type ClabImport, type ClabNote } from '@nslab/topology';
import { api, ApiError } from '../api';
import { nameFromFile } from '../share/labFile';
import { createWords, DialogHead, HiddenFileInput, LabErrors, LabNameField, useLabNameProblem, YamlDetails } from './importParts';
import { createImportedLab } from './labActions';
import { count } from './labWords';
import { Modal } from './Modal';
import './importScript.css';

/** What reading a file gave: the lab it makes, or why it makes none (the server's message and each error's place). */
type Reading = { ok: true; r: ClabImport } | { ok: false; message: string; notes: ClabNote[] };

/**
 * A containerlab topology file (pasted, or chosen) read as a lab: the server
 * says what it makes and what it leaves out (images, binds, the management
 * network), each by its YAML path and line; "Open as lab" makes the lab and
 * opens it in the designer. A lab with errors can still be opened: the designer
 * shows each on its field.
 */
export function ImportClab({ onClose, freeName }: { onClose: () => void; freeName: (base: string) => string }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [named, setNamed] = useState(false); // typed by the user: kept, and sent
  const [reading, setReading] = useState<Reading | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const problem = useLabNameProblem(name, false);
  const read = async (t: string, from: string | null) => {
    try {
      const r = await api.importClab(t, named && LAB_NAME.test(name) ? name : undefined);
      setReading({ ok: true, r });
      // The file's own `name`; a file without one is named after the file it came in.
      const own = r.topology?.name ?? 'imported';
      if (!named) setName(freeName(own === 'imported' && from ? nameFromFile(from) : own));
    } catch (e) {
      setReading(e instanceof ApiError ? { ok: false, message: e.message, notes: e.notes } : { ok: false, message: String(e), notes: [] });
    }
  };
  const choose = async (f: File) => {
    const t = await f.text();
    setText(t);
    setFile(f.name);
    await read(t, f.name);
  };
  const open = async (r: ClabImport) => {
    setBusy(true);
    try {
      await createImportedLab(r.topology!, name);
      onClose();
    } catch (e) {
      setReading({ ok: false, message: (e as Error).message, notes: [] });
      setBusy(false);
    }
  };
  const r = reading?.ok ? reading.r : undefined;
  return (
    <Modal label="Import containerlab" className="import-clab" close={onClose}>
      <DialogHead title="Import containerlab" close={onClose} />
      <LabNameField id="clab-name" value={name} onChange={(n) => (setName(n), setNamed(true))} problem={r || named ? problem : null} />
      <div className="field">
        <label htmlFor="clab-text">containerlab topology{file ? ` (${file})` : ''}</label>
        <textarea
          id="clab-text"
          rows={reading ? 8 : 14}
          value={text}
          onChange={(e) => (setText(e.target.value), setFile(null), setReading(null))}
          placeholder={
            'name: two\ntopology:\n  nodes:\n    a: { kind: linux, exec: [ip addr add 10.0.0.1/24 dev eth1] }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]'
          }
          spellCheck={false}
        />
      </div>
      <div className="actions">
        <button type="button" onClick={() => void read(text, file)} disabled={!text.trim()}>
          Read topology
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>
        <HiddenFileInput ref={fileInput} accept=".clab.yml,.clab.yaml,.yml,.yaml" label="containerlab file" pick={(f) => void choose(f)} />
      </div>
      {reading && !reading.ok && (
        <>
          <p className="error" role="alert">
            {reading.notes.length > 0
              ? `Not a containerlab topology nslab can read: ${count(reading.notes.length, 'error', 'errors')}, nothing was made.`
              : reading.message}
          </p>
          <ClabNotes label="Import errors" className="issues" notes={reading.notes} />
        </>
      )}
      {r?.topology && (
        <div className="import-result">
          <p className="import-summary">
            {count(Object.keys(r.topology.nodes).length, 'node', 'nodes')}, {count(r.topology.links.length, 'link', 'links')};{' '}
            {count(r.warnings.length, 'warning', 'warnings')}
            {r.warnings.length > 0 ? ': what nslab leaves out or cannot do' : ''}.
          </p>
          <ClabNotes label="Import warnings" className="issues import-warnings" notes={r.warnings} />
          <LabErrors issues={r.issues} />
          <YamlDetails yaml={r.yaml} />
          <div className="actions">
            <button type="button" className="primary" disabled={busy || problem !== null} onClick={() => void open(r)}>
              {createWords('Open as lab', r.issues, null)}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}

/** Notes about places in the file, as the server names them: `topology.nodes.r1.image (line 7): what about it`. */
function ClabNotes({ label, className, notes }: { label: string; className: string; notes: ClabNote[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className={className} aria-label={label}>
      {notes.map((n, i) => (
        <li key={i}>
          {n.path && <code>{n.path}</code>}
          {n.line > 0 && ` (line ${n.line})`}
          {n.path || n.line > 0 ? ': ' : ''}
          {n.message}
        </li>
      ))}
    </ul>
  );
}

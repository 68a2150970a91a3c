import { useRef, useState } from 'react';
import { LAB_NAME, labNameFromFile, type ClabImport, type ClabNote } from '@nslab/topology';
import { api, ApiError } from '../api';
import { createWords, DialogHead, HiddenFileInput, LabErrors, LabNameField, useLabNameProblem, YamlDetails } from './importParts';
import { createImportedLab } from './labActions';
import { count, importSummary } from './labWords';
import { Modal } from './Modal';
import './importScript.css';

/** What reading a text gave (`text`, as sent): the lab it makes, or why it makes none (the server's message and each error's place). */
type Reading = { text: string } & ({ ok: true; r: ClabImport } | { ok: false; message: string; notes: ClabNote[] });

/**
 * A containerlab topology file (pasted, or chosen) read as a lab: the server
 * says what it makes and what it leaves out (images, binds, the management
 * network), each by its YAML path and line; "Open as lab" makes the lab and
 * opens it in the designer. A lab with errors can still be opened: the designer
 * shows each on its field. A file without `name:` is named after the file it
 * came in, by the server, as `nslab import-clab` names it.
 */
export function ImportClab({ onClose, freeName }: { onClose: () => void; freeName: (base: string) => string }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [named, setNamed] = useState(false); // typed by the user: kept, and sent
  const [reading, setReading] = useState<Reading | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  // The latest read (or edit): a reply to an earlier one arrives for a text no longer shown, and is dropped.
  const latest = useRef(0);
  const problem = useLabNameProblem(name, false);
  const read = async (t: string, from: string | null) => {
    const asked = ++latest.current;
    let next: Reading;
    try {
      const r = await api.importClab(t, named && LAB_NAME.test(name) ? name : undefined, from ? labNameFromFile(from) : undefined);
      next = { text: t, ok: true, r };
    } catch (e) {
      next = {
        text: t,
        ok: false,
        ...(e instanceof ApiError ? { message: e.message, notes: e.notes } : { message: String(e), notes: [] }),
      };
    }
    if (asked !== latest.current) return;
    setReading(next);
    // The file's own `name`, else the chosen file's (the server applies it), else "imported".
    if (next.ok && !named) setName(freeName(next.r.topology?.name ?? 'imported'));
  };
  const choose = async (f: File) => {
    const asked = ++latest.current;
    const t = await f.text();
    if (asked !== latest.current) return; // another file chosen, or the text edited, meanwhile
    setText(t);
    setFile(f.name);
    setReading(null);
    await read(t, f.name);
  };
  const edit = (t: string) => {
    latest.current++;
    setText(t);
    setFile(null);
    setReading(null);
  };
  const open = async (r: ClabImport) => {
    setBusy(true);
    try {
      await createImportedLab(r.topology!, name);
      onClose();
    } catch (e) {
      setReading({ text, ok: false, message: (e as Error).message, notes: [] });
      setBusy(false);
    }
  };
  // Only a reading of the text shown is shown, and opened.
  const shown = reading?.text === text ? reading : null;
  const r = shown?.ok ? shown.r : undefined;
  return (
    <Modal label="Import containerlab" className="import-clab" close={onClose}>
      <DialogHead title="Import containerlab" close={onClose} />
      <LabNameField id="clab-name" value={name} onChange={(n) => (setName(n), setNamed(true))} problem={r || named ? problem : null} />
      <div className="field">
        <label htmlFor="clab-text">containerlab topology{file ? ` (${file})` : ''}</label>
        <textarea
          id="clab-text"
          rows={shown ? 8 : 14}
          value={text}
          onChange={(e) => edit(e.target.value)}
          // What the dialog is for: paste here (Escape still closes it, from inside).
          autoFocus
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
      {shown && !shown.ok && (
        <>
          <p className="error" role="alert">
            {shown.notes.length > 0
              ? `Not a containerlab topology nslab can read: ${count(shown.notes.length, 'error', 'errors')}, nothing was made.`
              : shown.message}
          </p>
          <ClabNotes label="Import errors" className="issues" notes={shown.notes} />
        </>
      )}
      {r?.topology && (
        <div className="import-result">
          <p className="import-summary">{importSummary(r.topology, r.issues, r.warnings.length)}</p>
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

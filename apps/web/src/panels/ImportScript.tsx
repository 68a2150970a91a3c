import { useState } from 'react';
import { LAB_NAME, replaceHostInterface, type ImportScenario } from '@nslab/topology';
import { api, ApiError } from '../api';
import { createWords, DialogHead, LabErrors, LabNameField, useLabNameProblem, YamlDetails } from './importParts';
import { createImportedLab, importLab } from './labActions';
import { count } from './labWords';
import { Modal } from './Modal';
import { useTemplates } from './useTemplates';
import './importScript.css';

/**
 * Paste shell commands, a transcript, or a whole write-up: each scenario the
 * server finds becomes a lab of its own, with its warnings, its checks (from
 * the document's pings) and the template it matches. A lab with errors can
 * still be created, and its button says so: a paste is often one placeholder
 * (`<Node 2 IP>`) away from right, and the designer shows each error on its field.
 */
export function ImportScript({ onClose, freeName }: { onClose: () => void; freeName: (base: string) => string }) {
  const [text, setText] = useState('');
  const [name, setName] = useState(freeName('imported'));
  const [scenarios, setScenarios] = useState<ImportScenario[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const single = scenarios?.length === 1 ? scenarios[0] : undefined;
  const preview = async () => {
    try {
      const r = await api.importScript(text, LAB_NAME.test(name) ? name : 'imported');
      setScenarios(r.scenarios.map((s) => (r.scenarios.length === 1 ? s : { ...s, name: freeName(s.name) })));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const replace = (i: number, next: ImportScenario) => setScenarios((list) => list && list.map((s, k) => (k === i ? next : s)));
  return (
    <Modal label="Import script" className="import-script" close={onClose}>
      <DialogHead title="Import script" close={onClose} />
      {(!scenarios || single) && <LabNameField id="import-name" value={name} onChange={setName} problem={null} />}
      <div className="field">
        <label htmlFor="import-text">Shell commands</label>
        <textarea
          id="import-text"
          rows={scenarios ? 6 : 14}
          value={text}
          onChange={(e) => (setText(e.target.value), setScenarios(null))}
          placeholder={
            'ip netns add red\nip netns add blue\nip link add veth-red type veth peer name veth-blue\n…\n\nor paste a whole write-up: each scenario becomes a lab'
          }
          spellCheck={false}
        />
      </div>
      <div className="actions">
        <button type="button" onClick={() => void preview()} disabled={!text.trim()}>
          Read commands
        </button>
        {!scenarios && (
          <button type="button" className="primary" disabled>
            Create lab
          </button>
        )}
      </div>
      {error && <p className="error">{error}</p>}
      {single && <ScenarioView s={{ ...single, name }} onChange={(s) => replace(0, s)} onCreated={onClose} onError={setError} />}
      {scenarios && !single && (
        <>
          <p className="import-count">{scenarios.length} scenarios in this document: each can be its own lab.</p>
          <ul className="import-scenarios" aria-label="Scenarios">
            {scenarios.map((s, i) => (
              <li key={`${i}-${s.title}`}>
                <ScenarioView s={s} onChange={(x) => replace(i, x)} onError={setError} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Modal>
  );
}

/** One scenario: what it holds, what went wrong, and its Create button (`onCreated` unset: several scenarios, the dialog stays open). */
function ScenarioView(props: {
  s: ImportScenario;
  onChange: (s: ImportScenario) => void;
  onCreated?: () => void;
  onError: (message: string) => void;
}) {
  const { s } = props;
  const [created, setCreated] = useState<string | null>(null);
  const templates = useTemplates(s.template !== undefined);
  const nodes = Object.keys(s.topology.nodes).length;
  const checks = s.topology.checks?.length ?? 0;
  const nameProblem = useLabNameProblem(s.name, created !== null);
  const nameOk = nameProblem === null;
  const create = async () => {
    await createImportedLab(s.topology, s.name);
    setCreated(s.name);
    props.onCreated?.();
  };
  const template = s.template && templates.find((t) => t.id === s.template!.id);
  const id = `import-${s.lines[0]}`;
  const body = (
    <>
      <p className="import-summary">
        {count(nodes, 'node', 'nodes')}, {count(s.topology.links.length, 'link', 'links')};{' '}
        {count(s.warnings.length, 'warning', 'warnings')}, {count(s.skipped.length, 'command', 'commands')} skipped because{' '}
        {s.skipped.length === 1 ? 'it only looks' : 'they only look'}.{checks > 0 && ` ${count(checks, 'check', 'checks')} from its pings.`}
      </p>
      {s.template && (
        <p className="import-template">
          {s.template.sameAddresses ? (
            <>
              This is the template <strong>{s.template.name}</strong> ({s.template.id}): the same nodes, links and addresses.
            </>
          ) : (
            <>
              Drawn like the template <strong>{s.template.name}</strong> ({s.template.id}): the same nodes and links, but its addresses
              differ from this document's.
            </>
          )}{' '}
          {template && (
            <button
              type="button"
              onClick={() => void importLab(template.text, s.template!.id).catch((e: Error) => props.onError(e.message))}
            >
              {s.template.sameAddresses ? 'Open the template instead' : 'Open the template (its own addresses)'}
            </button>
          )}
        </p>
      )}
      {s.warnings.length > 0 && (
        <ul className="issues import-warnings" aria-label="Import warnings">
          {s.warnings.map((w, i) => (
            <li key={i}>
              {w.line > 0 ? `line ${w.line}: ` : ''}
              {w.message} — <code>{w.text}</code>
              {w.replace && (
                <button type="button" onClick={() => props.onChange(replaceHostInterface(s, w.replace!.from, w.replace!.to))}>
                  Use {w.replace.to} for {w.replace.from}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <LabErrors issues={s.issues} />
      <YamlDetails yaml={s.yaml} />
    </>
  );
  const button = (
    <button
      type="button"
      className="primary"
      onClick={() => void create().catch((e: Error) => props.onError(e.message))}
      disabled={nodes === 0 || !nameOk || created !== null}
      title={nodes === 0 ? 'Nothing in it nslab can draw' : undefined}
    >
      {createWords('Create lab', s.issues, created)}
    </button>
  );
  if (props.onCreated)
    return (
      <div className="import-result">
        {body}
        <div className="actions">{button}</div>
        {!nameOk && <p className="error">Lab name: {nameProblem}</p>}
      </div>
    );
  return (
    <section className="import-scenario" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{s.title}</h3>
      <p className="import-lines">
        lines {s.lines[0]}–{s.lines[1]}
      </p>
      <LabNameField id={`${id}-name`} value={s.name} onChange={(name) => props.onChange({ ...s, name })} problem={nameProblem} />
      {body}
      <div className="actions">{button}</div>
    </section>
  );
}

import { useEffect, useId, useState, type FormEvent } from 'react';
import { workshops, type WorkshopTemplate, type WorkshopView } from '../api';
import { useStore } from '../store';
import { Alert } from '../panels/fields';

/** Start a workshop from a shipped one, optionally with another title and one of the saved labs as everyone's start. */
export function NewWorkshop({ onCreated, onCancel }: { onCreated: (v: WorkshopView) => void; onCancel: () => void }) {
  const labs = useStore((s) => s.labs);
  const [templates, setTemplates] = useState<WorkshopTemplate[] | null>(null);
  const [template, setTemplate] = useState('');
  const [title, setTitle] = useState('');
  const [lab, setLab] = useState('');
  /** A workshop file of the instructor's own (its text), which replaces the choices above. */
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    void workshops.templates().then(
      (t) => (setTemplates(t), setTemplate((cur) => cur || (t[0]?.id ?? ''))),
      (e: Error) => setError(e.message),
    );
  }, []);
  const picked = templates?.find((t) => t.id === template);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const named = title.trim() ? { title: title.trim() } : {};
      onCreated(
        await workshops.create(
          file ? { file: file.text, ...named } : { ...(template ? { template } : {}), ...named, ...(lab ? { lab } : {}) },
        ),
      );
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form className="new-workshop" aria-label="New workshop" onSubmit={(e) => void create(e)}>
      <h3>New workshop</h3>
      <div className="field">
        <label htmlFor={`${id}-template`}>Workshop</label>
        <select id={`${id}-template`} value={template} onChange={(e) => setTemplate(e.target.value)}>
          {templates?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
          <option value="">A saved lab: its checks are the step</option>
        </select>
      </div>
      {picked && (
        <p className="hint">
          {picked.description.trim()} ({picked.steps} {picked.steps === 1 ? 'step' : 'steps'})
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={title} placeholder={picked?.title ?? ''} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-lab`}>Start from lab</label>
        <select id={`${id}-lab`} value={lab} onChange={(e) => setLab(e.target.value)}>
          <option value="">{template ? "The workshop's own lab" : 'Choose a lab…'}</option>
          {labs.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>Or a workshop file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".yaml,.yml"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (!f) return setFile(null);
            void f.text().then((text) => setFile({ name: f.name, text }));
          }}
        />
        <p className="hint">
          {file
            ? `${file.name}: its steps, checks and lab are used (docs/workshops.md)`
            : 'Your own steps and checks: see docs/workshops.md'}
        </p>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || (!template && !lab && !file)}>
          Create
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <Alert message={error} />
    </form>
  );
}

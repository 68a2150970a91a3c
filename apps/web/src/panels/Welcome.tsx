import { useId, useState } from 'react';
import type { Template } from '../api';
import { useStore } from '../store';
import { Alert } from './fields';
import { importLab } from './labActions';
import { useTemplates } from './useTemplates';
import './labs.css';

/**
 * What an empty lab offers in the side panel: the templates, each with its
 * whole description. In the side panel, not over the canvas: dragging from the
 * palette onto the canvas works from the first second.
 */
export function Welcome() {
  const show = useStore((s) => s.lab !== null && Object.keys(s.topology.nodes).length === 0 && s.topology.links.length === 0);
  if (!show) return null;
  return <WelcomeList />;
}

function WelcomeList() {
  const templates = useTemplates(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (p: () => Promise<void>) => {
    setBusy(true);
    p().catch((e: Error) => (setError(e.message), setBusy(false)));
  };
  const labs = templates.filter((t) => !t.exercise);
  const exercises = templates.filter((t) => t.exercise);
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Start from a template</h2>
      <p className="welcome-lead">
        Draw namespaces, veth pairs and bridges on the canvas, press <strong>Deploy</strong>, and they are real on this host — then open a
        terminal in any of them. Or start from one of these scenarios:
      </p>
      <Alert message={error} />
      <h3>Templates</h3>
      {templates.length === 0 && <p className="hint">Loading templates…</p>}
      <ul className="template-cards" aria-label="Templates">
        {labs.map((t) => (
          <TemplateCard key={t.id} t={t} disabled={busy} onPick={() => run(() => importLab(t.text, t.id))} />
        ))}
      </ul>
      {exercises.length > 0 && (
        <>
          <h3>Exercises</h3>
          <p className="hint">Break-it/fix-it labs: each has one fault, and its checks fail until you find and fix it.</p>
          <ul className="template-cards" aria-label="Exercises">
            {exercises.map((t) => (
              <TemplateCard key={t.id} t={t} disabled={busy} onPick={() => run(() => importLab(t.text, t.id.replace(/^.*\//, '')))} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function TemplateCard({ t, disabled, onPick }: { t: Template; disabled: boolean; onPick: () => void }) {
  const id = useId();
  return (
    <li>
      <button type="button" className="template-card" aria-label={t.name} aria-describedby={id} disabled={disabled} onClick={onPick}>
        <strong>{t.name}</strong>
        <span id={id} className="desc">
          {t.description}
        </span>
      </button>
    </li>
  );
}

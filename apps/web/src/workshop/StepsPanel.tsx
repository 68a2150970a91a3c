import { useState } from 'react';
import { workshops, type MeView, type WorkshopStepView } from '../api';
import { Markdown } from './Markdown';
import { passedCount, relativeTime, stepStatus, type StepStatus } from './stepStatus';
import { useNow } from './useNow';
import { useWorkshop, type ParticipantMe } from './useWorkshop';
import { Alert } from '../panels/fields';

/** A participant's workshop: each step, what marks it done, how their lab stands against it, and "Check now". */
export function StepsPanel({ me }: { me: ParticipantMe }) {
  const [open, setOpen] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(15_000);
  const { workshop, results } = me;
  // Check now, or load a step's lab: either answers with the participant's view again.
  const act = async (call: () => Promise<MeView>) => {
    setBusy(true);
    setError(null);
    try {
      useWorkshop.getState().setMe(await call());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className={`steps-panel${open ? '' : ' collapsed'}`} aria-label="Steps">
      <div className="panel-head">
        {open && <h2>{workshop.title}</h2>}
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} title={open ? 'Hide steps' : 'Show steps'}>
          {open ? 'Hide steps' : 'Show steps'}
        </button>
      </div>
      {open && (
        <div className="steps-body">
          <div className="steps-top">
            <span>
              {passedCount(results, workshop.steps.length)} of {workshop.steps.length} steps done
            </span>
            <button type="button" className="primary" disabled={busy} onClick={() => void act(workshops.checkMe)}>
              {busy ? 'Checking…' : 'Check now'}
            </button>
          </div>
          <Alert message={error} />
          {workshop.description && (
            // Folded: the steps come first; the introduction is a click away.
            <details className="workshop-about">
              <summary>About this workshop</summary>
              <Markdown text={workshop.description} />
            </details>
          )}
          <ol className="steps">
            {workshop.steps.map((step, i) => (
              <StepItem
                key={i}
                step={step}
                status={stepStatus(results, i)}
                now={now}
                onLoad={busy ? undefined : () => void act(() => workshops.loadStep(i))}
              />
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function StepItem({
  step,
  status,
  now,
  onLoad,
}: {
  step: WorkshopStepView;
  status: StepStatus;
  now: number;
  /** Loads the lab the step starts from (a step with a template); undefined while busy. */
  onLoad: (() => void) | undefined;
}) {
  return (
    <li className={`step state-${status.state}`}>
      <h3>{step.title}</h3>
      <p className="step-state">
        <span aria-hidden="true">{status.mark}</span> {status.label}
        {status.at && <span className="hint"> · checked {relativeTime(status.at, now)}</span>}
      </p>
      <Markdown text={step.text} />
      {step.template && (
        <p>
          <button
            type="button"
            disabled={!onLoad}
            onClick={onLoad}
            title={`Replaces your lab's design with ${step.template}; then deploy it`}
          >
            Load this step's lab
          </button>
        </p>
      )}
      <div className="step-checks">
        <h4>Done when</h4>
        <ul>
          {step.checks.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
      </div>
      {status.detail.length > 0 && (
        <ul className="step-detail" aria-label="Check results">
          {status.detail.map((line, i) => (
            <li key={i} className={line.startsWith('FAIL') ? 'fail' : 'pass'}>
              {line}
            </li>
          ))}
        </ul>
      )}
      {status.state === 'failed' && step.hint && (
        <p className="step-hint">
          <strong>Hint:</strong> {step.hint}
        </p>
      )}
    </li>
  );
}

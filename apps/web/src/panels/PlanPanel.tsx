import { useEffect, useState } from 'react';
import { formatIssue, isError } from '@nslab/topology';
import { api, type PlanView } from '../api';
import { useStore } from '../store';

/** The exact commands deploy would run now against the live host, with why, updating as you edit. */
export function PlanPanel() {
  const lab = useStore((s) => s.lab);
  const topology = useStore((s) => s.topology);
  const issues = useStore((s) => s.issues);
  const status = useStore((s) => s.status);
  const health = useStore((s) => s.health);
  const epoch = useStore((s) => s.epoch);
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const errors = issues.filter(isError);

  useEffect(() => {
    if (!lab || errors.length > 0) return;
    let stale = false;
    const timer = setTimeout(() => {
      api.plan(lab, topology).then(
        (p) => !stale && (setPlan(p), setError(null)),
        (e: Error) => !stale && setError(e.message),
      );
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [lab, topology, errors.length, status?.state, status?.checkedAt, epoch]);

  return (
    <section className="plan" aria-label="Plan">
      <h2>Plan</h2>
      {health && !health.root && <p className="hint">Plan-only mode: planned against an empty host.</p>}
      {errors.length > 0 ? (
        <div className="plan-blocked">
          <p>
            Fix {errors.length} error{errors.length > 1 ? 's' : ''} to see what deploy would run:
          </p>
          <ul className="issues">
            {errors.slice(0, 20).map((i) => (
              <li key={formatIssue(i)}>{formatIssue(i)}</li>
            ))}
          </ul>
        </div>
      ) : error ? (
        <p className="error">{error}</p>
      ) : plan && plan.conflicts.length > 0 ? (
        <ul className="issues">
          {plan.conflicts.map((c) => (
            <li key={c.message}>{formatIssue(c)}</li>
          ))}
        </ul>
      ) : !plan ? (
        <p className="hint">Planning…</p>
      ) : plan.steps.length === 0 ? (
        <p className="hint">Nothing to do: the host matches the design.</p>
      ) : (
        <ol className="plan-steps">
          {plan.steps.map((s, i) => (
            <li key={i}>
              <div className="why">{s.reason}</div>
              <code>{s.argv.length ? s.argv.join(' ') : '(record only)'}</code>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

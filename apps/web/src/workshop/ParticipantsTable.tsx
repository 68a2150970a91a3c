import type { WorkshopView } from '../api';
import type { ParticipantView } from '../api';
import { dashboardRows, stepHeader, type DashboardRow } from './dashboardRows';
import { stepTitle } from './stepStatus';
import { useNow } from './useNow';

export type PersonAction = 'view' | 'watch' | 'help' | 'check' | 'reset' | 'remove';

const ACTIONS: Array<{ action: PersonAction; label: string; title: string }> = [
  { action: 'view', label: 'View', title: 'see their canvas' },
  { action: 'watch', label: 'Watch', title: 'follow their terminal, read-only' },
  { action: 'help', label: 'Help', title: 'type into their terminal' },
  { action: 'check', label: 'Check', title: 'run their step checks now' },
  { action: 'reset', label: 'Reset', title: 'set their lab back to the start' },
  { action: 'remove', label: 'Remove', title: 'remove them and their sandbox' },
];

/** One row per participant, one column per step; each row's buttons are named after the person ("View Ada"). */
export function ParticipantsTable({
  view,
  checking,
  onAction,
}: {
  view: WorkshopView;
  checking: string | null;
  onAction: (action: PersonAction, person: ParticipantView) => void;
}) {
  const now = useNow(10_000);
  const rows = dashboardRows(view, now);
  const people = new Map(view.people.map((p) => [p.id, p]));
  return (
    <div className="participants-scroll">
      <table className="participants" aria-label="Participants">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Last seen</th>
            {view.steps.map((s, i) => (
              <th scope="col" key={i} className="step-head" title={`${stepHeader(s, i)}\n${s.checks.join('\n')}`}>
                {i + 1}. <span className="step-head-title">{s.title}</span>
              </th>
            ))}
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Row key={r.id} row={r} busy={checking === r.id} onAction={(a) => onAction(a, people.get(r.id)!)} />
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={view.steps.length + 4} className="hint">
                Nobody has joined yet: share the join link.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function Row({ row, busy, onAction }: { row: DashboardRow; busy: boolean; onAction: (a: PersonAction) => void }) {
  return (
    <tr>
      <th scope="row">{row.name}</th>
      <td>{row.status}</td>
      <td title={new Date(row.lastSeenAt).toLocaleString()}>{row.lastSeen}</td>
      {row.steps.map((s, i) => (
        <td key={i} className={`step-cell state-${s.state}`} title={stepTitle(s)}>
          <span aria-hidden="true">{s.mark}</span>
          <span className="sr-only">{s.label}</span>
        </td>
      ))}
      <td className="row-actions">
        {ACTIONS.map(({ action, label, title }) => (
          <button
            type="button"
            key={action}
            aria-label={`${label} ${row.name}`}
            title={title}
            disabled={action === 'check' && busy}
            onClick={() => onAction(action)}
          >
            {label}
          </button>
        ))}
      </td>
    </tr>
  );
}

import { useEffect, useState } from 'react';
import { workshops, type ParticipantView, type WorkshopView } from '../api';
import { Confirm } from './Confirm';
import { joinLink } from './dashboardRows';
import { ParticipantLabDialog } from './ParticipantLabDialog';
import { ParticipantsTable, type PersonAction } from './ParticipantsTable';
import { TerminalPicker } from './TerminalPicker';
import { useWorkshopView } from './useWorkshopView';

type Opened =
  | { kind: 'confirm'; question: string; action: () => Promise<unknown> }
  | { kind: 'view'; person: ParticipantView }
  | { kind: 'terminal'; person: ParticipantView; mode: 'watch' | 'help' };

/** One workshop, live: its join link, everyone's progress, and what the instructor can do for each. */
export function Dashboard({ id, onView, onEnded }: { id: string; onView: (v: WorkshopView) => void; onEnded: () => void }) {
  const { view, setView, error, setError, live } = useWorkshopView(id);
  const [opened, setOpened] = useState<Opened | null>(null);
  const [checking, setChecking] = useState<string | null>(null);
  useEffect(() => {
    if (view) onView(view);
  }, [view, onView]);
  if (!view) return <p className={error ? 'error' : 'hint'}>{error ?? 'loading…'}</p>;

  const act = (p: Promise<WorkshopView>) => p.then(setView);
  const onAction = (action: PersonAction, person: ParticipantView) => {
    switch (action) {
      case 'view':
        return setOpened({ kind: 'view', person });
      case 'watch':
      case 'help':
        return setOpened({ kind: 'terminal', person, mode: action });
      case 'check':
        setChecking(person.id);
        return void act(workshops.check(id, person.id))
          .catch((e: Error) => setError(e.message))
          .finally(() => setChecking(null));
      case 'reset':
        return setOpened({
          kind: 'confirm',
          question: `Reset ${person.name}'s lab? It is destroyed and set back to the workshop's start.`,
          action: () => act(workshops.reset(id, person.id)),
        });
      case 'remove':
        return setOpened({
          kind: 'confirm',
          question: `Remove ${person.name} from the workshop? Their sandbox and labs are deleted.`,
          action: () => act(workshops.remove(id, person.id)),
        });
      default: {
        const never: never = action;
        return never;
      }
    }
  };
  const end = () =>
    setOpened({
      kind: 'confirm',
      question: `End the workshop "${view.title}"? Every participant's sandbox is removed.`,
      action: () => workshops.end(id).then(onEnded),
    });
  const close = () => setOpened(null);

  return (
    <div className="dashboard">
      <div className="panel-head">
        <h3>{view.title}</h3>
        <span className={`live ${live ? 'up' : 'down'}`} role="status">
          {live ? 'live' : 'reconnecting…'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={end}>
          End workshop
        </button>
      </div>
      <JoinLink path={view.joinPath} urls={view.joinUrls ?? []} />
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button type="button" aria-label="Dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </p>
      )}
      <ParticipantsTable view={view} checking={checking} onAction={onAction} />
      {opened?.kind === 'confirm' && <Confirm question={opened.question} action={opened.action} close={close} />}
      {opened?.kind === 'view' && <ParticipantLabDialog workshop={id} person={opened.person} close={close} />}
      {opened?.kind === 'terminal' && <TerminalPicker workshop={id} person={opened.person} mode={opened.mode} close={close} />}
    </div>
  );
}

/** The link participants open: at an address their machines reach (the server's), else this page's own. */
function JoinLink({ path, urls }: { path: string; urls: string[] }) {
  const link = urls[0] ?? joinLink(location.origin, path);
  const [copied, setCopied] = useState(false);
  const copy = async (input: HTMLInputElement | null) => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard API over plain http on another host than localhost: copy the selection the old way.
      input?.select();
      document.execCommand('copy');
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div className="field join-link">
      <label htmlFor="workshop-join-link">Join link</label>
      <div className="join-link-row">
        <input id="workshop-join-link" className="mono" readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={(e) => void copy(e.currentTarget.previousElementSibling as HTMLInputElement | null)}>
          Copy
        </button>
        <span aria-live="polite" className="hint">
          {copied ? 'copied' : ''}
        </span>
      </div>
      {urls.length === 0 && (
        <p className="hint">nslab listens on this machine only: other machines cannot open this link (start it with --host 0.0.0.0).</p>
      )}
      {urls.length > 1 && <p className="hint">Also: {urls.slice(1).join(', ')}</p>}
    </div>
  );
}

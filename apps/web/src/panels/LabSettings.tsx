import { useStore } from '../store';
import { ClashFixes } from './ClashFixes';
import { issuesAt, Section, TextField } from './fields';
import './labs.css';

/** The lab's own settings, shown while nothing is selected: its prefix, its name clashes on the host, its last failure in full. */
export function LabSettings() {
  const lab = useStore((s) => s.lab);
  const prefix = useStore((s) => s.topology.prefix);
  const issues = useStore((s) => s.issues);
  if (!lab) return null;
  const setPrefix = (v: string) => {
    const { apply, topology } = useStore.getState();
    const { prefix: _, ...rest } = topology;
    apply(v ? { ...topology, prefix: v } : rest, { coalesce: 'lab.prefix' });
  };
  return (
    <form className="lab-settings" aria-label="Lab settings" onSubmit={(e) => e.preventDefault()}>
      <Section title={`Lab ${lab}`}>
        <TextField
          label="Prefix"
          value={prefix ?? ''}
          onChange={setPrefix}
          issues={issuesAt(issues, ['prefix'])}
          placeholder="e.g. s01-"
          mono
        />
        <p className="hint">
          Put before every namespace name on the host, so two labs with the same node names (or copies of one lab) run side by side: with
          prefix s01-, node ns1 is namespace s01-ns1.
        </p>
        <ClashFixes />
      </Section>
      <LastFailure />
    </form>
  );
}

/** What went wrong in the last Deploy or Destroy, in full and selectable: the top bar has room for its start only. */
export function LastFailure() {
  const error = useStore((s) => (s.progress?.running ? undefined : (s.progress?.error ?? s.status?.error)));
  const op = useStore((s) => s.progress?.op ?? 'deploy');
  if (!error) return null;
  return (
    <Section title={`Last ${op} failed`}>
      <pre className="failure-text" aria-label="Error message">
        {error}
      </pre>
    </Section>
  );
}

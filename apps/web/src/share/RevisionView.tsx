import { useEffect, useState } from 'react';
import { parseTopology, type Topology } from '@nslab/topology';
import { api } from '../api';
import { useStore } from '../store';
import { ReadOnlyCanvas } from '../workshop/ReadOnlyCanvas';
import { closeRevision, useRoute } from './route';
import './share.css';

type Shown = { rev: number; createdAt: string; message: string; topology: Topology | null; text: string } | { error: string };

/**
 * `/labs/NAME/rev/N`: revision N drawn read-only over the designer (nothing
 * to edit, deploy or open), with "Restore this revision" and the way back to
 * the current design.
 */
export function RevisionView() {
  const revision = useRoute((s) => s.revision);
  const lab = useStore((s) => s.lab);
  const head = useStore((s) => s.rev);
  const [shown, setShown] = useState<Shown | null>(null);
  const open = revision && revision.lab === lab ? revision : null;
  const [openLab, openRev] = [open?.lab, open?.rev];

  useEffect(() => {
    setShown(null);
    if (!openLab || !openRev) return;
    let stale = false;
    api.revision(openLab, openRev).then(
      (r) => !stale && setShown({ ...r, topology: parseTopology(r.text).topology ?? null }),
      (e: Error) => !stale && setShown({ error: e.message }),
    );
    return () => {
      stale = true;
    };
  }, [openLab, openRev]);

  if (!open) return null;
  const restore = () =>
    void useStore
      .getState()
      .restore(open.rev)
      .then(closeRevision, (e: Error) => useStore.getState().say(e.message));
  return (
    <section className="revision-view" aria-label={`Revision ${open.rev} of ${open.lab}`}>
      <div className="panel-head">
        <h2>
          Revision #{open.rev} of {open.lab}
          {open.rev === head ? ' (the current one)' : ''}
        </h2>
        {shown && 'rev' in shown && (
          <span className="hint">
            {new Date(shown.createdAt).toLocaleString()} {shown.message}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="primary" disabled={open.rev === head || !shown || 'error' in shown} onClick={restore}>
          Restore this revision
        </button>
        <button type="button" onClick={closeRevision}>
          Back to the current design
        </button>
      </div>
      {!shown ? (
        <p className="hint">Loading…</p>
      ) : 'error' in shown ? (
        <p className="error">{shown.error}</p>
      ) : shown.topology ? (
        <ReadOnlyCanvas topology={shown.topology} label={`Diagram of revision ${open.rev}`} />
      ) : (
        <pre className="tool-out">{shown.text}</pre>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { SharedLab } from '@nslab/topology';
import { api } from '../api';
import { ReadOnlyCanvas } from '../workshop/ReadOnlyCanvas';
import './share.css';

/**
 * `/view/NAME?key=K`: a shared lab's diagram, to look at only (docs/security.md).
 * The page has no token and asks for nothing but the lab's design.
 */
export function ViewPage({ lab, viewKey }: { lab: string; viewKey: string }) {
  const [shared, setShared] = useState<SharedLab | { error: string } | null>(null);
  useEffect(() => {
    document.title = `${lab} — nslab (view only)`;
    api
      .view(lab, viewKey)
      .then(setShared, () =>
        setShared({ error: 'This view link does not open a lab: sharing may have been stopped, or the lab renamed or deleted.' }),
      );
  }, [lab, viewKey]);
  return (
    <div className="view-page">
      <header className="labbar">
        <strong className="brand">nslab</strong>
        <h1 className="view-title">{lab}</h1>
        <span className="view-badge">view only</span>
      </header>
      {!shared ? (
        <p className="hint view-message">Loading…</p>
      ) : 'error' in shared ? (
        <p className="view-message" role="alert">
          {shared.error}
        </p>
      ) : !shared.topology ? (
        <p className="view-message" role="alert">
          This lab&apos;s saved text has errors: there is nothing to draw.
        </p>
      ) : (
        <>
          {shared.topology.description && <p className="view-description">{shared.topology.description}</p>}
          <ReadOnlyCanvas topology={shared.topology} label={`Diagram of ${lab}`} />
        </>
      )}
    </div>
  );
}

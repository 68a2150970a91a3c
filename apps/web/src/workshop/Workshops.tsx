import { useCallback, useEffect, useState } from 'react';
import { workshops, type WorkshopSummary, type WorkshopView } from '../api';
import { Dashboard } from './Dashboard';
import { NewWorkshop } from './NewWorkshop';
import { useWorkshop } from './useWorkshop';
import { Alert } from '../panels/fields';

/** The instructor's Workshops view, over the canvas (the dock stays below it, for Watch and Help terminals). */
export function Workshops() {
  const [list, setList] = useState<WorkshopSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(
    () =>
      workshops.list().then(
        (l) => (setList(l), setError(null)),
        (e: Error) => setError(e.message),
      ),
    [],
  );
  // The first list: show the newest workshop, or the form when none runs.
  useEffect(() => {
    void workshops.list().then(
      (l) => {
        setList(l);
        const newest = [...l].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
        if (newest) setSelected(newest.id);
        else setCreating(true);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  const onView = useCallback(
    (v: WorkshopView) => setList((l) => l?.map((w) => (w.id === v.id ? { ...w, title: v.title, participants: v.people.length } : w)) ?? l),
    [],
  );
  const close = () => useWorkshop.getState().setOpen(false);

  return (
    <section className="workshops" aria-label="Workshops">
      <div className="panel-head">
        <h2>Workshops</h2>
        <button type="button" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <div className="workshops-body">
        <div className="workshop-list">
          <button type="button" className={creating ? 'current' : ''} onClick={() => setCreating(true)}>
            New workshop
          </button>
          <ul aria-label="Running workshops">
            {list?.map((w) => (
              <li key={w.id}>
                <button
                  type="button"
                  aria-current={!creating && w.id === selected}
                  className={!creating && w.id === selected ? 'current' : ''}
                  onClick={() => (setCreating(false), setSelected(w.id))}
                >
                  {w.title}
                  <span className="desc">
                    {w.participants} {w.participants === 1 ? 'participant' : 'participants'}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {list?.length === 0 && <p className="hint">No workshop is running.</p>}
          <Alert message={error} />
        </div>
        <div className="workshop-main">
          {creating ? (
            <NewWorkshop
              onCreated={(v) => {
                setCreating(false);
                setSelected(v.id);
                void refresh();
              }}
              onCancel={() => setCreating(false)}
            />
          ) : selected ? (
            <Dashboard
              key={selected}
              id={selected}
              onView={onView}
              onEnded={() => {
                setSelected(null);
                void refresh();
              }}
            />
          ) : (
            <p className="hint">Choose a workshop, or start a new one.</p>
          )}
        </div>
      </div>
    </section>
  );
}

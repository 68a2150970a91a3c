import { useEffect, useState } from 'react';
import { keepOpen, workshops, type WorkshopMessage, type WorkshopView } from '../api';

/**
 * One workshop as the dashboard shows it: read once, then replaced by each
 * `{type:'workshop'}` message of its websocket, and read again whenever the
 * socket comes back (what changed meanwhile was not sent).
 */
export function useWorkshopView(id: string) {
  const [view, setView] = useState<WorkshopView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let current = true;
    const load = () =>
      workshops.get(id).then(
        (v) => current && (setView(v), setError(null)),
        (e: Error) => current && setError(e.message),
      );
    void load();
    const stop = keepOpen<WorkshopMessage>(
      '/api/ws/workshop',
      { workshop: id },
      {
        onMessage: (m) => {
          if (m.type === 'workshop') setView(m.workshop);
          else if (m.type === 'error') setError(m.message);
        },
        onUp: (again) => {
          setLive(true);
          if (again) void load();
        },
        // Lost: the server restarting, or the workshop ended elsewhere (then reading it says so).
        onDown: () => (setLive(false), void load()),
      },
    );
    return () => {
      current = false;
      stop();
    };
  }, [id]);
  return { view, setView, error, setError, live };
}

import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { api, ApiError, follow } from './api';
import { Canvas } from './canvas/Canvas';
import { Inspector } from './panels/Inspector';
import { LabBar } from './panels/LabBar';
import { Palette } from './panels/Palette';
import { PlanPanel } from './panels/PlanPanel';
import { Dock } from './live/Dock';
import { useShortcuts } from './shortcuts';
import { useStore } from './store';
import { StepsPanel } from './workshop/StepsPanel';
import { Workshops } from './workshop/Workshops';
import { RevisionView } from './share/RevisionView';
import { DesignerMemory } from './share/DesignerMemory';
import { TracePanel } from './trace/TracePanel';
import { useTrace } from './trace/useTrace';
import { useTraceControls } from './trace/useTraceControls';
import { RefitOnResize } from './workspace/RefitOnResize';
import { Workspace } from './workspace/Workspace';
import { isInstructor, lastWorkshop, participantOf, useMeSession, useWorkshop } from './workshop/useWorkshop';

export function App() {
  const lab = useStore((s) => s.lab);
  const health = useStore((s) => s.health);
  const notice = useStore((s) => s.notice);
  const connection = useStore((s) => s.connection);
  const needsToken = useStore((s) => s.needsToken);
  const participant = useWorkshop(participantOf);
  const workshopsOpen = useWorkshop((s) => s.open && isInstructor(s));
  const tracing = useTrace((s) => s.result !== null);
  useShortcuts();
  useTraceControls();
  useMeSession(needsToken);

  useEffect(() => {
    const s = useStore.getState();
    s.init()
      // A first visit gets a lab to draw in straight away (the side panel offers the templates while it is empty).
      .then(() => s.firstLab())
      .catch((e: Error) => {
        if (!(e instanceof ApiError && e.status === 401)) s.say(`cannot reach the nslab server: ${e.message}`);
      });
  }, []);

  useEffect(() => {
    if (!lab || needsToken) return;
    void api.status(lab).then(
      (status) => useStore.getState().setStatus(status),
      () => {},
    );
    return follow(lab, {
      onEvent: (e) => useStore.getState().onLabEvent(e),
      onDown: () => useStore.getState().connectionLost(),
      onUp: (again) => {
        if (again)
          void useStore
            .getState()
            .reconnected()
            .catch(() => {});
      },
      onRefused: (message) => useStore.getState().say(message),
    });
  }, [lab, needsToken]);

  if (needsToken) return <TokenNeeded />;

  return (
    <ReactFlowProvider>
      <div className="app">
        <LabBar />
        {health && !health.root && (
          <div className="banner" role="note">
            Plan-only mode: the nslab server is not running as root, so you can draw labs and read their commands, but not deploy them.
          </div>
        )}
        {connection === 'down' && (
          <div className="banner banner-down" role="alert">
            Server unreachable — reconnecting… Your drawing is kept here; it is saved when the server is back.
          </div>
        )}
        {notice && (
          <div className="notice" role="alert">
            {notice}{' '}
            <button type="button" aria-label="Dismiss" onClick={() => useStore.getState().say(null)}>
              ×
            </button>
          </div>
        )}
        <div className="work-row">
          {participant && <StepsPanel me={participant} />}
          <Workspace
            palette={<Palette />}
            canvas={<Canvas />}
            plan={<PlanPanel />}
            dock={<Dock />}
            side={tracing ? <TracePanel /> : <Inspector />}
            over={
              <>
                {workshopsOpen && <Workshops />}
                <RevisionView />
                <DesignerMemory />
              </>
            }
          />
          <RefitOnResize />
        </div>
      </div>
    </ReactFlowProvider>
  );
}

/** Instead of a designer that cannot load or save anything. */
function TokenNeeded() {
  // A participant's secret stops working when their workshop ends or they are removed: the server token is not what they need.
  const participant = useWorkshop(participantOf);
  const title = participant?.workshop.title ?? lastWorkshop();
  if (title)
    return (
      <div className="token-needed" role="alert" aria-labelledby="token-needed-title">
        <h1 id="token-needed-title">You are no longer in the workshop</h1>
        <p>"{title}" has ended, or the instructor removed you. Ask for the join link to join again.</p>
      </div>
    );
  return (
    <div className="token-needed" role="alert" aria-labelledby="token-needed-title">
      <h1 id="token-needed-title">nslab needs its access token</h1>
      <p>
        Open the address <code>nslab serve</code> printed (it ends in <code>?token=…</code>), or run <code>sudo nslab token</code> on the
        server to see it.
      </p>
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { formatTopology, parseTopology, setLabName } from '@nslab/topology';
import { api, type Revision, type Template } from '../api';
import { autoLayout } from '../layout';
import { useStore } from '../store';
import { PingAll } from '../live/PingAll';
import { ImportScript } from './ImportScript';
import { CheckButton } from '../live/CheckButton';
import { WhoAmI, WorkshopsButton } from '../workshop/WorkshopBar';

/** The top bar: lab picker and lab actions, templates, import, history, status, Deploy and Destroy. */
export function LabBar() {
  const lab = useStore((s) => s.lab);
  const labs = useStore((s) => s.labs);
  const status = useStore((s) => s.status);
  const progress = useStore((s) => s.progress);
  const health = useStore((s) => s.health);
  const saving = useStore((s) => s.saving);
  const issues = useStore((s) => s.issues);
  const store = useStore.getState;
  const [menu, setMenu] = useState<'labs' | 'templates' | 'history' | 'import' | null>(null);
  const connection = useStore((s) => s.connection);
  const busy = (progress?.running ?? false) || connection === 'down';
  const hasErrors = issues.some((i) => i.severity !== 'warning');
  const guard = (p: Promise<unknown>) => p.catch((e: Error) => store().say(e.message));

  const freeName = (base: string) => {
    const taken = new Set(labs.map((l) => l.name));
    const stem = base.slice(0, 20);
    if (!taken.has(stem)) return stem;
    for (let i = 2; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
  };
  const newLab = () => {
    const name = window.prompt('Name of the new lab (lower-case letters, digits, "-")', freeName('lab'));
    if (name) void guard(store().createLab(formatTopology({ name, nodes: {}, links: [] })));
  };
  const importText = async (text: string, fallbackName: string) => {
    const r = parseTopology(text);
    if (!r.topology) throw new Error(r.issues.map((i) => i.message).join('; '));
    const name = freeName(r.topology.name || fallbackName);
    const laid = await autoLayout(r.topology);
    await store().createLab(laid === r.topology ? setLabName(text, name) : formatTopology({ ...laid, name }));
  };
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <header className="labbar">
      <strong className="brand">nslab</strong>
      <WhoAmI />
      <div className="menu">
        <button type="button" aria-expanded={menu === 'labs'} onClick={() => setMenu(menu === 'labs' ? null : 'labs')}>
          Labs{lab ? `: ${lab}` : ''}
        </button>
        {menu === 'labs' && (
          <div className="dropdown" role="menu" aria-label="Labs">
            {labs.map((l) => (
              <button
                type="button"
                role="menuitem"
                key={l.name}
                className={l.name === lab ? 'current' : ''}
                onClick={() => (setMenu(null), void guard(store().openLab(l.name)))}
              >
                {l.name}
              </button>
            ))}
            <hr />
            <button type="button" role="menuitem" onClick={() => (setMenu(null), newLab())}>
              New lab…
            </button>
            {lab && (
              <>
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenu(null);
                    const to = window.prompt('Rename lab to', lab);
                    if (to && to !== lab) void guard(store().renameLab(to));
                  }}
                >
                  Rename…
                </button>
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenu(null);
                    const to = window.prompt('Name of the copy', freeName(`${lab}-copy`));
                    if (to) void guard(store().duplicateLab(to));
                  }}
                >
                  Duplicate…
                </button>
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenu(null);
                    if (window.confirm(`Delete lab ${lab} and its history?`)) void guard(store().deleteLab());
                  }}
                >
                  Delete…
                </button>
              </>
            )}
            <hr />
            <button type="button" role="menuitem" onClick={() => (setMenu(null), fileInput.current?.click())}>
              Import .yaml…
            </button>
            <button type="button" role="menuitem" onClick={() => setMenu('import')}>
              Import script…
            </button>
            <button
              type="button"
              role="menuitem"
              disabled={!health?.root}
              onClick={() => {
                setMenu(null);
                const name = freeName('from-host');
                void guard(
                  api.discover(true, name).then(async (r) => store().createLab(formatTopology(await autoLayout({ ...r.topology, name })))),
                );
              }}
            >
              Import from host
            </button>
          </div>
        )}
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          aria-label="Import file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void guard(f.text().then((t) => importText(t, f.name.replace(/\.[^.]+$/, '').toLowerCase())));
            e.target.value = '';
          }}
        />
      </div>
      {menu === 'import' && <ImportScript onClose={() => setMenu(null)} freeName={freeName} />}
      <TemplatesMenu
        open={menu === 'templates'}
        toggle={() => setMenu(menu === 'templates' ? null : 'templates')}
        onPick={(t) => (setMenu(null), void guard(importText(t.text, t.id)))}
      />
      {lab && (
        <HistoryMenu
          lab={lab}
          open={menu === 'history'}
          toggle={() => setMenu(menu === 'history' ? null : 'history')}
          onPick={(rev) => (setMenu(null), void guard(store().restore(rev)))}
        />
      )}
      <WorkshopsButton />
      <span className="save-state" aria-live="polite">
        {lab ? (saving === 'saved' ? 'saved' : saving === 'error' ? 'not saved' : 'saving…') : ''}
      </span>
      <span className="spacer" />
      {lab && (
        <>
          <output
            className={`lab-status state-${connection === 'down' ? 'unknown' : (status?.state ?? 'unknown')}`}
            role="status"
            aria-label="Lab status"
            title={status?.error ?? status?.differences.map((d) => d.reason).join('\n') ?? ''}
          >
            {connection === 'down'
              ? 'Server unreachable'
              : progress?.running
                ? progress.op === 'deploy'
                  ? 'Deploying…'
                  : 'Destroying…'
                : (status?.label ?? '…')}
          </output>
          {progress && (progress.running || progress.error) && (
            <span className="progress">
              {progress.running && <progress max={progress.total || 1} value={progress.done} aria-label={`${progress.op} progress`} />}
              <span className="progress-text" title={progress.error ?? progress.current ?? ''}>
                {progress.error ? `failed: ${progress.error}` : `${progress.done}/${progress.total || '?'} ${progress.current ?? ''}`}
              </span>
            </span>
          )}
          <CheckButton />
          <PingAll />
          <button
            type="button"
            className="primary"
            disabled={busy || !health?.root || hasErrors}
            title={
              !health?.root
                ? 'plan-only mode: the server is not root'
                : hasErrors
                  ? 'fix the errors first'
                  : 'make the host match this design'
            }
            onClick={() => void guard(store().deploy())}
          >
            Deploy
          </button>
          <button type="button" disabled={busy || !health?.root} onClick={() => void guard(store().destroy())}>
            Destroy
          </button>
        </>
      )}
    </header>
  );
}

function TemplatesMenu({ open, toggle, onPick }: { open: boolean; toggle: () => void; onPick: (t: Template) => void }) {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    if (open && templates.length === 0) void api.templates().then(setTemplates);
  }, [open, templates.length]);
  return (
    <div className="menu">
      <button type="button" aria-expanded={open} onClick={toggle}>
        Templates
      </button>
      {open && (
        <div className="dropdown wide" role="menu" aria-label="Templates">
          {templates
            .filter((t) => !t.exercise)
            .map((t) => (
              <TemplateItem key={t.id} t={t} onPick={onPick} />
            ))}
          {templates.some((t) => t.exercise) && (
            // Break-it/fix-it labs: each has one fault, and its checks fail until it is fixed.
            <div role="group" aria-labelledby="templates-exercises" className="menu-group">
              <hr />
              <span id="templates-exercises" className="menu-group-title">
                Exercises
              </span>
              {templates
                .filter((t) => t.exercise)
                .map((t) => (
                  <TemplateItem key={t.id} t={t} onPick={onPick} />
                ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function TemplateItem({ t, onPick }: { t: Template; onPick: (t: Template) => void }) {
  return (
    <button type="button" role="menuitem" onClick={() => onPick(t)} title={t.description}>
      <strong>{t.name}</strong>
      <span className="desc">{t.description.split('\n').join(' ').slice(0, 160)}</span>
    </button>
  );
}

function HistoryMenu({ lab, open, toggle, onPick }: { lab: string; open: boolean; toggle: () => void; onPick: (rev: number) => void }) {
  const [revs, setRevs] = useState<Revision[]>([]);
  const rev = useStore((s) => s.rev);
  useEffect(() => {
    if (open) void api.revisions(lab).then(setRevs);
  }, [open, lab, rev]);
  return (
    <div className="menu">
      <button type="button" aria-expanded={open} onClick={toggle}>
        History
      </button>
      {open && (
        <div className="dropdown wide" role="menu" aria-label="Revisions">
          {revs.map((r) => (
            <div className="rev" key={r.rev}>
              <span>
                #{r.rev} {new Date(r.createdAt).toLocaleString()} {r.message}
              </span>
              {r.rev !== rev && (
                <button type="button" role="menuitem" onClick={() => onPick(r.rev)}>
                  Restore #{r.rev}
                </button>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

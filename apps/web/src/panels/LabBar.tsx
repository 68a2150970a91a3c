import { useRef, useState } from 'react';
import { api, type Template } from '../api';
import { hostConflicts, useStore } from '../store';
import { PingAll } from '../live/PingAll';
import { useDock } from '../live/dock';
import { ImportClab } from './ImportClab';
import { ImportScript } from './ImportScript';
import { HiddenFileInput } from './importParts';
import { CheckButton } from '../live/CheckButton';
import { WhoAmI, WorkshopsButton } from '../workshop/WorkshopBar';
import { Confirm } from '../workshop/Confirm';
import { FailureDialog } from './FailureDialog';
import { HistoryDialog } from './HistoryDialog';
import { createBlankLab, createImportedLab, downloadClab, freeLabName, importLab } from './labActions';
import { clabBlocker, clashNode, deployBlocker, destroySummary, labNameProblem } from './labWords';
import { NameDialog } from './NameDialog';
import { useTemplates } from './useTemplates';
import './labs.css';
import { labFileName, readUpload, saveFile } from '../share/labFile';
import { ShareDialog } from '../share/ShareDialog';

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
  const [menu, setMenu] = useState<'labs' | 'templates' | 'history' | 'import' | 'clab' | 'share' | null>(null);
  // In-page dialogs, never window.prompt/confirm: they block the page, and tests and screen readers see them badly.
  const [dialog, setDialog] = useState<'new' | 'rename' | 'duplicate' | 'delete' | 'destroy' | 'failure' | null>(null);
  const conflicts = useStore(hostConflicts);
  const connection = useStore((s) => s.connection);
  const busy = (progress?.running ?? false) || connection === 'down';
  const blocker = deployBlocker({ root: !!health?.root, issues, conflicts });
  const clabBlocked = clabBlocker(issues);
  const taken = labs.map((l) => l.name);
  const guard = (p: Promise<unknown>) => p.catch((e: Error) => store().say(e.message));

  const freeName = freeLabName;
  const fileInput = useRef<HTMLInputElement>(null);
  /** A lab file (Download lab's, or any lab YAML/JSON): created under a free name, with what validation says. */
  const upload = async (f: File) => {
    const u = readUpload(await f.text(), f.name, freeName);
    await importLab(u.text, u.name);
    store().say(u.message);
  };

  return (
    <header className="labbar">
      <strong className="brand">nslab</strong>
      <WhoAmI />
      <div className="menu">
        <button type="button" aria-expanded={menu === 'labs'} onClick={() => setMenu(menu === 'labs' ? null : 'labs')}>
          Labs{lab ? `: ${lab}` : ''}
        </button>
        {menu === 'labs' && (
          <div className="dropdown labs-menu" role="menu" aria-label="Labs">
            {/* Many labs scroll here: the actions below stay in the window. */}
            <div className="menu-scroll">
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
            </div>
            {labs.length > 0 && <hr />}
            <button type="button" role="menuitem" onClick={() => (setMenu(null), setDialog('new'))}>
              New lab…
            </button>
            {lab && (
              <>
                <button type="button" role="menuitem" onClick={() => (setMenu(null), setDialog('rename'))}>
                  Rename…
                </button>
                <button type="button" role="menuitem" onClick={() => (setMenu(null), setDialog('duplicate'))}>
                  Duplicate…
                </button>
                <button type="button" role="menuitem" onClick={() => (setMenu(null), setDialog('delete'))}>
                  Delete…
                </button>
              </>
            )}
            <hr />
            {lab && (
              <>
                <button
                  type="button"
                  role="menuitem"
                  title="the lab as one file, positions and descriptions included"
                  onClick={() => (setMenu(null), saveFile(store().text, 'application/yaml', labFileName(lab)))}
                >
                  Download lab
                </button>
                <button
                  type="button"
                  role="menuitem"
                  disabled={clabBlocked !== null}
                  title={clabBlocked ?? 'a containerlab topology file: a linux node per namespace, its addresses and routes as exec lines'}
                  onClick={() => (setMenu(null), downloadClab())}
                >
                  Download as containerlab
                </button>
                <button type="button" role="menuitem" onClick={() => setMenu('share')}>
                  Share view link…
                </button>
              </>
            )}
            <button type="button" role="menuitem" onClick={() => (setMenu(null), fileInput.current?.click())}>
              Upload lab…
            </button>
            <button type="button" role="menuitem" onClick={() => setMenu('import')}>
              Import script…
            </button>
            <button type="button" role="menuitem" onClick={() => setMenu('clab')}>
              Import containerlab…
            </button>
            <button
              type="button"
              role="menuitem"
              disabled={!health?.root}
              onClick={() => {
                setMenu(null);
                const name = freeName('from-host');
                void guard(api.discover(true, name).then((r) => createImportedLab(r.topology, name)));
              }}
            >
              Import from host
            </button>
          </div>
        )}
        <HiddenFileInput
          ref={fileInput}
          accept=".nslab.yaml,.yaml,.yml,.json"
          label="Upload lab file"
          pick={(f) => void guard(upload(f))}
        />
      </div>
      {menu === 'import' && <ImportScript onClose={() => setMenu(null)} freeName={freeName} />}
      {menu === 'clab' && <ImportClab onClose={() => setMenu(null)} freeName={freeName} />}
      {menu === 'share' && lab && <ShareDialog lab={lab} close={() => setMenu(null)} />}
      <TemplatesMenu
        open={menu === 'templates'}
        toggle={() => setMenu(menu === 'templates' ? null : 'templates')}
        onPick={(t) => (setMenu(null), void guard(importLab(t.text, t.id.replace(/^.*\//, ''))))}
      />
      {lab && (
        <button type="button" aria-haspopup="dialog" onClick={() => setMenu('history')}>
          History
        </button>
      )}
      {menu === 'history' && lab && <HistoryDialog lab={lab} close={() => setMenu(null)} />}
      {dialog === 'new' && (
        <NameDialog
          title="New lab"
          label="Lab name"
          submit="Create"
          initial={freeName('lab')}
          problem={(n) => labNameProblem(n, taken)}
          action={createBlankLab}
          close={() => setDialog(null)}
        />
      )}
      {dialog === 'rename' && lab && (
        <NameDialog
          title={`Rename lab ${lab}`}
          label="New name"
          submit="Rename"
          initial={lab}
          problem={(n) => (n === lab ? 'that is its name now' : labNameProblem(n, taken))}
          action={(n) => store().renameLab(n)}
          close={() => setDialog(null)}
        />
      )}
      {dialog === 'duplicate' && lab && (
        <NameDialog
          title={`Duplicate lab ${lab}`}
          label="Name of the copy"
          submit="Duplicate"
          initial={freeName(`${lab}-copy`)}
          problem={(n) => labNameProblem(n, taken)}
          action={(n) => store().duplicateLab(n)}
          close={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && lab && (
        <Confirm
          question={`Delete lab ${lab} and its history?`}
          confirm="Delete"
          danger
          action={() => store().deleteLab()}
          close={() => setDialog(null)}
        />
      )}
      {dialog === 'destroy' && lab && (
        <Confirm
          question={`${destroySummary(store().topology, status?.present ?? [])} Its open terminals and captures close.`}
          confirm="Destroy lab"
          danger
          action={() => store().destroy()}
          close={() => setDialog(null)}
        />
      )}
      {dialog === 'failure' && (progress?.error ?? status?.error) && (
        <FailureDialog
          title={`${progress?.op === 'destroy' ? 'Destroy' : 'Deploy'} failed`}
          error={(progress?.error ?? status?.error)!}
          close={() => setDialog(null)}
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
          {!progress?.running && (progress?.error ?? status?.error) && (
            <button type="button" className="error-details" aria-haspopup="dialog" onClick={() => setDialog('failure')}>
              Error details
            </button>
          )}
          <CheckButton />
          <PingAll />
          <button
            type="button"
            className="primary"
            disabled={busy || blocker !== null}
            title={blocker ?? 'make the host match this design'}
            aria-describedby={blocker && conflicts.length > 0 ? 'deploy-blocker' : undefined}
            onClick={() => void guard(store().deploy())}
          >
            Deploy
          </button>
          {conflicts.length > 0 && !busy && (
            <button
              type="button"
              id="deploy-blocker"
              className="deploy-blocker"
              title={conflicts.map((c) => c.message).join('\n')}
              onClick={() => {
                // The clash's node, where its fixes are; or the lab settings, for a clash on no node.
                const at = conflicts.map((c) => clashNode(c, store().topology)).find((n) => n !== undefined);
                store().select({ nodes: at ? [at] : [], links: [] });
              }}
            >
              Name clash: fix…
            </button>
          )}
          <button
            type="button"
            disabled={busy || !health?.root}
            onClick={() => {
              // Deploy builds a destroyed lab again in a second; what it cannot give back is a shell or a capture in it: ask then.
              if (useDock.getState().tabs.some((t) => t.lab === lab)) setDialog('destroy');
              else void guard(store().destroy());
            }}
          >
            Destroy
          </button>
        </>
      )}
    </header>
  );
}

function TemplatesMenu({ open, toggle, onPick }: { open: boolean; toggle: () => void; onPick: (t: Template) => void }) {
  const templates = useTemplates(open);
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
    <button type="button" role="menuitem" onClick={() => onPick(t)}>
      <strong>{t.name}</strong>
      <span className="desc">{t.description}</span>
    </button>
  );
}

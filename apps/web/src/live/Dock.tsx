import { CaptureView } from './CaptureView';
import { TerminalView } from './TerminalView';
import { tabTitle, useDock, type DockTab } from './dock';
import { YamlPanel } from '../panels/YamlPanel';

/**
 * The bottom-right dock: the YAML view, then one tab per terminal or capture.
 * Closing a tab ends its process. Split shows a second tab beside the active
 * one (a terminal beside a capture); Maximise gives the dock the whole
 * workspace, and Escape gives it back.
 */
export function Dock() {
  const { tabs, active, side, split, maximised, show, showBeside, close, toggleSplit, maximise } = useDock();
  const beside = split && side !== null && side !== active ? side : null;
  const shown = (id: string) => id === active || id === beside;
  const pane = (id: string) => (id === active ? (beside ? 'dock-pane left' : 'dock-pane') : 'dock-pane right');
  return (
    <div className={`dock${maximised ? ' maximised' : ''}${beside ? ' split' : ''}`}>
      <div className="dock-head">
        <div className="tabs" role="tablist" aria-label="Dock">
          <button type="button" role="tab" aria-selected={shown('yaml')} onClick={() => show('yaml')}>
            YAML
          </button>
          {tabs.map((t) => (
            <span key={t.id} className={`tab${active === t.id ? ' active' : ''}`}>
              <button type="button" role="tab" aria-selected={shown(t.id)} onClick={() => show(t.id)}>
                {tabTitle(t).title}
              </button>
              <button type="button" className="close" aria-label={tabTitle(t).close} onClick={() => close(t.id)}>
                ×
              </button>
            </span>
          ))}
        </div>
        <div className="dock-actions">
          {beside !== null && (
            <select aria-label="Right pane" title="The tab shown on the right" value={beside} onChange={(e) => showBeside(e.target.value)}>
              {[{ id: 'yaml', title: 'YAML' }, ...tabs.map((t) => ({ id: t.id, title: tabTitle(t).title }))]
                .filter((o) => o.id !== active)
                .map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.title}
                  </option>
                ))}
            </select>
          )}
          <button
            type="button"
            aria-pressed={split && tabs.length > 0}
            disabled={tabs.length === 0}
            onClick={toggleSplit}
            title="Show two tabs side by side"
          >
            Split
          </button>
          <button
            type="button"
            onClick={() => maximise(!maximised)}
            title={maximised ? 'Give the canvas back (Escape)' : 'Give the dock the whole window'}
          >
            {maximised ? 'Restore dock' : 'Maximise dock'}
          </button>
        </div>
      </div>
      <div className="dock-body">
        <div hidden={!shown('yaml')} className={pane('yaml')}>
          <YamlPanel />
        </div>
        {tabs.map((t) => (
          <div key={t.id} hidden={!shown(t.id)} className={pane(t.id)}>
            <TabView tab={t} visible={shown(t.id)} />
          </div>
        ))}
      </div>
    </div>
  );
}

function TabView({ tab: t, visible }: { tab: DockTab; visible: boolean }) {
  return t.kind === 'terminal' ? (
    <TerminalView lab={t.lab} node={t.node} visible={visible} participant={t.participant} />
  ) : (
    <CaptureView lab={t.lab} node={t.node} iface={t.iface} filter={t.filter} />
  );
}

import { CaptureView } from './CaptureView';
import { TerminalView } from './TerminalView';
import { tabTitle, useDock } from './dock';
import { YamlPanel } from '../panels/YamlPanel';

/** The bottom-right dock: the YAML view, then one tab per terminal or capture. Closing a tab ends its process. */
export function Dock() {
  const { tabs, active, show, close } = useDock();
  return (
    <div className="dock">
      <div className="tabs" role="tablist" aria-label="Dock">
        <button type="button" role="tab" aria-selected={active === 'yaml'} onClick={() => show('yaml')}>
          YAML
        </button>
        {tabs.map((t) => (
          <span key={t.id} className={`tab${active === t.id ? ' active' : ''}`}>
            <button type="button" role="tab" aria-selected={active === t.id} onClick={() => show(t.id)}>
              {tabTitle(t).title}
            </button>
            <button type="button" className="close" aria-label={tabTitle(t).close} onClick={() => close(t.id)}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div className="dock-body">
        <div hidden={active !== 'yaml'} className="dock-pane">
          <YamlPanel />
        </div>
        {tabs.map((t) => (
          <div key={t.id} hidden={active !== t.id} className="dock-pane">
            {t.kind === 'terminal' ? (
              <TerminalView lab={t.lab} node={t.node} visible={active === t.id} participant={t.participant} />
            ) : (
              <CaptureView lab={t.lab} node={t.node} iface={t.iface} filter={t.filter} />
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

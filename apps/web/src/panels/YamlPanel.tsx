import { formatIssue } from '@nslab/topology';
import { useStore } from '../store';

/** The lab as YAML. Edit here and the canvas follows; edit the canvas and this follows. */
export function YamlPanel() {
  const text = useStore((s) => s.text);
  const textIssues = useStore((s) => s.textIssues);
  const setText = useStore((s) => s.setText);
  const lab = useStore((s) => s.lab);
  const exportFile = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `${lab ?? 'lab'}.yaml` });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="yaml" aria-label="YAML">
      <div className="panel-head">
        <h2>YAML</h2>
        <button type="button" onClick={exportFile}>Export .yaml</button>
      </div>
      <textarea aria-label="Lab YAML" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      {textIssues.length > 0 && (
        <ul className="issues" aria-label="YAML problems">
          {textIssues.map((i) => <li key={formatIssue(i)}>{formatIssue(i)}</li>)}
        </ul>
      )}
    </section>
  );
}

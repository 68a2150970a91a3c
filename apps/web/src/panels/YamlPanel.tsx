import { desiredState, emptyObserved, formatIssue, isError, planDeploy, renderPlanScript } from '@nslab/topology';
import { saveFile } from '../share/labFile';
import { useStore } from '../store';

/** The lab as YAML. Edit here and the canvas follows; edit the canvas and this follows. */
export function YamlPanel() {
  const text = useStore((s) => s.text);
  const textIssues = useStore((s) => s.textIssues);
  const setText = useStore((s) => s.setText);
  const lab = useStore((s) => s.lab);
  const topology = useStore((s) => s.topology);
  const valid = useStore((s) => !s.issues.some(isError));
  // The lab's own file is "Download lab" in the Labs menu (share/labFile.ts).
  /** A standalone bash script that builds the lab on a machine without nslab (same as nslab export-script). */
  const exportScript = () => {
    const plan = planDeploy(emptyObserved(topology.name), desiredState(topology));
    saveFile(
      renderPlanScript(plan, { header: `builds lab "${topology.name}" on a host without nslab (exported by nslab)`, strict: true }),
      'text/x-shellscript',
      `${lab ?? 'lab'}.sh`,
    );
  };
  return (
    <section className="yaml" aria-label="YAML">
      <div className="panel-head">
        <h2>YAML</h2>
        <span className="actions">
          <button
            type="button"
            onClick={exportScript}
            disabled={!valid}
            title={valid ? 'a bash script that builds this lab without nslab' : 'fix the errors first'}
          >
            Export script
          </button>
        </span>
      </div>
      <textarea aria-label="Lab YAML" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      {textIssues.length > 0 && (
        <ul className="issues" aria-label="YAML problems">
          {textIssues.map((i) => (
            <li key={formatIssue(i)}>{formatIssue(i)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * What the import dialogs (a script, a containerlab file) share: their head,
 * the lab name field, the errors of the lab they would make, and its YAML;
 * and the file chooser they and the lab bar's Upload open.
 */
import type { Ref } from 'react';
import { formatIssue, isError, type TopologyIssue } from '@nslab/topology';
import { useStore } from '../store';
import { count, labNameProblem } from './labWords';

/** A dialog's title and its Close button. */
export function DialogHead({ title, close }: { title: string; close: () => void }) {
  return (
    <div className="panel-head">
      <h2>{title}</h2>
      <button type="button" aria-label="Close" onClick={close}>
        ×
      </button>
    </div>
  );
}

/** Why `name` cannot be the name of a new lab, or null; once the lab is `created`, its own name is fine. */
export function useLabNameProblem(name: string, created: boolean): string | null {
  const labs = useStore((x) => x.labs);
  return labNameProblem(name, created ? [] : labs.map((l) => l.name));
}

/** "Lab name", with what is wrong with it said under it. */
export function LabNameField(props: { id: string; value: string; onChange: (name: string) => void; problem: string | null }) {
  const { id, problem } = props;
  return (
    <div className="field">
      <label htmlFor={id}>Lab name</label>
      <input
        id={id}
        className="mono"
        value={props.value}
        spellCheck={false}
        aria-invalid={problem !== null || undefined}
        aria-describedby={problem === null ? undefined : `${id}-problem`}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {problem !== null && (
        <p className="error" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** The validation errors of the lab an import would make: it can still be made, and the designer shows each on its field. */
export function LabErrors({ issues }: { issues: TopologyIssue[] }) {
  const errors = issues.filter(isError);
  if (errors.length === 0) return null;
  return (
    <ul className="issues" aria-label="Lab errors">
      {errors.map((e, i) => (
        <li key={i}>{formatIssue(e)}</li>
      ))}
    </ul>
  );
}

/** The lab an import would make, as nslab YAML, folded away. */
export function YamlDetails({ yaml }: { yaml: string }) {
  return (
    <details>
      <summary>YAML</summary>
      <pre className="tool-out">{yaml}</pre>
    </details>
  );
}

/** A create button's words: `Create lab`, `Create lab (has 2 errors)`, or `Created NAME` once it is. */
export function createWords(verb: string, issues: TopologyIssue[], created: string | null): string {
  if (created !== null) return `Created ${created}`;
  const n = issues.filter(isError).length;
  return n > 0 ? `${verb} (has ${count(n, 'error', 'errors')})` : verb;
}

/** A file chooser with no look of its own: a button opens it (`ref.current.click()`); `pick` gets the file, and the same file can be chosen again. */
export function HiddenFileInput(props: { ref: Ref<HTMLInputElement>; accept: string; label: string; pick: (f: File) => void }) {
  return (
    <input
      ref={props.ref}
      type="file"
      accept={props.accept}
      hidden
      aria-label={props.label}
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) props.pick(f);
        e.target.value = '';
      }}
    />
  );
}

/** Small labelled form controls for the inspector, each showing the issues at its path. */
import { useId, type ReactNode } from 'react';
import { formatPath, type TopologyIssue } from '@nslab/topology';

export function issuesAt(issues: TopologyIssue[], path: (string | number)[]): TopologyIssue[] {
  return issues.filter((i) => i.path.length >= path.length && path.every((p, k) => i.path[k] === p));
}

function Problems({ id, issues }: { id: string; issues: TopologyIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="field-errors" id={id}>
      {issues.map((i) => (
        <li key={`${formatPath(i.path)}${i.message}`} className={i.severity === 'warning' ? 'warning' : 'error'}>
          {i.message}
        </li>
      ))}
    </ul>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  issues?: TopologyIssue[];
  placeholder?: string;
  mono?: boolean;
}) {
  const id = useId();
  const problems = props.issues ?? [];
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        className={props.mono ? 'mono' : undefined}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={problems.some((i) => i.severity !== 'warning') || undefined}
        aria-describedby={problems.length ? `${id}-e` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
        spellCheck={false}
      />
      <Problems id={`${id}-e`} issues={problems} />
    </div>
  );
}

export function NumberField(props: {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  issues?: TopologyIssue[];
  placeholder?: string;
}) {
  return (
    <TextField
      label={props.label}
      value={props.value === undefined ? '' : String(props.value)}
      placeholder={props.placeholder}
      issues={props.issues}
      onChange={(v) => props.onChange(v.trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : (v as unknown as number))}
    />
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="field check">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id} title={props.hint}>
        {props.label}
      </label>
    </div>
  );
}

export function SelectField(props: {
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
  issues?: TopologyIssue[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      <Problems id={`${id}-e`} issues={props.issues ?? []} />
    </div>
  );
}

export function Section(props: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <fieldset className="section">
      <legend>{props.title}</legend>
      {props.children}
      {props.action}
    </fieldset>
  );
}

/** "10.0.0.1/24, fd00::1/64" ⇄ ['10.0.0.1/24', 'fd00::1/64']. */
export const listText = (l: string[] | undefined) => (l ?? []).join(', ');
export const textList = (s: string) => {
  const l = s.split(/[\s,]+/).filter(Boolean);
  return l.length ? l : undefined;
};

/** A failure said where it happened, announced to screen readers; nothing when there is none. */
export function Alert({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}

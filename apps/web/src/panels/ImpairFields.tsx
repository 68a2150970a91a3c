/** Delay, Jitter, Loss, Rate and Up of a link (both ends) or of one end (its egress; wins over the link's, field by field). */
import { IMPAIR_FIELDS, type ImpairField, type ImpairSpec, type TopologyIssue } from '@nslab/topology';
import { CheckField, issuesAt, TextField } from './fields';

const LABELS: Record<ImpairField, [string, string]> = {
  delay: ['Delay', 'e.g. 50ms'],
  jitter: ['Jitter', 'e.g. 10ms (needs a delay)'],
  loss: ['Loss', 'e.g. 5%'],
  rate: ['Rate', 'e.g. 10mbit'],
};

export function ImpairFields(props: {
  impair: ImpairSpec | undefined;
  up: boolean;
  /** Where these fields are in the topology (`['links', i]` or an endpoint's path). */
  path: (string | number)[];
  issues: TopologyIssue[];
  /** What an empty field falls back to (the link's value, for an end). */
  inherited?: ImpairSpec;
  onImpair: (impair: ImpairSpec | undefined) => void;
  onUp: (up: boolean) => void;
}) {
  const set = (f: ImpairField, v: string) => {
    const next: ImpairSpec = { ...props.impair, [f]: v.trim() === '' ? undefined : v.trim() };
    const kept = Object.fromEntries(Object.entries(next).filter(([, x]) => x !== undefined));
    props.onImpair(Object.keys(kept).length > 0 ? kept : undefined);
  };
  return (
    <>
      {IMPAIR_FIELDS.map((f) => (
        <TextField
          key={f}
          label={LABELS[f][0]}
          value={String(props.impair?.[f] ?? '')}
          placeholder={props.inherited?.[f] !== undefined ? `${String(props.inherited[f])} (the link's)` : LABELS[f][1]}
          onChange={(v) => set(f, v)}
          issues={issuesAt(props.issues, [...props.path, 'impair', f])}
          mono
        />
      ))}
      <CheckField
        label="Up"
        checked={props.up}
        onChange={props.onUp}
        hint="Unchecked: the interface is administratively down (up: false)"
      />
    </>
  );
}
